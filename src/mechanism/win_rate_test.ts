import assert from "node:assert/strict";
import { epsilon, isWin, movingAverage, stepWeights, thresholdWeights, winRates } from "./win_rate.ts";

const decay = { start: 0.05, end: 0.01, blocks: 21_600 };

Deno.test("epsilon() decays linearly from start to end over the decay blocks", () => {
  assert.equal(epsilon(decay, 1000, 1000), 0.05);
  assert.ok(Math.abs(epsilon(decay, 1000 + 10_800, 1000) - 0.03) < 1e-15);
  assert.ok(Math.abs(epsilon(decay, 1000 + 50_000, 1000) - 0.01) < 1e-15);
  assert.equal(epsilon(decay, 500, 1000), 0.05, "a commit from the future has age 0");
});

Deno.test("isWin() gives the earlier model the epsilon advantage", () => {
  const early = { uid: 1, loss: 2.0, block: 100 };
  const later = { uid: 2, loss: 1.95, block: 200 };
  // 2.0 × (1 − 0.05) = 1.9 < 1.95: the earlier, slightly worse model still wins.
  assert.equal(isWin(early, later, decay, 200), true);
  assert.equal(isWin(later, early, decay, 200), false);
  const muchBetter = { uid: 3, loss: 1.8, block: 200 };
  assert.equal(isWin(muchBetter, early, decay, 200), true);
});

Deno.test("isWin() needs a strict win: equal losses at equal blocks and two infinities never win", () => {
  const a = { uid: 1, loss: 2, block: 5 };
  const b = { uid: 2, loss: 2, block: 5 };
  assert.equal(isWin(a, b, decay, 10), false);
  assert.equal(isWin(b, a, decay, 10), false);
  const x = { uid: 3, loss: Infinity, block: 1 };
  const y = { uid: 4, loss: Infinity, block: 9 };
  assert.equal(isWin(x, y, decay, 10), false);
  assert.equal(isWin({ uid: 5, loss: 9, block: 9 }, x, decay, 10), true);
});

Deno.test("winRates() counts wins against every other model; a lone model has rate 0", () => {
  const rates = winRates(
    [
      { uid: 0, loss: 3, block: 10 },
      { uid: 1, loss: 1, block: 10 },
      { uid: 2, loss: 2, block: 10 },
    ],
    decay,
    20,
  );
  assert.deepEqual([...rates], [[0, 0], [1, 1], [2, 0.5]]);
  assert.deepEqual([...winRates([{ uid: 7, loss: Infinity, block: 1 }], decay, 2)], [[7, 0]]);
});

Deno.test("stepWeights() is winner-take-all and ties share", () => {
  assert.deepEqual([...stepWeights(new Map([[0, 0], [1, 1], [2, 0.5]]))], [[0, 0], [1, 1], [2, 0]]);
  assert.deepEqual([...stepWeights(new Map([[0, 0.5], [1, 0.5]]))], [[0, 0.5], [1, 0.5]]);
  assert.deepEqual([...stepWeights(new Map([[4, 0]]))], [[4, 1]], "a lone model takes it all");
});

Deno.test("movingAverage() keeps 90% of the old weights and decays unevaluated uids", () => {
  const first = movingAverage(undefined, new Map([[1, 2], [2, 0]]));
  assert.deepEqual([...first], [[1, 1], [2, 0]]);
  const second = movingAverage(first, new Map([[2, 1]]));
  assert.equal(second.get(1), Math.fround(0.9));
  assert.equal(second.get(2), Math.fround(Math.fround(0.1)));
  // A new winner needs two wins to cross the 0.18 threshold: 0.1, then 0.19.
  const third = movingAverage(second, new Map([[2, 1]]));
  assert.ok(third.get(2)! > 0.18 && thresholdWeights(second).get(2) === 0 && thresholdWeights(third).get(2)! > 0);
});

Deno.test("thresholdWeights() drops entries under the threshold and renormalizes", () => {
  const w = thresholdWeights(new Map([[1, 0.7], [2, 0.2], [3, 0.1]]));
  assert.ok(Math.abs(w.get(1)! - 0.7 / 0.9) < 1e-12);
  assert.ok(Math.abs(w.get(2)! - 0.2 / 0.9) < 1e-12);
  assert.equal(w.get(3), 0);
  assert.deepEqual([...thresholdWeights(new Map([[1, 0]]))], [[1, 0]]);
});
