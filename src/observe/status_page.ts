/**
 * The status page's HTML, rendered on the server from {@linkcode StatusData}:
 * health, the leaderboard, the consensus view and the per-step drill-down
 * work without JavaScript; the plots are drawn by `assets/status.js` with
 * uPlot (served by us, from the npm package) from the series embedded as
 * JSON. Every asset comes from the page's own origin.
 *
 * @module
 */
import type { StepReport } from "../validator/mod.ts";
import type { StatusData } from "./status_data.ts";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const h = escapeHtml;

/** A number with `digits` decimals, `∞` for null. */
const num = (x: number | null | undefined, digits = 4) =>
  x === null || x === undefined ? "∞" : Number.isFinite(x) ? x.toFixed(digits) : "∞";

const percent = (x: number | null | undefined) => x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)} %`;

/** "3 min ago", from two times in ms. */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${(s / 3600).toFixed(1)} h ago`;
  return `${(s / 86400).toFixed(1)} d ago`;
}

const time = (at: number, now: number) =>
  `<time datetime="${new Date(at).toISOString()}" title="${new Date(at).toISOString()}">${h(ago(at, now))}</time>`;

const shortKey = (key: string | null | undefined) =>
  key === null || key === undefined ? "–" : `<span class="mono" title="${h(key)}">${h(key.slice(0, 8))}…</span>`;

function card(title: string, status: "ok" | "warn" | "bad" | "none", body: string, id: string): string {
  return `<section class="card ${status}" id="${id}"><h3>${h(title)}</h3>${body}</section>`;
}

function healthCards(data: StatusData): string {
  const now = data.generatedAt;
  const { health } = data;
  const step = health.lastStep;
  const stepCard = step === null ? card("Last step", "none", "<p>No step recorded yet.</p>", "health-step") : card(
    "Last step",
    now - step.at > 3 * 3600_000 ? "warn" : "ok",
    `<p class="big">#${step.step}</p><p>${time(step.at, now)} · competition ${step.competition}</p>` +
      `<p>block ${step.block} (sync ${step.syncBlock}) · ${step.uids} uids · ${step.seconds.toFixed(1)} s</p>` +
      `<p>top uid <b>${step.topUid}</b></p>`,
    "health-step",
  );
  const set = health.lastWeightsSet;
  const attempt = health.lastWeightsAttempt;
  const failing = attempt !== null && !attempt.success;
  const weightsCard = card(
    "Weights",
    set === null ? (failing ? "bad" : "none") : failing ? "warn" : "ok",
    (set === null
      ? "<p>Never set (dry run, or no weights yet).</p>"
      : `<p class="big">block ${set.block ?? "?"}</p><p>set ${time(set.at, now)}` +
        `${health.blocksSinceWeights === null ? "" : ` · ${health.blocksSinceWeights} blocks ago`}</p>`) +
      (failing
        ? `<p class="error">last attempt failed ${time(attempt.at, now)}: ${h(attempt.reason ?? "unknown")}</p>`
        : ""),
    "health-weights",
  );
  const head = health.head;
  const headCard = card(
    "Chain head",
    head === null ? "none" : now - head.at > 600_000 ? "warn" : "ok",
    head === null ? "<p>Not recorded yet.</p>" : `<p class="big">${head.block}</p><p>read ${time(head.at, now)}</p>` +
      `<p>${health.neurons === null ? "" : `${health.neurons} neurons · `}subnet ${data.netuid ?? "?"}</p>`,
    "health-head",
  );
  const c = data.consensus;
  const consensusCard = card(
    "Consensus",
    c === null || c.comparedValidators === 0 ? "none" : c.disagreesWithMajority ? "bad" : "ok",
    c === null
      ? "<p>Not checked yet.</p>"
      : c.comparedValidators === 0
      ? `<p>No other validator with a permit has set weights (block ${c.block}).</p>`
      : `<p class="big">${percent(c.agreeingStakeShare)}</p><p>of the other validators' stake agrees on our top uid ` +
        `${c.ourTopUid ?? "–"}</p><p>majority top uid ${c.majorityTopUid ?? "–"} · cosine ${
          num(c.consensusCosine, 3)
        }` +
        `${c.streak > 0 ? ` · <span class="error">disagreeing ${c.streak} checks in a row</span>` : ""}</p>`,
    "health-consensus",
  );
  const errors = health.errors;
  const errorsCard = card(
    "Recent errors",
    errors.length === 0 ? "ok" : now - errors[0]!.at < 3600_000 ? "warn" : "none",
    errors.length === 0
      ? "<p>None.</p>"
      : `<ul class="errors">${
        errors.map((e) => `<li>${time(e.at, now)} <b>${h(e.source)}</b>: ${h(e.message)}</li>`).join("")
      }</ul>`,
    "health-errors",
  );
  return `<div class="cards">${stepCard}${weightsCard}${headCard}${consensusCard}${errorsCard}</div>`;
}

