import assert from "node:assert/strict";
import { combineScores, isClose, normalizeScore } from "./combine_scores.ts";
import { competitionsAt, type EvalTask, NormalizationId, SUNSET_INSTRUCT_8B_BLOCK } from "./competitions.ts";

type Norm = Pick<EvalTask, "normalizationId" | "normalizationKwargs">;
const inverse = (ceiling: number): Norm => ({
  normalizationId: NormalizationId.InverseExponential,
  normalizationKwargs: { ceiling },
});
const none: Norm = { normalizationId: NormalizationId.None, normalizationKwargs: {} };

Deno.test("normalizeScore(): NONE is the identity, INVERSE_EXPONENTIAL clips at the ceiling (Infinity too)", () => {
  assert.equal(normalizeScore(3.25, none), 3.25);
  assert.equal(normalizeScore(Infinity, none), Infinity);
  assert.equal(normalizeScore(40, inverse(40)), 1);
  assert.equal(normalizeScore(41, inverse(40)), 1);
  assert.equal(normalizeScore(Infinity, inverse(20)), 1);
  assert.equal(normalizeScore(0, inverse(20)), 0);
  // Python: (1 - math.exp(-10/20)) / (1 - math.exp(-1)) == 0.6224593312018546
  assert.equal(normalizeScore(10, inverse(20)), 0.6224593312018546);
  // Just below the ceiling the curve reaches 1: continuity at s = c.
  assert.ok(Math.abs(normalizeScore(40 - 1e-9, inverse(40)) - 1) < 1e-9);
  assert.ok(Number.isNaN(normalizeScore(NaN, inverse(20))));
  assert.throws(() =>
    normalizeScore(1, { normalizationId: NormalizationId.InverseExponential, normalizationKwargs: {} })
  );
  assert.throws(() => normalizeScore(1, { normalizationId: 7, normalizationKwargs: {} }), TypeError);
});

Deno.test("combineScores(): competition 4 is 0.5·SFT + 0.5·CF; one loaded task alone counts fully; none → undefined", () => {
  const [sft, cf] = competitionsAt(SUNSET_INSTRUCT_8B_BLOCK)[0]!.evalTasks;
  const both = combineScores([{ task: sft!, rawScore: 2 }, { task: cf!, rawScore: 3 }])!;
  assert.equal(both.score, 2.5);
  assert.deepEqual(both.details.map((d) => d.weight), [0.5, 0.5]);
  const onlyCf = combineScores([{ task: cf!, rawScore: 3 }])!;
  assert.equal(onlyCf.score, 3);
  assert.equal(onlyCf.details[0]!.weight, 1);
  assert.equal(combineScores([]), undefined);
  assert.equal(combineScores([{ task: sft!, rawScore: Infinity }, { task: cf!, rawScore: 1 }])!.score, Infinity);
});

Deno.test("combineScores(): weights summing to 1 within isclose are used as they are; others are renormalized", () => {
  const t = (w: number, n: Norm = none) => ({ name: `w${w}`, weight: w, ...n });
  const legacy = combineScores([
    { task: t(0.75), rawScore: 0.2 },
    { task: t(0.05, inverse(40)), rawScore: 50 },
    { task: t(0.1, inverse(20)), rawScore: 10 },
    { task: t(0.1), rawScore: 0.5 },
  ])!;
  assert.deepEqual(legacy.details.map((d) => d.weight), [0.75, 0.05, 0.1, 0.1]);
  // Python: 0 + 0.2*0.75 + 1.0*0.05 + 0.6224593312018546*0.1 + 0.5*0.1
  assert.equal(legacy.score, 0 + 0.2 * 0.75 + 1.0 * 0.05 + 0.6224593312018546 * 0.1 + 0.5 * 0.1);
  const partial = combineScores([{ task: t(0.05, inverse(40)), rawScore: 50 }, { task: t(0.1), rawScore: 0.5 }])!;
  assert.deepEqual(partial.details.map((d) => d.weight), [0.05 / (0.05 + 0.1), 0.1 / (0.05 + 0.1)]);
  assert.ok(isClose(0.1 + 0.2 + 0.7, 1));
  assert.ok(!isClose(1 + 2e-9, 1));
});
