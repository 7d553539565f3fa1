import assert from "node:assert/strict";
import { isClose } from "./combine_scores.ts";
import {
  competitionAt,
  CompetitionId,
  competitionsAt,
  type CompetitionSchedule,
  competitionScheduleAt,
  DatasetId,
  DEMO_SCHEDULE,
  EvalMethodId,
  getCompetition,
  isCompetitionValidAt,
  NormalizationId,
  SN37_SCHEDULE,
  SUNSET_B7_BLOCK,
  SUNSET_INSTRUCT_8B_BLOCK,
} from "./competitions.ts";

function checkConsistency(schedule: CompetitionSchedule, label: string): void {
  for (let i = 1; i < schedule.length; i++) {
    assert.ok(schedule[i]!.startBlock > schedule[i - 1]!.startBlock, `${label}: start blocks increase`);
  }
  for (const entry of schedule) {
    const rewards = entry.competitions.reduce((sum, c) => sum + c.rewardPercentage, 0);
    assert.ok(isClose(rewards, 1), `${label} @${entry.startBlock}: reward percentages sum to ${rewards}`);
    for (const c of entry.competitions) {
      assert.equal(c.constraints.id, c.id);
      assert.equal(getCompetition(c.id), c.constraints);
      const weights = c.evalTasks.reduce((sum, t) => sum + t.weight, 0);
      assert.ok(
        isClose(weights, 1),
        `${label} @${entry.startBlock} competition ${c.id}: task weights sum to ${weights}`,
      );
      for (const t of c.evalTasks) {
        assert.ok(t.weight > 0, `${t.name}: weight > 0`);
        if (t.normalizationId === NormalizationId.InverseExponential) {
          assert.equal(typeof t.normalizationKwargs.ceiling, "number", `${t.name}: INVERSE_EXPONENTIAL has a ceiling`);
        } else {
          assert.equal(t.normalizationId, NormalizationId.None);
          assert.deepEqual(t.normalizationKwargs, {}, `${t.name}: NONE takes no kwargs`);
        }
      }
    }
  }
}

Deno.test("SN37_SCHEDULE and DEMO_SCHEDULE follow the reference's consistency rules", () => {
  checkConsistency(SN37_SCHEDULE, "SN37");
  checkConsistency(DEMO_SCHEDULE, "demo");
  assert.equal(SN37_SCHEDULE.length, 3);
  assert.deepEqual(SN37_SCHEDULE.map((e) => e.startBlock), [0, 4_675_163, 5_158_632]);
});

Deno.test("competitionsAt() picks the last entry whose start block is <= block", () => {
  assert.deepEqual(competitionsAt(0).map((c) => [c.id, c.rewardPercentage]), [[2, 0.75], [3, 0.25]]);
  assert.deepEqual(competitionsAt(SUNSET_B7_BLOCK - 1).map((c) => c.id), [2, 3]);
  assert.deepEqual(competitionsAt(SUNSET_B7_BLOCK).map((c) => [c.id, c.rewardPercentage]), [[3, 1]]);
  assert.deepEqual(competitionsAt(SUNSET_INSTRUCT_8B_BLOCK - 1).map((c) => c.id), [3]);
  assert.equal(competitionScheduleAt(6_000_000).startBlock, SUNSET_INSTRUCT_8B_BLOCK);
  assert.throws(() => competitionScheduleAt(-1), RangeError);
  assert.throws(() => competitionScheduleAt(0, { schedule: [] }), RangeError);
});

Deno.test("competition 4's tasks are the reference's: SFT 150/120 and codeforces 120, REFERENCE_LOSS, 0.5 each", () => {
  const c4 = competitionAt(CompetitionId.DistilledReasoning3B, SUNSET_INSTRUCT_8B_BLOCK)!;
  assert.equal(c4.rewardPercentage, 1);
  assert.deepEqual(c4.evalTasks.map((t) => [t.name, t.methodId, t.datasetId, t.normalizationId, t.weight]), [
    ["SYNTHETIC_1_SFT", EvalMethodId.ReferenceLoss, DatasetId.Synthetic1Sft, NormalizationId.None, 0.5],
    ["CODEFORCES_COTS", EvalMethodId.ReferenceLoss, DatasetId.CodeforcesCots, NormalizationId.None, 0.5],
  ]);
  assert.deepEqual(c4.evalTasks[0]!.datasetKwargs, { numPages: 1, numRowsPerPage: 150, targetSize: 120 });
  assert.deepEqual(c4.evalTasks[1]!.datasetKwargs, { numPages: 1, numRowsPerPage: 120 });
  const c3 = competitionAt(CompetitionId.Instruct8B, SUNSET_B7_BLOCK)!;
  assert.deepEqual(c3.evalTasks.map((t) => [t.name, t.weight, t.normalizationKwargs.ceiling]), [
    ["SYNTHETIC_MMLU", 0.3, undefined],
    ["WORD_SORTING", 0.05, 40],
    ["FINEWEB", 0.35, 20],
    ["IF_EVAL_V2", 0.3, undefined],
  ]);
  assert.ok(Object.isFrozen(c4.evalTasks) && Object.isFrozen(c4.evalTasks[0]!.datasetKwargs));
});

Deno.test("isCompetitionValidAt() by block, and the demo schedule runs DEMO_TINY from block 0", () => {
  assert.equal(isCompetitionValidAt(CompetitionId.B7MultiChoice, 4_000_000), true);
  assert.equal(isCompetitionValidAt(CompetitionId.B7MultiChoice, SUNSET_B7_BLOCK), false);
  assert.equal(isCompetitionValidAt(CompetitionId.DistilledReasoning3B, SUNSET_INSTRUCT_8B_BLOCK - 1), false);
  assert.equal(isCompetitionValidAt(CompetitionId.DistilledReasoning3B, SUNSET_INSTRUCT_8B_BLOCK), true);
  assert.equal(isCompetitionValidAt(CompetitionId.DemoTiny, 10), false);
  assert.equal(isCompetitionValidAt(CompetitionId.None, 10), false);
  assert.equal(isCompetitionValidAt(CompetitionId.DistilledReasoning3B, -5), false);
  const demo = { schedule: DEMO_SCHEDULE };
  assert.equal(isCompetitionValidAt(CompetitionId.DemoTiny, 0, demo), true);
  assert.equal(isCompetitionValidAt(CompetitionId.DistilledReasoning3B, 6_000_000, demo), false);
  const tasks = competitionAt(CompetitionId.DemoTiny, 123, demo)!.evalTasks;
  assert.deepEqual(tasks.map((t) => [t.datasetId, t.methodId]), [
    [DatasetId.Synthetic1Sft, EvalMethodId.ReferenceLoss],
    [DatasetId.CodeforcesCots, EvalMethodId.ReferenceLoss],
  ]);
});