function leaderboard(data: StatusData): string {
  if (data.leaderboard.length === 0) return `<p>No model evaluated yet.</p>`;
  const tasks = data.tasks;
  const head = `<tr><th>uid</th><th>hotkey</th><th>model</th>${
    tasks.map((t) => `<th class="num">${h(t.toLowerCase().replace(/_/g, " "))}</th>`).join("")
  }<th class="num">score</th><th class="num">win rate</th><th class="num">weight</th><th class="num">subnet</th><th>note</th></tr>`;
  const rows = data.leaderboard.map((r) => {
    const model = r.model === null
      ? "–"
      : r.modelUrl === null
      ? h(r.model)
      : `<a href="${h(r.modelUrl)}" rel="noopener noreferrer">${h(r.model.replace(/@(.{8}).*$/, "@$1"))}</a>`;
    return `<tr data-uid="${r.uid}"><td class="num">${r.uid}</td><td>${shortKey(r.hotkey)}</td><td>${model}</td>${
      tasks.map((t) => `<td class="num">${num(r.taskScores[t])}</td>`).join("")
    }<td class="num"><b>${num(r.score)}</b></td><td class="num">${r.winRate.toFixed(2)}</td>` +
      `<td class="num">${r.weight.toFixed(4)}</td><td class="num">${r.subnetWeight.toFixed(4)}</td>` +
      `<td class="note" title="${h(r.error ?? "")}">${
        h(r.error ?? (r.step === data.health.lastStep?.step ? "" : `last evaluated in step ${r.step}`))
      }</td></tr>`;
  });
  return `<div class="scroll"><table id="leaderboard"><thead>${head}</thead><tbody>${
    rows.join("")
  }</tbody></table></div>`;
}

function consensusTable(data: StatusData): string {
  const c = data.consensus;
  if (c === null) return "<p>No consensus check recorded yet (the validator checks after every step).</p>";
  const rows = c.validators.map((v) =>
    `<tr class="${v.self ? "self" : ""}"><td class="num">${v.uid}${v.self ? " (us)" : ""}</td><td>${
      shortKey(v.hotkey)
    }</td><td class="num">${v.stake.toFixed(0)}</td><td class="num">${v.self ? "–" : percent(v.stakeShare)}</td>` +
    `<td class="num">${v.hasWeights ? num(v.cosine, 3) : "–"}</td><td class="num">${v.topUid ?? "–"}</td>` +
    `<td>${v.self ? "" : v.agreesOnTop === null ? "no weights" : v.agreesOnTop ? "agrees" : "<b>differs</b>"}</td></tr>`
  );
  const others = c.comparedValidators === 0
    ? "No other validator with a permit has set weights yet."
    : `${c.comparedValidators} other validators compared: ${percent(c.agreeingStakeShare)} of their stake agrees ` +
      `with our top uid; their stake-weighted majority's top uid is ${c.majorityTopUid ?? "–"} (${
        percent(c.majorityStakeShare)
      }); cosine with their stake-weighted mean weights ${num(c.consensusCosine, 3)}.` +
      (c.streak > 0 ? ` <span class="error">Our top uid has differed ${c.streak} checks in a row.</span>` : "");
  return `<p>At block ${c.block} (${time(c.at, data.generatedAt)}), ours from ${
    c.source === "chain" ? "our weights on chain" : "the weights we computed last"
  }: top uid <b>${
    c.ourTopUid ?? "–"
  }</b>. ${others}</p><div class="scroll"><table id="consensus"><thead><tr><th>uid</th><th>hotkey</th><th class="num">stake</th>` +
    `<th class="num">share</th><th class="num">cosine</th><th class="num">top uid</th><th>top uid vs ours</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>`;
}

