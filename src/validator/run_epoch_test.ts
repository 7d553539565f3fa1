import assert from "node:assert/strict";
import { CompetitionId } from "../eval/mod.ts";
import { FakeChain, FakeModelStore, FakeScorer, FakeWeightSetter } from "./_fakes.ts";
import { runEpoch } from "./run_epoch.ts";
import { runValidatorEpoch } from "./run_validator_epoch.ts";

const DEMO = CompetitionId.DemoTiny;
const SN37 = CompetitionId.DistilledReasoning3B;

function setup(miners = 4) {
  const chain = FakeChain.withNeurons(miners + 1);
  const models = new FakeModelStore();
  const scorer = new FakeScorer();
  return { chain, models, scorer, ports: { chain, models, scorer } };
}

const options = { competitionId: DEMO, samplesFile: "/samples.jsonl" };

Deno.test("runEpoch() gives the step to the lowest loss and every uid a row, in milliseconds", async () => {
  const { chain, scorer, ports } = setup(3);
  for (const uid of [1, 2, 3]) chain.commit(uid, { competitionId: DEMO }, 900);
  scorer.losses.set("miner1/model", [2, 2]);
  scorer.losses.set("miner2/model", [1, 1]);
  scorer.losses.set("miner3/model", [3, 3]);
  const epoch = await runEpoch(ports, options);
  assert.deepEqual(epoch.rows.map((r) => r.status), ["no-commitment", "scored", "scored", "scored"]);
  assert.deepEqual(epoch.rows.map((r) => r.winRate), [undefined, 0.5, 1, 0]);
  assert.deepEqual([...epoch.weights].filter(([, w]) => w > 0), [[2, 1]]);
  assert.equal(epoch.block, 1000);
  assert.equal(scorer.jobs.length, 3);
  assert.ok(scorer.jobs.every((j) => j.samplesFile === "/samples.jsonl" && j.constraints !== undefined));
});

Deno.test("runEpoch() gives the earlier commit the epsilon advantage on a near tie", async () => {
  const { chain, scorer, ports } = setup(2);
  // DEMO_TINY's epsilon decays 0.05 → 0.01 over 100 blocks: at age 10 the older model's 1.02 counts as 0.973.
  chain.commit(1, { competitionId: DEMO }, 990);
  chain.commit(2, { competitionId: DEMO, namespace: "late" }, 995);
  scorer.losses.set("miner1/model", [1.02]);
  scorer.losses.set("late/model", [1.0]);
  const epoch = await runEpoch(ports, options);
  assert.equal(epoch.rows[1]!.winRate, 1);
  assert.equal(epoch.rows[2]!.winRate, 0);
  // Much later the advantage has decayed to 1 %, and the lower loss wins.
  chain.block = 2000;
  const later = await runEpoch(ports, options);
  assert.equal(later.rows[2]!.winRate, 1);
});

Deno.test("runEpoch() keeps a miner's problems in its row and never stops for them", async () => {
  const { chain, models, scorer, ports } = setup(5);
  chain.commitGarbage(1);
  chain.commit(2, { competitionId: SN37 }, 900);
  chain.commit(3, { competitionId: DEMO }, chain.block); // too young? DEMO has no delay: scored
  chain.commit(4, { competitionId: DEMO, namespace: "gone" }, 900);
  chain.commit(5, { competitionId: DEMO }, 900);
  models.problems.set("gone/model", { reason: "repo_not_found", permanent: true });
  scorer.losses.set("miner3/model", [1]);
  scorer.losses.set("miner5/model", [Infinity]);
  const epoch = await runEpoch(ports, options);
  assert.deepEqual(epoch.rows.map((r) => r.status), [
    "no-commitment",
    "bad-commitment",
    "other-competition",
    "scored",
    "fetch-failed",
    "scored",
  ]);
  assert.match(epoch.rows[4]!.reason!, /^repo_not_found/);
  assert.equal(epoch.rows[5]!.loss, Infinity);
  assert.match(epoch.rows[5]!.reason!, /failed/);
  assert.deepEqual([...epoch.weights].filter(([, w]) => w > 0), [[3, 1]]);
});

Deno.test("runEpoch() skips commitments younger than the competition's evaluation delay", async () => {
  const { chain, scorer, ports } = setup(1);
  chain.commit(1, { competitionId: SN37 }, chain.block - 100);
  scorer.losses.set("miner1/model", [1]);
  const epoch = await runEpoch(ports, { ...options, competitionId: SN37 });
  assert.equal(epoch.rows[1]!.status, "too-young");
  assert.match(epoch.rows[1]!.reason!, /100 blocks ago, evaluated after 460/);
  assert.equal(scorer.jobs.length, 0);
});

Deno.test("runEpoch() stops on a validator-side scoring failure instead of scoring miners Infinity", async () => {
  const { chain, scorer, ports } = setup(2);
  chain.commit(1, { competitionId: DEMO }, 900);
  chain.commit(2, { competitionId: DEMO }, 900);
  scorer.failWith = new Error("Cannot use CUDA device 0: libcublasLt.so.13 missing");
  await assert.rejects(runEpoch(ports, options), /CUDA/);
});

Deno.test("runEpoch() holds each model while it is scored and releases it after", async () => {
  const { chain, models, scorer, ports } = setup(1);
  chain.commit(1, { competitionId: DEMO }, 900);
  let heldDuringScore = false;
  scorer.score = (job) => {
    heldDuringScore = models.held.has(job.modelDir);
    return Promise.resolve({ loss: 1, sampleLosses: [1], tokensPerSecond: 1, seconds: 0 });
  };
  await runEpoch(ports, options);
  assert.ok(heldDuringScore);
  assert.equal(models.held.size, 0);
});

Deno.test("runValidatorEpoch() sets the weights, keeps the moving average between epochs, and collects garbage", async () => {
  const { chain, models, scorer } = setup(2);
  const weights = new FakeWeightSetter();
  const ports = { chain, models, scorer, weights };
  chain.commit(1, { competitionId: DEMO }, 900);
  chain.commit(2, { competitionId: DEMO }, 900);
  scorer.losses.set("miner1/model", [1]);
  scorer.losses.set("miner2/model", [2]);
  const dir = await Deno.makeTempDir();
  try {
    const statePath = `${dir}/state.json`;
    const first = await runValidatorEpoch(ports, { ...options, netuid: 37, statePath });
    assert.equal(first.receipt?.success, true);
    assert.deepEqual(weights.attempts[0], { uids: [1], weights: [1] });
    assert.deepEqual(models.kept?.map((k) => k.repo), ["miner1/model", "miner2/model"]);
    // uid 2 now wins; the average moves by 10 % (below the 18 % threshold, so uid 1 keeps all weight).
    scorer.losses.set("miner2/model", [0.5]);
    const second = await runValidatorEpoch(ports, { ...options, netuid: 37, statePath });
    assert.ok(Math.abs(second.epoch.average.get(2)! - 0.1) < 1e-6);
    assert.deepEqual(weights.attempts[1], { uids: [1], weights: [1] });
    // Without a weight setter (a dry run) nothing is set or saved.
    const dry = await runValidatorEpoch({ chain, models, scorer }, { ...options, netuid: 37, statePath });
    assert.equal(dry.saved, false);
    assert.equal(weights.attempts.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
