import assert from "node:assert/strict";
import { type CompetitionSchedule, SN37_SCHEDULE } from "../eval/mod.ts";
import { ValidatorState } from "../state/mod.ts";
import { FakeChain, FakeClock, FakeModelStore } from "./fakes.ts";
import { MinerIterator } from "./miner_iterator.ts";
import {
  checkNextUid,
  MinerMisconfiguredError,
  queueTopModels,
  runModelUpdater,
  syncModel,
  topMiners,
  type UpdaterContext,
} from "./model_updater.ts";
import { ModelUnavailableError } from "./ports.ts";
import { shouldRetryModel } from "./should_retry_model.ts";

const COMP4 = SN37_SCHEDULE.at(-1)!.competitions[0]!;
const SCHEDULE: CompetitionSchedule = [{ startBlock: 100, competitions: [COMP4] }];

async function setup(miners = 3) {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-updater-" });
  const chain = FakeChain.withNeurons(miners + 1);
  chain.block = 5000;
  const models = new FakeModelStore();
  const clock = new FakeClock();
  const state = await ValidatorState.open(dir, { netuid: 37 });
  const metagraph = () => ({
    hotkeys: chain.neurons.map((n) => n.hotkey),
    stakes: chain.neurons.map((n) => n.stake),
    validatorPermits: chain.neurons.map((n) => n.validatorPermit),
  });
  const iterator = new MinerIterator(chain.neurons.map((n) => n.uid), () => 0);
  const ctx: UpdaterContext = { chain, models, clock, state, schedule: SCHEDULE, metagraph, iterator };
  return {
    chain,
    models,
    clock,
    state,
    ctx,
    async [Symbol.asyncDispose]() {
      state.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const sync = (ctx: UpdaterContext, uid: number, force = false) =>
  syncModel(ctx, { uid, hotkey: `hk${uid}`, currentBlock: 5000, force });

Deno.test("syncModel() checks in the reference's order: commitment, competition at the commit block, delay, change", async () => {
  await using s = await setup();
  await assert.rejects(
    sync(s.ctx, 1),
    (e: unknown) => e instanceof MinerMisconfiguredError && /No valid metadata/.test(e.message),
  );
  s.chain.commitGarbage(1);
  await assert.rejects(sync(s.ctx, 1), /Bad commitment/);
  s.chain.commit(1, { competitionId: 4 }, 50); // before the schedule's first entry
  await assert.rejects(sync(s.ctx, 1), /No competition found for 4 at block 50/);
  s.chain.commit(1, { competitionId: 4 }, 4800); // 200 blocks old, delay 460
  assert.equal(await sync(s.ctx, 1), false);
  assert.equal(s.models.fetched.length, 0, "nothing downloaded before the delay");
  s.chain.commit(1, { competitionId: 4 }, 4000);
  assert.equal(await sync(s.ctx, 1), true);
  assert.equal(s.state.model("hk1")?.block, 4000);
  assert.equal(await sync(s.ctx, 1), false, "unchanged: nothing to do");
  assert.equal(await sync(s.ctx, 1, true), true, "forced: fetched and checked again");
  assert.equal(s.models.fetched.length, 2);
});

Deno.test("syncModel(): size and repository problems never record; a hash mismatch and failed limits do", async () => {
  await using s = await setup();
  s.chain.commit(1, { competitionId: 4, namespace: "big" }, 4000);
  s.models.problems.set("big/model", { reason: "too_large", permanent: true });
  await assert.rejects(sync(s.ctx, 1), MinerMisconfiguredError);
  assert.equal(s.state.model("hk1"), undefined, "not recorded: checked again next pass");
  s.chain.commit(2, { competitionId: 4, namespace: "liar" }, 4000);
  s.models.problems.set("liar/model", { reason: "hash_mismatch", permanent: true });
  await assert.rejects(sync(s.ctx, 2), MinerMisconfiguredError);
  assert.equal(s.state.model("hk2")?.modelId.namespace, "liar", "recorded: not downloaded again until recommitted");
  s.chain.commit(3, { competitionId: 4, namespace: "flaky" }, 4000);
  s.models.problems.set("flaky/model", { reason: "download_failed", permanent: false });
  await assert.rejects(sync(s.ctx, 3), ModelUnavailableError);
  assert.equal(s.state.model("hk3"), undefined);
  s.models.problems.delete("flaky/model");
  s.models.failsChecks.set("flaky/model", "3000 parameters, 3.2e9 to 3.4e9 allowed");
  await assert.rejects(sync(s.ctx, 3), /does not satisfy parameters for competition 4/);
  assert.equal(s.state.model("hk3")?.block, 4000);
});

Deno.test("checkNextUid() walks the uids, queues changed models, records misconfigured ones as infinity", async () => {
  await using s = await setup(3);
  s.chain.commit(1, { competitionId: 4 }, 4000);
  s.chain.commitGarbage(2);
  s.chain.commit(3, { competitionId: 2 }, 4000); // a competition not active now
  const checked = new Map<number, number>();
  const queued = [];
  for (let i = 0; i < 4; i++) queued.push(await checkNextUid(s.ctx, checked));
  assert.deepEqual(queued, [undefined, 1, undefined, undefined]);
  assert.deepEqual([...s.state.queues().pending.get(4)!], [1]);
  assert.deepEqual(s.state.history("hk2", 0).map((r) => r.score), [Infinity], "misconfigured: inf under NONE");
  assert.equal(s.state.model("hk3"), undefined, "an inactive competition's model is skipped, not fetched");
});

Deno.test("checkNextUid() re-checks no uid within 20 minutes", async () => {
  await using s = await setup(1);
  const checked = new Map<number, number>();
  await checkNextUid(s.ctx, checked);
  await checkNextUid(s.ctx, checked);
  const third = checkNextUid(s.ctx, checked); // uid 0 again, checked at t = 0
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(s.clock.sleeping, 1);
  await s.clock.advance(20 * 60_000);
  await third;
  assert.equal(checked.get(0), s.clock.now());
});

Deno.test("a model that beat the winner but not its epsilon is forced again once the advantage decays", async () => {
  await using s = await setup(1);
  s.chain.commit(1, { competitionId: 4 }, 4000);
  const checked = new Map<number, number>();
  s.ctx.iterator.setUids([1]);
  assert.equal(await checkNextUid(s.ctx, checked), 1);
  s.state.takePending(4);
  s.state.commitStep({
    competitionId: 4,
    syncBlock: 1,
    ema: new Float32Array(2),
    activeCompetitions: [4],
    results: [{ hotkey: "hk1", result: { block: 4990, score: 0.98, winningBlock: 4980, winningScore: 1.0 } }],
    kept: [],
    report: { step: 1 },
  });
  s.clock.advance(21 * 60_000);
  assert.equal(await checkNextUid(s.ctx, checked), undefined, "0.98 does not beat 1.0 × (1 − 0.05) yet");
  s.chain.block = 4980 + 21_600;
  await s.clock.advance(21 * 60_000);
  const forced = checkNextUid({ ...s.ctx, chain: s.chain }, checked);
  assert.equal(await forced, 1, "now it beats 1.0 × 0.99: re-queued");
});

Deno.test("shouldRetryModel() follows the reference's rules", () => {
  const decay = { start: 0.05, end: 0.01, blocks: 100 };
  assert.equal(shouldRetryModel(decay, 1000, []), true);
  const r = (score: number, winningScore: number, winningBlock = 900) => ({
    block: 950,
    score,
    winningBlock,
    winningScore,
  });
  assert.equal(shouldRetryModel(decay, 1000, [r(1.1, 1.0)]), false, "worse than the winner");
  assert.equal(shouldRetryModel(decay, 1000, [r(0.985, 1.0)]), true, "beats 1.0 × 0.99 after the decay");
  assert.equal(shouldRetryModel(decay, 910, [r(0.98, 1.0)]), false, "not yet: 1.0 × (1 − 0.046)");
  assert.equal(shouldRetryModel(decay, 1000, [r(Infinity, 1.0)]), true, "one failure: one retry");
  assert.equal(shouldRetryModel(decay, 1000, [r(Infinity, 1.0), r(Infinity, 1.0)]), false);
  assert.equal(shouldRetryModel(decay, 1000, [r(0.9, 1.0), r(Infinity, 1.0)]), true, "the last finite result counts");
});

Deno.test("topMiners() takes uids holding 1 % of a staked validator's weights", () => {
  const metagraph = {
    hotkeys: ["a", "b", "c", "d"],
    stakes: [200_000, 50_000, 0, 0],
    validatorPermits: [true, true, false, false],
  };
  const weights = new Map([[0, [[2, 990], [3, 9]] as [number, number][]], [1, [[3, 1000]] as [number, number][]]]);
  assert.deepEqual(
    [...topMiners(metagraph, weights)],
    [2],
    "uid 3 is under 1 % of uid 0's, and uid 1 has too little stake",
  );
});

Deno.test("the updater caps the queue at 16, and the top-model scan bypasses the cap", async () => {
  await using s = await setup(20);
  for (let uid = 1; uid <= 16; uid++) s.state.addPending(4, uid);
  s.chain.commit(17, { competitionId: 4 }, 4000);
  s.chain.neurons[0] = { ...s.chain.neurons[0]!, stake: 200_000 };
  s.chain.weights.set(0, [[17, 65535]]);
  assert.deepEqual(await queueTopModels(s.ctx), [17], "a top model of the other validators, queued regardless");
  s.chain.commit(18, { competitionId: 4 }, 4000);
  const controller = new AbortController();
  const running = runModelUpdater({ ...s.ctx, limits: { startDelayMs: 0 } }, controller.signal).catch(() => {});
  await s.clock.advance(10 * 60_000);
  assert.equal(s.state.model("hk18"), undefined, "the queue is full: nothing else is checked");
  s.state.takePending(4);
  s.state.commitStep({
    competitionId: 4,
    syncBlock: 1,
    ema: new Float32Array(21),
    activeCompetitions: [4],
    results: [],
    kept: [1, 2, 3],
    report: { step: 1 },
  });
  for (let i = 0; i < 20 && s.state.model("hk18") === undefined; i++) {
    await s.clock.advance(5 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.equal(s.state.model("hk18")?.block, 4000, "room again: the walk went on");
  controller.abort();
  await running;
});

Deno.test("MinerIterator walks cyclically from a random start and keeps its place across resyncs", () => {
  const it = new MinerIterator([5, 1, 3], () => 0.5);
  assert.deepEqual([it.next(), it.next(), it.next(), it.next()], [3, 5, 1, 3]);
  it.setUids([0, 1, 2, 4, 6]); // 5 would be next: continue at 6
  assert.deepEqual([it.next(), it.next()], [6, 0]);
  it.setUids([0]);
  assert.equal(it.next(), 0);
  assert.throws(() => new MinerIterator([]).next(), RangeError);
});
