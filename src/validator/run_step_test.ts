import assert from "node:assert/strict";
import { type CompetitionSchedule, SN37_SCHEDULE } from "../eval/mod.ts";
import { roundToBfloat16 } from "../mechanism/mod.ts";
import { ValidatorState } from "../state/mod.ts";
import { FakeChain, FakeClock, FakeDataSource, FakeModelStore, FakeScorer } from "./fakes.ts";
import { runStep, type StepContext, type StepOutcome } from "./run_step.ts";

const COMP4 = SN37_SCHEDULE.at(-1)!.competitions[0]!;
const OLD = SN37_SCHEDULE[1]!.competitions[0]!; // INSTRUCT_8B, sunset
const SCHEDULE: CompetitionSchedule = [{ startBlock: 0, competitions: [COMP4] }];
const SYNC = { genesis: 0, cadence: 100 };

interface Setup {
  chain: FakeChain;
  models: FakeModelStore;
  scorer: FakeScorer;
  data: FakeDataSource;
  clock: FakeClock;
  state: ValidatorState;
  ctx: StepContext;
  dir: string;
  [Symbol.asyncDispose](): Promise<void>;
}

async function setup(miners = 4, schedule = SCHEDULE): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-step-" });
  const chain = FakeChain.withNeurons(miners + 1);
  chain.block = 1050;
  const models = new FakeModelStore();
  const scorer = new FakeScorer();
  const data = new FakeDataSource();
  const clock = new FakeClock();
  const state = await ValidatorState.open(dir, { netuid: 37 });
  const ctx: StepContext = {
    chain,
    data,
    scorer,
    models,
    clock,
    state,
    schedule,
    sync: SYNC,
    blockTimeMs: 10,
    metagraph: () => ({ hotkeys: chain.neurons.map((n) => n.hotkey) }),
  };
  return {
    chain,
    models,
    scorer,
    data,
    clock,
    state,
    ctx,
    dir,
    async [Symbol.asyncDispose]() {
      state.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Tracks a model for `uid`, fetched into the store, queued for the competition; losses per sample. */
async function miner(s: Setup, uid: number, block: number, losses: number | number[], competitionId = 4) {
  const modelId = { namespace: `miner${uid}`, name: "model", commit: `c${uid}`, secureHash: "h", competitionId };
  s.state.recordModel(`hk${uid}`, { modelId, block });
  await s.models.fetch({ modelId }, { maxBytes: 1 });
  s.scorer.losses.set(`miner${uid}/model`, Array.isArray(losses) ? losses : [losses, losses, losses, losses]);
  s.state.addPending(competitionId, uid);
}

const ran = (outcome: StepOutcome) => {
  assert.equal(outcome.kind, "ran", JSON.stringify(outcome));
  return outcome as Extract<StepOutcome, { kind: "ran" }>;
};

Deno.test("a step scores the queued uids, gives the winner the step and the average, and keeps the best three", async () => {
  await using s = await setup(5);
  for (const [uid, loss] of [[1, 2.0], [2, 1.0], [3, 3.0], [4, 1.5], [5, 2.5]] as const) await miner(s, uid, 500, loss);
  const { report, weights } = ran(await runStep(s.ctx, 0));
  assert.equal(report.sync_block, 1000);
  assert.equal(report.current_block, 1050);
  assert.equal(report.top_uid, 2);
  assert.deepEqual(report.uids.map((u) => u.win_rate), [0.5, 1, 0, 0.75, 0.25]);
  assert.deepEqual(report.uids.map((u) => u.step_weight), [0, 1, 0, 0, 0]);
  assert.deepEqual(report.competition_weights, [0, 0, 1, 0, 0, 0], "the first record sets the average");
  assert.deepEqual([...weights], [0, 0, 1, 0, 0, 0]);
  assert.deepEqual(report.kept_uids, [2, 4, 1], "the weighted model first, then the best win rates");
  assert.deepEqual(report.uids[0]!.task_scores, { SYNTHETIC_1_SFT: 2, CODEFORCES_COTS: 2 });
  // Persisted: last run, history with the winner's numbers, the kept queue.
  assert.equal(s.state.lastRun(4), 1000);
  assert.deepEqual(s.state.history("hk1", 4), [{ block: 1050, score: 2, winningBlock: 500, winningScore: 1 }]);
  assert.deepEqual([...s.state.queues().current.get(4)!], [1, 2, 4]);
  assert.deepEqual(s.state.report(), JSON.parse(JSON.stringify(report)));
});

Deno.test("the moving average decays every uid and a new winner shows after two wins (threshold 0.18)", async () => {
  await using s = await setup(2);
  await miner(s, 1, 500, 1.0);
  await miner(s, 2, 500, 2.0);
  ran(await runStep(s.ctx, 0));
  s.scorer.losses.set("miner2/model", [0.5, 0.5, 0.5, 0.5]);
  s.state.addPending(4, 1);
  s.state.addPending(4, 2);
  s.chain.block = 1150;
  const second = ran(await runStep(s.ctx, 1));
  assert.deepEqual(second.report.competition_weights.slice(1), [Math.fround(0.9), Math.fround(0.1)]);
  assert.deepEqual([...second.weights].slice(1), [1, 0], "10 % is under the threshold");
  s.chain.block = 1250;
  const third = ran(await runStep(s.ctx, 2));
  assert.ok(third.weights[2]! > 0 && third.weights[1]! > third.weights[2]!, `${[...third.weights]}`);
});

Deno.test("the earlier commit's epsilon advantage wins a close call, and decays with its age", async () => {
  await using s = await setup(2);
  await miner(s, 1, 1000, 1.02); // older by 40 blocks: 1.02 × (1 − 0.05 + decay) < 1.0
  await miner(s, 2, 1040, 1.0);
  assert.equal(ran(await runStep(s.ctx, 0)).report.top_uid, 1);
  // 21,600 blocks later epsilon is down to 0.01: 1.02 × 0.99 > 1.0.
  s.chain.block = 1050 + 21_600;
  s.state.addPending(4, 1);
  s.state.addPending(4, 2);
  assert.equal(ran(await runStep(s.ctx, 1)).report.top_uid, 2);
});

Deno.test("ties share the step; when every model fails they all tie; a lone uid wins even at infinity", async () => {
  await using s = await setup(3);
  await miner(s, 1, 500, 1.0);
  await miner(s, 2, 500, 1.0);
  await miner(s, 3, 500, 2.0);
  const tie = ran(await runStep(s.ctx, 0));
  assert.deepEqual(tie.report.uids.map((u) => u.step_weight), [1, 1, 0]);
  assert.deepEqual(tie.report.competition_weights.slice(1), [0.5, 0.5, 0]);

  await using t = await setup(2);
  await miner(t, 1, 500, Infinity);
  await miner(t, 2, 500, Infinity);
  const all = ran(await runStep(t.ctx, 0));
  assert.deepEqual(all.report.uids.map((u) => [u.score, u.win_rate, u.step_weight]), [[null, 0, 1], [null, 0, 1]]);
  assert.match(all.report.uids[0]!.error!, /failed/);

  await using l = await setup(1);
  await miner(l, 1, 500, Infinity);
  const lone = ran(await runStep(l.ctx, 0));
  assert.deepEqual(lone.report.uids.map((u) => [u.win_rate, u.step_weight]), [[0, 1]]);
});

Deno.test("a uid without a tracked model, or with one for another competition, scores infinity with block infinity", async () => {
  await using s = await setup(3);
  await miner(s, 1, 500, 1.0);
  s.state.addPending(4, 2); // never tracked
  await miner(s, 3, 500, 0.5, 3);
  s.state.addPending(4, 3); // tracked for competition 3, queued for 4
  const { report } = ran(await runStep(s.ctx, 0));
  assert.deepEqual(report.uids.map((u) => [u.uid, u.score, u.commit_block]), [[1, 1, 500], [2, null, null], [
    3,
    null,
    null,
  ]]);
  assert.equal(report.top_uid, 1);
  assert.equal(s.scorer.jobs.length, 1, "only the tracked model was scored");
});

Deno.test("per-sample losses are rounded to bf16 before the mean; the report keeps both means", async () => {
  await using s = await setup(1);
  const losses = [1.23456, 2.34567, 0.98765, 3.14159];
  await miner(s, 1, 500, losses);
  const { report } = ran(await runStep(s.ctx, 0));
  const bf16 = (a: number, b: number) => (roundToBfloat16(a) + roundToBfloat16(b)) / 2;
  assert.equal(report.uids[0]!.task_scores.SYNTHETIC_1_SFT, bf16(losses[0]!, losses[1]!));
  assert.equal(report.uids[0]!.raw_task_scores.CODEFORCES_COTS, (losses[2]! + losses[3]!) / 2);
  assert.equal(report.uids[0]!.score, 0.5 * bf16(losses[0]!, losses[1]!) + 0.5 * bf16(losses[2]!, losses[3]!));
});

Deno.test("a competition already run at this sync block waits for the next one, also after a restart", async () => {
  await using s = await setup(1);
  await miner(s, 1, 500, 1.0);
  ran(await runStep(s.ctx, 0));
  // Reopen the state as a restarted validator would: the last run is persisted.
  s.state.addPending(4, 1);
  const pending = runStep(s.ctx, 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(s.clock.sleeping, 1, "waiting for block 1100");
  s.chain.block = 1101;
  await s.clock.advance(50 * 10);
  const next = ran(await pending);
  assert.equal(next.report.sync_block, 1100);
});

Deno.test("a sunset competition's average and queues are dropped at the next step", async () => {
  await using s = await setup(2);
  s.state.commitStep({
    competitionId: OLD.id,
    syncBlock: 900,
    ema: Float32Array.from([0, 1, 0]),
    activeCompetitions: [OLD.id, 4],
    results: [],
    kept: [2],
    report: { step: 1 },
  });
  await miner(s, 1, 500, 1.0);
  const { weights } = ran(await runStep(s.ctx, 0));
  assert.deepEqual([...s.state.averages().keys()], [4]);
  assert.equal(s.state.queues().current.get(OLD.id), undefined);
  assert.deepEqual([...weights], [0, 1, 0]);
});

Deno.test("validator-side failures abandon the step with nothing recorded; no data at all skips it", async () => {
  await using s = await setup(2);
  await miner(s, 1, 500, 1.0);
  await miner(s, 2, 500, 2.0);
  s.data.failWith = new Error('Cannot load the competition tokenizer "Xenova/gpt-4": hub unreachable');
  await assert.rejects(runStep(s.ctx, 0), /competition tokenizer/);
  s.data.failWith = undefined;
  s.scorer.failWith = new Error("Cannot use CUDA device 0: libcublasLt.so.13 is missing");
  await assert.rejects(runStep(s.ctx, 0), /CUDA/);
  s.scorer.failWith = undefined;
  s.data.failing.set("SYNTHETIC_1_SFT", "429 ten times");
  s.data.failing.set("CODEFORCES_COTS", "/size answered 500");
  const outcome = await runStep(s.ctx, 0);
  assert.equal(outcome.kind, "no-data");
  for (const hotkey of ["hk1", "hk2"]) assert.deepEqual(s.state.history(hotkey, 4), []);
  assert.equal(s.state.lastRun(4), undefined);
  assert.deepEqual([...s.state.averages().keys()], []);
  assert.deepEqual([...s.state.queues().current.get(4)!], [1, 2], "the uids stay queued");
});

Deno.test("when one dataset fails, the other's score alone decides (weights renormalized)", async () => {
  await using s = await setup(2);
  s.data.failing.set("CODEFORCES_COTS", "429 ten times");
  await miner(s, 1, 500, [1.0, 1.0]);
  await miner(s, 2, 500, [2.0, 2.0]);
  const { report } = ran(await runStep(s.ctx, 0));
  assert.deepEqual(report.uids.map((u) => u.score), [1, 2]);
  assert.deepEqual(report.tasks.map((t) => t.samples), [2, 0]);
});

Deno.test("an empty queue is an idle step that records nothing", async () => {
  await using s = await setup(2);
  const outcome = await runStep(s.ctx, 0);
  assert.deepEqual(outcome, { kind: "idle", competitionId: 4, anyQueued: false });
  assert.equal(s.data.draws.length, 0, "no data drawn for nothing");
});
