/**
 * The status page in a real headless browser (Debian's chromium, driven by
 * playwright-core): the demo runs for real (local chain, local hub, three
 * steps), `deno task status` serves its state under its own permission set,
 * and the page must render the leaderboard, both plots and the drill-down,
 * on a wide screen and on a phone, without console errors and without a
 * single request to another origin. Screenshots go to `.cache/artifacts/`.
 * Skipped, with the reason printed, where /usr/bin/chromium is absent
 * (`.ci/run` installs it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { runDemo } from "../src/demo/mod.ts";
import { ROOT } from "./local_subnet.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, ".cache", "artifacts");
const available = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!available) {
  // deno-lint-ignore no-console
  console.log(
    `status_browser_test.ts: SKIPPED: ${CHROMIUM} is absent; install Debian's chromium (apt-get install -y chromium, ` +
      "as .ci/run does) to run the browser test",
  );
}

/** Flags that keep Chromium off the network (this machine has none) and out of the sandbox it cannot use as root. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Watches a page: console errors and warnings, page errors, failed requests, requests to other origins. */
function watch(page: Page, origin: string): { problems: string[]; requests: string[] } {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  page.on("request", (request) => {
    requests.push(request.url());
    if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) {
      problems.push(`request to another origin: ${request.url()}`);
    }
  });
  return { problems, requests };
}

Deno.test({
  name:
    "the status page renders the demo's state in headless Chromium: leaderboard, plots, consensus, drill-down, phone",
  ignore: !available,
  // playwright-core keeps pipes and timers of its own beyond the test's reach.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const parent = join(ROOT, ".cache", "huggingface");
    await Deno.mkdir(parent, { recursive: true });
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: parent, prefix: "test-status-" });
    const profile = await Deno.makeTempDir({ prefix: "subvalid-chromium-" });
    let server: Deno.ChildProcess | undefined;
    try {
      const demo = await runDemo({
        workDir: join(dir, "work"),
        modelDir: join(dir, "hf", "hub"),
        cacheDir: join(dir, "hf", "subvalid-score"),
        device: "cpu",
        steps: 3,
      });
      assert.equal(demo.reports.length, 3);

      // deno task status, under its permission set, on a free loopback port.
      server = new Deno.Command(Deno.execPath(), {
        args: [
          "task",
          "--quiet",
          "--config",
          join(ROOT, "deno.json"),
          "status",
          "--validator.state_dir",
          join(dir, "work", "state"),
          "--status.port",
          "0",
        ],
        cwd: ROOT,
        stdout: "piped",
        stderr: "null",
        env: { NO_COLOR: "1" },
      }).spawn();
      const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const first = await Promise.race([
        lines.read(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("deno task status printed no URL")), 60_000)
        ),
      ]);
      const url = first.value!.trim().split("\n")[0]!;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const origin = url.slice(0, -1);

      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 900 },
        timeout: 60_000,
      });
      try {
        // A wide screen.
        const page = context.pages()[0] ?? await context.newPage();
        const wide = watch(page, origin);
        const started = performance.now();
        const response = await page.goto(url, { waitUntil: "load", timeout: 30_000 });
        await page.waitForSelector("#plot-weight[data-rendered]", { timeout: 10_000 });
        const loadMs = performance.now() - started;
        assert.equal(response?.status(), 200);
        const rows = await page.evaluate<number[]>(
          `[...document.querySelectorAll("#leaderboard tbody tr")].map((tr) => Number(tr.dataset.uid))`,
        );
        // carol (0.81), dave (0.19), then alice and eve by score (each from its own step's data), bob's infinity last.
        assert.deepEqual([rows.slice(0, 2), rows.slice(2, 4).sort(), rows[4]], [[3, 4], [1, 5], 2], `rows ${rows}`);
        assert.match(await page.locator("#leaderboard tbody tr").first().innerText(), /demo-carol\/llama@363d7ef4/);
        const link = await page.locator("#leaderboard a").first().getAttribute("href");
        assert.match(link!, /^https:\/\/huggingface\.co\/demo-carol\/llama\/tree\/[0-9a-f]{40}$/);
        for (const id of ["plot-score", "plot-weight"]) {
          const plot = page.locator(`#${id}`);
          assert.equal(await plot.getAttribute("data-rendered"), "true", id);
          assert.equal(await plot.getAttribute("data-series"), "5", id);
          assert.equal(await plot.locator("canvas").count(), 1, id);
          const box = (await plot.locator("canvas").boundingBox())!;
          assert.ok(box.width > 300 && box.height > 150, `${id}: ${JSON.stringify(box)}`);
        }
        assert.match(await page.locator("#health-step").innerText(), /#3/);
        assert.match(await page.locator("#health-weights").innerText(), /block \d+/);
        assert.match(await page.locator("#health-head").innerText(), /9 neurons · subnet 37/);
        assert.equal(await page.locator("#consensus tbody tr").count(), 1, "the demo's one validator: us");
        // The drill-down: the last step open, an older one opens on a click.
        assert.equal(await page.locator("#step-3").getAttribute("open"), "");
        assert.equal(await page.locator("#step-1").getAttribute("open"), null);
        await page.locator("#step-1 summary").click();
        assert.equal(await page.locator("#step-1").getAttribute("open"), "");
        assert.equal(await page.locator("#step-1 .step-table tbody tr").count(), 4);
        await page.screenshot({ path: join(ARTIFACTS, "status-wide.png"), fullPage: true });
        assert.deepEqual(wide.problems, []);
        assert.ok(wide.requests.every((r) => r.startsWith(origin)), wide.requests.join("\n"));
        const reloaded = performance.now();
        await page.reload({ waitUntil: "load", timeout: 30_000 });
        await page.waitForSelector("#plot-weight[data-rendered]", { timeout: 10_000 });
        const reloadMs = performance.now() - reloaded;
        assert.deepEqual(wide.problems, []);
        // deno-lint-ignore no-console
        console.log(
          `status page: first load and plots ${loadMs.toFixed(0)} ms, reload ${reloadMs.toFixed(0)} ms; ` +
            `${wide.requests.length} requests, all to ${origin}`,
        );

        // A phone: one column, nothing wider than the screen (tables scroll in their boxes).
        const phone = await context.newPage();
        await phone.setViewportSize({ width: 390, height: 844 });
        const narrow = watch(phone, origin);
        await phone.goto(url, { waitUntil: "load", timeout: 30_000 });
        await phone.waitForSelector("#plot-weight[data-rendered]", { timeout: 10_000 });
        // In the page (a string: this file is type-checked without the DOM library).
        const widths = await phone.evaluate<{ page: number; screen: number; plot: number; cards: number[] }>(`({
          page: document.documentElement.scrollWidth,
          screen: innerWidth,
          plot: document.querySelector("#plot-score canvas").getBoundingClientRect().width,
          cards: [...document.querySelectorAll(".card")].map((c) => Math.round(c.getBoundingClientRect().left)),
        })`);
        assert.ok(widths.page <= widths.screen, `the page is ${widths.page} px wide on a ${widths.screen} px screen`);
        assert.ok(widths.plot <= widths.screen && widths.plot > 250, `plot ${widths.plot} px`);
        assert.equal(new Set(widths.cards).size, 1, "the health cards stack in one column");
        await phone.screenshot({ path: join(ARTIFACTS, "status-phone.png"), fullPage: true });
        assert.deepEqual(narrow.problems, []);
      } finally {
        await context.close();
      }
    } finally {
      if (server !== undefined) {
        server.kill("SIGTERM");
        assert.equal((await server.status).code, 0, "deno task status stops cleanly on SIGTERM");
      }
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});
