import assert from "node:assert/strict";
import { SN37_SCHEDULE } from "../eval/mod.ts";
import type { Fields, Log } from "../log/mod.ts";
import { ValidatorState } from "../state/mod.ts";
import { ConsensusMonitor, recordedConsensus } from "./consensus_monitor.ts";
import { FakeChain, FakeDataSource, FakeModelStore, FakeScorer, FakeWeightSetter } from "./fakes.ts";
import { combineObservers, type ModelFetchEvent, observePorts, type StepEvent } from "./observer.ts";
import type { ModelScore } from "./ports.ts";
import { realClock } from "./real_clock.ts";
import { runValidator } from "./run_validator.ts";

const COMP4 = SN37_SCHEDULE.at(-1)!.competitions[0]!;

/** A log that keeps its records. */
function recordingLog(): Log & { records: { level: string; message: string; fields: Fields | undefined }[] } {
  const records: { level: string; message: string; fields: Fields | undefined }[] = [];
  const at = (level: string) => (message: string, fields?: Fields) => void records.push({ level, message, fields });
  const log = {
    records,
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    success: at("success"),
    warn: at("warn"),
    error: at("error"),
    with: () => log,
  };
  return log;
}

async function withState(fn: (state: ValidatorState) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-observer-" });
  try {
    using state = await ValidatorState.open(dir, { netuid: 37 });
    await fn(state);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("observePorts() reports heads, metagraphs, fetches (ok and failed) and scores, returning what the ports do", async () => {
  const chain = FakeChain.withNeurons(3);
  const models = new FakeModelStore();
  models.problems.set("miner2/model", { reason: "repo_not_found", permanent: true });
  const scorer = new FakeScorer();
  scorer.losses.set("miner1/model", [1, 2]);
  const heads: number[] = [];
  const fetches: ModelFetchEvent[] = [];
  const scores: { uid: number; device: string; failed: boolean }[] = [];
  let neurons = 0;
  const observed = observePorts({ chain, models, scorer }, {
    onHead: (h) => heads.push(h.block),
    onMetagraph: (view) => neurons = view.neurons.length,
    onModelFetch: (e) => fetches.push(e),
    onModelScore: (e) => scores.push({ uid: e.uid, device: e.device, failed: e.failed }),
  });
  assert.equal((await observed.chain.head()).block, 1000);
  assert.equal((await observed.chain.snapshot()).neurons.length, 3);
  assert.deepEqual([heads, neurons], [[1000], 3]);
  const modelId = (uid: number) => ({
    namespace: `miner${uid}`,
    name: "model",
    commit: "c",
    secureHash: "h",
    competitionId: 4,
  });
  const stored = await observed.models.fetch({ uid: 1, hotkey: "hk1", modelId: modelId(1) }, { maxBytes: 1 });
  assert.equal(stored.dir, "/models/miner1/model/c");
  await assert.rejects(
    () => observed.models.fetch({ uid: 2, hotkey: "hk2", modelId: modelId(2) }, { maxBytes: 1 }),
    /repo_not_found/,
  );
  assert.deepEqual(fetches.map((f) => [f.uid, f.outcome, f.reason]), [[1, "cached", undefined], [
    2,
    "failed",
    "repo_not_found",
  ]]);
  const score: ModelScore = await observed.scorer.score({ uid: 1, modelDir: stored.dir, samplesFile: "/s" });
  assert.equal(score.loss, 1.5);
  await observed.scorer.score({ uid: 3, modelDir: "/models/miner3/model/c", samplesFile: "/s" });
  assert.deepEqual(scores, [{ uid: 1, device: "unknown", failed: false }, { uid: 3, device: "unknown", failed: true }]);
});

Deno.test("combineObservers() tells every observer; one that throws is logged once and never stops the others", () => {
  const log = recordingLog();
  const seen: string[] = [];
  const combined = combineObservers([
    {
      onWeights: () => {
        throw new Error("boom");
      },
    },
    undefined,
    { onWeights: (o) => seen.push(o.success ? "ok" : "failed") },
  ], log);
  combined.onWeights?.({ success: true, block: 1, uids: [1] });
  combined.onWeights?.({ success: false, reason: "x", retryable: true });
  combined.onStep?.({ outcome: "idle", seconds: 0, competitionId: 4 });
  assert.deepEqual(seen, ["ok", "failed"]);
  assert.equal(log.records.filter((r) => r.level === "warn").length, 1);
  assert.match(log.records[0]!.message, /observer failed in onWeights.*boom/);
});

Deno.test("ConsensusMonitor warns after 3 checks in a row against the stake-weighted majority, and keeps the streak across restarts", () =>
  withState(async (state) => {
    const chain = FakeChain.withNeurons(6);
    // uids 0 (us), 1 and 2 are validators; 1 has the most stake.
    chain.neurons[1] = { ...chain.neurons[1]!, stake: 600, validatorPermit: true };
    chain.neurons[2] = { ...chain.neurons[2]!, stake: 300, validatorPermit: true };
    chain.weights.set(1, [[5, 65535]]);
    chain.weights.set(2, [[4, 65535]]);
    const log = recordingLog();
    const monitor = new ConsensusMonitor({ chain, state, hotkey: "hk0", log, now: () => 42 });
    const ours = [0, 0, 0, 0, 1, 0]; // top uid 4: uid 2 agrees, the majority (uid 1) does not
    for (let i = 1; i <= 3; i++) {
      const record = await monitor.check(chain.neurons, ours, { step: i });
      assert.equal(record.streak, i);
      assert.equal(record.source, "computed", "uid 0 has no row on chain");
      assert.equal(record.disagreesWithMajority, true);
    }
    const warnings = log.records.filter((r) => r.level === "warn");
    assert.equal(warnings.length, 1, "the third check warns");
    assert.match(
      warnings[0]!.message,
      /^Our top uid 4 disagrees with the stake-weighted majority's top uid 5 for 3 checks in a row: 33\.3 % of the other validators' stake agrees with us$/,
    );
    assert.match(String(warnings[0]!.fields?.hint), /vtrust/);
    const recorded = recordedConsensus(state)!;
    assert.deepEqual([recorded.step, recorded.streak, recorded.at, recorded.block], [3, 3, 42, 1000]);

    // A restart counts on; our row on chain, agreeing with the majority, ends the streak.
    const again = new ConsensusMonitor({ chain, state, hotkey: "hk0", log });
    assert.equal(again.streak, 3);
    chain.weights.set(0, [[5, 65535]]);
    const agreeing = await again.check(chain.neurons, ours);
    assert.equal(agreeing.source, "chain");
    assert.equal(agreeing.ourTopUid, 5);
    assert.equal(agreeing.streak, 0);
    assert.equal(agreeing.agreeingStakeShare, 600 / 900);
  }));

Deno.test("runValidator() tells its observer of every step, weights outcome, score and consensus check", () =>
  withState(async (state) => {
    const chain = FakeChain.withNeurons(4);
    chain.block = 150;
    chain.neurons[1] = { ...chain.neurons[1]!, stake: 10, validatorPermit: true };
    chain.weights.set(1, [[3, 1]]);
    const models = new FakeModelStore();
    const scorer = new FakeScorer();
    for (const [uid, loss] of [[2, 2.0], [3, 1.0]] as const) {
      const modelId = { namespace: `miner${uid}`, name: "model", commit: `c${uid}`, secureHash: "h", competitionId: 4 };
      state.recordModel(`hk${uid}`, { modelId, block: 100 });
      await models.fetch({ modelId }, { maxBytes: 1 });
      scorer.losses.set(`miner${uid}/model`, [loss, loss, loss, loss]);
      state.addPending(4, uid);
    }
    const steps: StepEvent[] = [];
    const weights: boolean[] = [];
    const scored: number[] = [];
    const consensus: (number | null)[] = [];
    const setter = new FakeWeightSetter();
    const stop = new AbortController();
    await runValidator({
      chain,
      data: new FakeDataSource(),
      scorer,
      models,
      weights: setter,
      clock: realClock,
      state,
      schedule: [{ startBlock: 0, competitions: [COMP4] }],
      sync: { genesis: 0, cadence: 100 },
      blockTimeMs: 1,
      cadences: { idleMs: 5, failedStepMs: 5, weightsPollMs: 5, weightsRetryMs: 5, weightsIntervalMs: 60_000 },
      updater: false,
      gc: false,
      hotkey: "hk0",
      log: recordingLog(),
      observer: {
        onStep: (e) => steps.push(e),
        onWeights: (o) => weights.push(o.success),
        onModelScore: (e) => scored.push(e.uid),
        onConsensus: (r) => consensus.push(r.agreeingStakeShare),
      },
    }, {
      steps: 2,
      signal: stop.signal,
      onStep: async (outcome) => {
        if (outcome.kind !== "ran") return;
        chain.block += 100;
        const until = Date.now() + 5_000;
        while (weights.length === 0 && Date.now() < until) await realClock.sleep(5);
      },
    });
    const ran = steps.filter((s) => s.outcome === "ran");
    assert.equal(ran.length, 2);
    assert.ok(ran.every((s) => s.seconds >= 0 && s.outcome === "ran" && s.report.top_uid === 3));
    assert.deepEqual(scored.slice(0, 2), [2, 3]);
    assert.ok(weights.length >= 1 && weights.every(Boolean));
    assert.deepEqual(consensus, [1, 1], "uid 1 also puts its weight on uid 3");
    assert.equal(recordedConsensus(state)?.step, 2);
  }));