/** One step's drill-down: its data, every uid's row, durations. */
export function stepDetails(report: StepReport, at: number | undefined, now: number, open = false): string {
  const tasks = report.tasks.map((t) => t.name);
  const rows = report.uids.map((r) =>
    `<tr><td class="num">${r.uid}</td><td>${shortKey(r.hotkey ?? null)}</td><td>${
      h(r.model === null ? "–" : r.model.replace(/@(.{8}).*$/, "@$1"))
    }</td><td class="num">${r.commit_block ?? "–"}</td>${
      tasks.map((t) => `<td class="num">${num(r.task_scores[t])}</td>`).join("")
    }<td class="num">${num(r.score)}</td><td class="num">${r.win_rate.toFixed(2)}</td><td class="num">${r.wins}</td>` +
    `<td class="num">${r.step_weight.toFixed(2)}</td><td class="num">${
      (report.competition_weights[r.uid] ?? 0).toFixed(4)
    }</td><td class="num">${(report.durations.scoring[String(r.uid)] ?? 0).toFixed(1)}</td><td class="note" title="${
      h(r.error ?? "")
    }">${h(r.error ?? (report.kept_uids.includes(r.uid) ? "kept" : ""))}</td></tr>`
  );
  const summary = `Step ${report.step} · competition ${report.competition} · block ${report.current_block} · ` +
    `top uid ${report.top_uid} · ${report.uids.length} uids · ${report.durations.total.toFixed(1)} s` +
    (at === undefined ? "" : ` · ${ago(at, now)}`);
  return `<details id="step-${report.step}" class="step"${open ? " open" : ""}><summary>${h(summary)}</summary>` +
    `<p>Sync block ${report.sync_block} (<span class="mono">${h(report.block_hash.slice(0, 18))}…</span>), seed ${
      h(report.seed)
    }; data ${report.data_cached ? "from the cache" : "drawn"} in ${report.durations.data.toFixed(1)} s: ${
      report.tasks.map((t) =>
        `${h(t.name)} ${t.samples} samples (weight ${t.weight})${
          t.error ? ` <span class="error">${h(t.error)}</span>` : ""
        }`
      ).join(", ")
    }. Kept for the next step: ${
      report.kept_uids.join(", ") || "none"
    }. <a href="reports/${report.step}.json">JSON</a></p>` +
    `<div class="scroll"><table class="step-table"><thead><tr><th>uid</th><th>hotkey</th><th>model</th><th class="num">block</th>${
      tasks.map((t) => `<th class="num">${h(t.toLowerCase().replace(/_/g, " "))}</th>`).join("")
    }<th class="num">score</th><th class="num">win rate</th><th class="num">wins</th><th class="num">step w</th>` +
    `<th class="num">avg w</th><th class="num">secs</th><th>note</th></tr></thead><tbody>${
      rows.join("")
    }</tbody></table></div></details>`;
}

/** Options of {@linkcode renderStatusPage}. */
export interface RenderStatusPageOptions {
  /** A step to show open in the drill-down (`?step=N`), when it is not among the recent ones. */
  readonly step?: StepReport | undefined;
  /** Whether `/metrics` is served beside the page. @default false */
  readonly metrics?: boolean | undefined;
}

/** The whole page. */
export function renderStatusPage(data: StatusData, options: RenderStatusPageOptions = {}): string {
  const now = data.generatedAt;
  const series = JSON.stringify(data.series).replace(/</g, "\\u003c");
  const recent = data.reports.map((e) => e.report.step);
  const extra = options.step !== undefined && !recent.includes(options.step.step)
    ? stepDetails(options.step, undefined, now, true)
    : "";
  const steps = data.reports.map((e, i) =>
    stepDetails(e.report, e.at, now, options.step === undefined ? i === 0 : e.report.step === options.step.step)
  ).join("");
  const title = `subvalid · subnet ${data.netuid ?? "?"}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · status</title>
<link rel="stylesheet" href="assets/uPlot.min.css">
<link rel="stylesheet" href="assets/status.css">
<link rel="icon" href="data:,">
</head>
<body>
<header>
<h1>${h(title)} <span class="sub">validator status</span></h1>
<p class="meta">${
    data.live ? "Served by the running validator" : `From the state in <span class="mono">${h(data.stateDir)}</span>`
  } · generated <time datetime="${new Date(now).toISOString()}">${
    h(new Date(now).toISOString().replace("T", " ").slice(0, 19))
  } UTC</time> · <a href="./">reload</a> · <a href="status.json">JSON</a>${
    options.metrics ? ` · <a href="metrics">metrics</a>` : ""
  }</p>
</header>
<main>
<h2>Health</h2>
${healthCards(data)}
<h2>Leaderboard${data.competition === null ? "" : ` · competition ${data.competition}`}</h2>
${leaderboard(data)}
<h2>Top miners over the last steps</h2>
<div class="plots">
<figure><figcaption>Score (loss, lower is better)</figcaption><div class="plot" id="plot-score" data-key="scores"><noscript>The plots need JavaScript.</noscript></div></figure>
<figure><figcaption>Moving-average weight</figcaption><div class="plot" id="plot-weight" data-key="weights"></div></figure>
</div>
<h2>Consensus with the other validators</h2>
${consensusTable(data)}
<h2>Steps</h2>
<form class="goto" method="get" action="./"><label>Step <input type="number" name="step" min="1" inputmode="numeric"></label> <button>Show</button></form>
${extra}${steps || "<p>No step recorded yet.</p>"}
</main>
<script type="application/json" id="status-series">${series}</script>
<script src="assets/uPlot.iife.min.js"></script>
<script src="assets/status.js"></script>
</body>
</html>
`;
}
