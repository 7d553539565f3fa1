import assert from "node:assert/strict";
import {
  modelPriority,
  modelsToKeep,
  recordCompetitionWeights,
  resizeWeights,
  roundToBfloat16,
  stepWeightVector,
  subnetWeights,
  torchSum,
} from "./competition_weights.ts";

/** The fixture writes NaN as the string "NaN". */
const num = (values: (number | string)[]) => values.map((v) => v === "NaN" ? NaN : v as number);

interface Step {
  competition: number;
  step: (number | string)[];
  average: (number | string)[];
  "subnet_startup": (number | string)[];
  subnet: (number | string)[];
  "stored_after": Record<string, (number | string)[]>;
}
const vectors = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/fixtures/tracker_vectors.json", import.meta.url)),
) as {
  alpha: number;
  threshold: number;
  cases: { size: number; competitions: [number, number][]; steps: Step[] }[];
  bf16: [number, number][];
  sums: [number[], number][];
};

Deno.test("the moving average and subnet weights equal PyTorch's float32 tracker bit for bit", () => {
  let compared = 0;
  for (const c of vectors.cases) {
    const competitions = c.competitions.map(([id, rewardPercentage]) => ({ id, rewardPercentage }));
    const stored = new Map<number, Float32Array>();
    for (const step of c.steps) {
      const average = recordCompetitionWeights(
        stored.get(step.competition),
        Float32Array.from(num(step.step)),
        vectors.alpha,
      );
      stored.set(step.competition, average);
      assert.deepEqual([...average], num(step.average));
      const copies = new Map([...stored].map(([id, w]) => [id, Float32Array.from(w)]));
      assert.deepEqual([...subnetWeights(copies, competitions, c.size)], num(step.subnet_startup));
      assert.deepEqual([...subnetWeights(stored, competitions, c.size, vectors.threshold)], num(step.subnet));
      for (const [id, w] of Object.entries(step.stored_after)) {
        assert.deepEqual([...stored.get(Number(id))!], num(w), "the stored average is divided in place");
      }
      compared++;
    }
  }
  assert.ok(compared > 200, `${compared} steps compared`);
});

Deno.test("torchSum() adds float32 vectors in torch's cascade order, to the bit", () => {
  for (const [values, expected] of vectors.sums) {
    assert.equal(torchSum(Float32Array.from(values)), expected, `${values.length} values`);
  }
  // A plain running sum differs on some of them: the order matters.
  const running = (v: number[]) => v.reduce((a, b) => Math.fround(a + b), 0);
  assert.ok(vectors.sums.some(([v, s]) => running(v) !== s));
});

Deno.test("roundToBfloat16() rounds like torch's float32 → bfloat16 cast, ties to even", () => {
  for (const [x, expected] of vectors.bf16) assert.equal(roundToBfloat16(x), expected, `x = ${x}`);
  assert.equal(roundToBfloat16(Infinity), Infinity);
  assert.ok(Number.isNaN(roundToBfloat16(NaN)));
  assert.equal(roundToBfloat16(3.4e38), Infinity, "rounds past the largest bf16 to infinity");
});

Deno.test("stepWeightVector() gives 1 to every best win rate, ties share; a lone uid wins", () => {
  assert.deepEqual([...stepWeightVector(new Map([[1, 0.5], [3, 1], [2, 1]]), 5)], [0, 0, 1, 1, 0]);
  assert.deepEqual([...stepWeightVector(new Map([[4, 0]]), 5)], [0, 0, 0, 0, 1]);
  assert.deepEqual([...stepWeightVector(new Map(), 3)], [0, 0, 0]);
  assert.throws(() => stepWeightVector(new Map([[9, 1]]), 3), /outside the metagraph/);
});

Deno.test("the moving average grows with the metagraph and every uid decays", () => {
  const first = recordCompetitionWeights(undefined, Float32Array.from([0, 1]));
  const grown = recordCompetitionWeights(first, Float32Array.from([0, 0, 1]));
  assert.equal(grown.length, 3);
  assert.equal(grown[1], Math.fround(Math.fround(0.9) * 1));
  assert.equal(grown[2], Math.fround(Math.fround(0.1) * 1));
  assert.deepEqual([...resizeWeights(grown, 2)], [...grown], "never shrinks");
});

Deno.test("modelsToKeep() keeps the weighted models first, then the best win rates, ties in the given order", () => {
  const average = Float32Array.from([0, 0.5, 0.0005, 0.2, 0]);
  const rates = new Map([[0, 1], [1, 0], [2, 0.75], [3, 0.25], [4, 0.75]]);
  const keep = modelsToKeep([0, 1, 2, 3, 4], (uid) => modelPriority(average, uid, rates.get(uid)!));
  assert.deepEqual(keep, [1, 3, 0]);
  assert.deepEqual(modelsToKeep([4, 2], () => 0.5, 1), [4]);
});
