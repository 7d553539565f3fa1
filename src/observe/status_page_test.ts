import assert from "node:assert/strict";
import { ValidatorState } from "../state/mod.ts";
import { CONSENSUS_META_KEY, HEAD_META_KEY, SNAPSHOT_META_KEY, type StepReport } from "../validator/mod.ts";
import { metricsRoute } from "./metrics_route.ts";
import { ServeError, serveHttp } from "./serve_http.ts";
import { modelUrl, readStatusData } from "./status_data.ts";
import { escapeHtml, renderStatusPage } from "./status_page.ts";
import { STATUS_PAGE_CSP, statusRoute } from "./status_route.ts";

const row = (uid: number, score: number | null, winRate: number, error?: string): StepReport["uids"][number] => ({
  uid,
  hotkey: `hk${uid}`,
  model: `ns${uid}/model@${"c".repeat(40)}`,
  "commit_block": 1,
  score,
  "task_scores": { A: score, B: score },
  "raw_task_scores": { A: score, B: score },
  wins: 0,
  "win_rate": winRate,
  "step_weight": 0,
  ...(error === undefined ? {} : { error }),
});

const report = (step: number, uids: StepReport["uids"], weights: number[], competition = 4): StepReport => ({
  step,
  competition,
  "current_block": 100 * step,
  "sync_block": 100 * step,
  "block_hash": `0x${"ab".repeat(32)}`,
  seed: "7",
  tasks: [{ name: "A", weight: 0.5, samples: 3 }, { name: "B", weight: 0.5, samples: 2 }],
  uids,
  "top_uid": uids[0]!.uid,
  "competition_weights": weights,
  "subnet_weights": weights,
  "kept_uids": [uids[0]!.uid],
  durations: { data: 0.5, scoring: { [String(uids[0]!.uid)]: 2 }, total: 3 },
  "data_cached": false,
});

