import assert from "node:assert/strict";
import { buildBatch, planBatches } from "./batching.ts";

Deno.test("planBatches() sorts longest first and keeps rows × padded length within the budget", () => {
  const lengths = [5, 12, 3, 12, 7, 30, 1];
  const plans = planBatches(lengths, 30);
  for (const p of plans) {
    assert.ok(p.indices.length * p.length <= 30 || p.indices.length === 1);
    assert.equal(p.length, Math.max(...p.indices.map((i) => lengths[i]!)));
  }
  assert.deepEqual(plans.map((p) => p.indices), [[5], [1, 3], [4, 0, 2, 6]]);
  assert.deepEqual(plans.flatMap((p) => p.indices).sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(planBatches([40], 8), [{ indices: [0], length: 40 }], "a sample over the budget goes alone");
  assert.throws(() => planBatches([1], 0), RangeError);
});

Deno.test("buildBatch() pads right: labels are the next token, the span starts at the last context token", () => {
  const samples = [{ contextIds: [10, 11], referenceIds: [12, 13] }, { contextIds: [20], referenceIds: [21] }];
  const b = buildBatch(samples, { indices: [0, 1], length: 4 }, "right");
  assert.deepEqual([...b.inputIds], [10, 11, 12, 13, 20, 21, 0, 0]);
  assert.deepEqual([...b.attentionMask], [1, 1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual([...b.positionIds], [0, 1, 2, 3, 0, 1, 1, 1]);
  assert.deepEqual([...b.labels], [11, 12, 13, 0, 21, 0, 0, 0]);
  assert.deepEqual(b.spans, [{ start: 1, count: 2 }, { start: 4, count: 1 }]);
});

Deno.test("buildBatch() pads left: tokens at the end, positions still start at 0", () => {
  const samples = [{ contextIds: [10, 11], referenceIds: [12, 13] }, { contextIds: [20], referenceIds: [21] }];
  const b = buildBatch(samples, { indices: [0, 1], length: 4 }, "left");
  assert.deepEqual([...b.inputIds], [10, 11, 12, 13, 0, 0, 20, 21]);
  assert.deepEqual([...b.attentionMask], [1, 1, 1, 1, 0, 0, 1, 1]);
  assert.deepEqual([...b.positionIds], [0, 1, 2, 3, 1, 1, 0, 1]);
  assert.deepEqual([...b.labels], [11, 12, 13, 0, 0, 0, 21, 0]);
  assert.deepEqual(b.spans, [{ start: 1, count: 2 }, { start: 6, count: 1 }]);
});
