// The status page's plots: each top miner's score and moving-average weight over the last steps, drawn with
// uPlot from the series the server embedded in the page. Served by subvalid itself; no other origin is contacted.
(function () {
  "use strict";
  const COLORS = ["#2456c9", "#c53030", "#1f8f4e", "#b7791f", "#6b46c1", "#0f766e", "#b83280", "#4a5568"];
  const source = document.getElementById("status-series");
  if (source === null) return;
  const series = JSON.parse(source.textContent || "{}");
  const plots = [];

  function message(element, text) {
    const p = document.createElement("p");
    p.className = "plot-message";
    p.textContent = text;
    element.replaceChildren(p);
    element.dataset.rendered = "empty";
  }

  function draw(element) {
    const key = element.dataset.key;
    const miners = series.miners || [];
    if (typeof globalThis.uPlot !== "function") return message(element, "The chart library did not load.");
    if (miners.length === 0 || (series.steps || []).length === 0) return message(element, "No steps recorded yet.");
    const width = Math.max(260, element.clientWidth);
    const options = {
      width,
      height: width < 500 ? 220 : 280,
      scales: { x: { time: false } },
      axes: [
        { label: "step", values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")) },
        { size: 60, values: (_u, ticks) => ticks.map((t) => (key === "weights" ? t.toFixed(2) : t.toPrecision(3))) },
      ],
      legend: { live: true },
      series: [
        { label: "step" },
        ...miners.map((m, i) => ({
          label: m.label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          spanGaps: true,
          points: { show: true, size: 6 },
          value: (_u, v) => (v === null || v === undefined ? "–" : v.toFixed(4)),
        })),
      ],
    };
    const data = [series.steps, ...miners.map((m) => m[key].map((v) => (v === null ? null : Number(v))))];
    element.replaceChildren();
    const plot = new globalThis.uPlot(options, data, element);
    plots.push({ plot, element });
    element.dataset.rendered = "true";
    element.dataset.series = String(miners.length);
  }

  for (const element of document.querySelectorAll(".plot[data-key]")) {
    try {
      draw(element);
    } catch (error) {
      message(element, `The plot failed: ${error && error.message ? error.message : error}`);
      element.dataset.rendered = "error";
    }
  }

  let pending = 0;
  globalThis.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      for (const { plot, element } of plots) {
        const width = Math.max(260, element.clientWidth);
        plot.setSize({ width, height: width < 500 ? 220 : 280 });
      }
    }, 150);
  });
})();