/** A state with three steps of competition 4 (uid 2 wins from step 2), one of another competition before them. */
async function withState(fn: (state: ValidatorState) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-status-" });
  let now = 1_000_000;
  try {
    using state = await ValidatorState.open(dir, { netuid: 37, now: () => now });
    const steps = [
      report(1, [row(5, 1, 1)], [0, 0, 0, 0, 0, 1], 3),
      report(2, [row(1, 2.0, 1), row(2, null, 0, "<b>broken</b> model")], [0, 1, 0, 0]),
      report(3, [row(2, 1.5, 1), row(1, 2.0, 0), row(3, 3, 0)], [0, 0.9, 0.1, 0]),
      report(4, [row(2, 1.4, 1), row(1, 2.1, 0)], [0, 0.81, 0.19, 0]),
    ];
    for (const r of steps) {
      now += 60_000;
      state.commitStep({
        competitionId: r.competition,
        syncBlock: r.sync_block,
        ema: new Float32Array(r.competition_weights),
        activeCompetitions: [r.competition],
        results: [],
        kept: r.kept_uids,
        report: r,
      });
    }
    state.recordReceipt({ success: true, block: 390 });
    state.recordReceipt({ success: false, reason: "rate limited until block 500" });
    state.recordError("step", "the datasets server answered 500");
    state.setMeta(HEAD_META_KEY, JSON.stringify({ block: 410, hash: "0x01", at: now }));
    state.setMeta(
      SNAPSHOT_META_KEY,
      JSON.stringify({
        block: 400,
        blockHash: "0x",
        commitments: [],
        neurons: [0, 1, 2, 3].map((uid) => ({ uid, hotkey: uid === 3 ? "someone-else" : `hk${uid}`, stake: 1 })),
      }),
    );
    await fn(state);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("readStatusData(): health, the current competition's leaderboard by weight, the top miners' series", () =>
  withState((state) => {
    const data = readStatusData(state, { hubUrl: "http://hub.local/", now: () => 2_000_000 });
    assert.equal(data.netuid, 37);
    assert.equal(data.competition, 4);
    assert.deepEqual(data.tasks, ["A", "B"]);
    assert.equal(data.health.lastStep?.step, 4);
    assert.equal(data.health.lastStep?.at, 1_240_000);
    assert.deepEqual(data.health.lastWeightsSet, { at: 1_240_000, block: 390 });
    assert.equal(data.health.lastWeightsAttempt?.success, false);
    assert.equal(data.health.lastWeightsAttempt?.reason, "rate limited until block 500");
    assert.equal(data.health.head?.block, 410);
    assert.equal(data.health.blocksSinceWeights, 20);
    assert.equal(data.health.neurons, 4);
    assert.equal(data.health.errors[0]?.message, "the datasets server answered 500");
    // uid 5 ran in competition 3 only; uid 3's hotkey is now someone else's: neither is on the board.
    assert.deepEqual(data.leaderboard.map((r) => r.uid), [1, 2]);
    const [first, second] = data.leaderboard;
    assert.ok(Math.abs(first!.weight - 0.81) < 1e-6 && first!.score === 2.1 && first!.step === 4);
    assert.equal(second!.winRate, 1);
    assert.equal(first!.modelUrl, `http://hub.local/ns1/model/tree/${"c".repeat(40)}`);
    assert.deepEqual(data.series.steps, [2, 3, 4]);
    assert.deepEqual(data.series.miners.map((m) => m.uid), [1, 2]);
    assert.deepEqual(data.series.miners[1]!.scores, [null, 1.5, 1.4], "uid 2 failed in step 2");
    assert.deepEqual(data.series.miners[1]!.weights, [0, 0.1, 0.19]);
    assert.deepEqual(data.reports.map((e) => e.report.step), [4, 3, 2, 1], "newest first");
    assert.equal(data.consensus, null);
    assert.equal(modelUrl("not a model id", "http://x"), null);
  }));

Deno.test("renderStatusPage(): every part is there, text is escaped, the series are embedded as JSON", () =>
  withState((state) => {
    state.setMeta(
      CONSENSUS_META_KEY,
      JSON.stringify({
        ourUid: 0,
        source: "chain",
        ourTopUid: 1,
        validators: [{
          uid: 7,
          hotkey: "5Other",
          stake: 900,
          stakeShare: 1,
          hasWeights: true,
          cosine: 0.25,
          topUid: 2,
          agreesOnTop: false,
          self: false,
        }],
        comparedValidators: 1,
        agreeingStakeShare: 0,
        majorityTopUid: 2,
        majorityStakeShare: 1,
        consensusCosine: 0.25,
        disagreesWithMajority: true,
        block: 410,
        at: 1_000_000,
        streak: 4,
      }),
    );
    const html = renderStatusPage(readStatusData(state, { now: () => 2_000_000 }), { metrics: true });
    for (
      const id of ["health-step", "health-weights", "health-head", "health-consensus", "health-errors", "leaderboard"]
    ) {
      assert.match(html, new RegExp(`id="${id}"`));
    }
    assert.match(html, /id="plot-score"/);
    assert.match(html, /id="plot-weight"/);
    assert.match(html, /<table id="consensus">/);
    assert.match(html, /<details id="step-4" class="step" open>/);
    assert.match(html, /<details id="step-1" class="step">/);
    assert.match(html, /&#60;b&#62;broken&#60;\/b&#62; model/, "a miner's error is text, not markup");
    assert.doesNotMatch(html, /<b>broken<\/b>/);
    assert.match(html, /disagreeing 4 checks in a row/);
    assert.match(html, /rate limited until block 500/);
    assert.match(html, /<a href="metrics">metrics<\/a>/);
    const series = JSON.parse(html.match(/<script type="application\/json" id="status-series">(.*?)<\/script>/s)![1]!);
    assert.deepEqual(series.steps, [2, 3, 4]);
    assert.doesNotMatch(html, /https?:\/\/(?!huggingface\.co\/)/, "no absolute URL but the models' hub links");
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
  }));

Deno.test("statusRoute() serves the page with a same-origin CSP, JSON, reports, vendored uPlot; 404 and 405 otherwise", () =>
  withState(async (state) => {
    const route = statusRoute({ state });
    const get = async (path: string, method = "GET") => {
      const url = new URL(path, "http://127.0.0.1:8037");
      return await route(new Request(url, { method }), url);
    };
    const page = (await get("/"))!;
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-security-policy"), STATUS_PAGE_CSP);
    assert.match(await page.text(), /<title>subvalid · subnet 37 · status<\/title>/);
    const opened = await (await get("/?step=2"))!.text();
    assert.match(opened, /<details id="step-2" class="step" open>/);
    const json = await (await get("/status.json"))!.json();
    assert.equal(json.health.lastStep.step, 4);
    assert.equal((await (await get("/reports/3.json"))!.json()).top_uid, 2);
    assert.equal((await get("/reports/77.json"))!.status, 404);
    const uplot = (await get("/assets/uPlot.iife.min.js"))!;
    assert.equal(uplot.status, 200);
    assert.match(await uplot.text(), /uPlot/);
    assert.equal((await get("/assets/status.js"))!.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal((await get("/assets/../../deno.json"))?.status ?? 404, 404);
    assert.equal((await get("/assets/nothing.js"))!.status, 404);
    assert.equal((await get("/", "POST"))!.status, 405);
    assert.equal(await get("/metrics"), undefined, "not this route's");
    assert.equal(await (await get("/", "HEAD"))!.text(), "");
  }));

Deno.test("serveHttp() binds 127.0.0.1 by default, answers 404 for unknown paths, and names a taken port", async () => {
  const metrics = metricsRoute({ metrics: () => Promise.resolve("up 1\n"), contentType: "text/plain; version=0.0.4" });
  await using server = serveHttp({ port: 0, routes: [metrics], name: "metrics" });
  assert.equal(server.hostname, "127.0.0.1");
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const response = await fetch(`${server.url}metrics`);
  assert.equal(await response.text(), "up 1\n");
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4");
  const missing = await fetch(`${server.url}nothing`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  assert.throws(
    () => serveHttp({ port: server.port, routes: [], name: "status page" }),
    (e: unknown) => e instanceof ServeError && /Cannot serve the status page on 127\.0\.0\.1:\d+/.test(e.message),
  );
});
