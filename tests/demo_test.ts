/**
 * The demo end to end: local chain, local hub with the SN37 datasets' shapes,
 * real fixture models, the validator's own loop for three steps, weights on
 * chain. Checks the outcome of every scenario, not just that it ran.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { runDemo } from "../src/demo/mod.ts";
import type { StepReport } from "../src/validator/mod.ts";

Deno.test("runDemo() runs three steps: broken miners never score, the late better model's weight rises", async () => {
  // Inside the project: the scoring worker's permission set reads the project only.
  const parent = resolve(import.meta.dirname!, "..", ".cache", "huggingface");
  await Deno.mkdir(parent, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: parent, prefix: "test-demo-" });
  try {
    const stored: ReadonlyMap<number, number>[] = [];
    const result = await runDemo({
      workDir: join(dir, "work"),
      modelDir: join(dir, "hf", "hub"),
      cacheDir: join(dir, "hf", "subvalid-score"),
      device: "cpu",
      steps: 3,
      onStep: (_report, weights) => stored.push(weights),
    });
    assert.equal(result.reports.length, 3);
    const [first, second, third] = result.reports as [StepReport, StepReport, StepReport];
    const row = (report: StepReport, uid: number) => report.uids.find((u) => u.uid === uid);
    // Step 1: the models committed at the start, each scored on both datasets.
    assert.deepEqual(first.uids.map((u) => u.uid), [1, 2, 3, 5]);
    assert.deepEqual(first.tasks.map((t) => t.name), ["SYNTHETIC_1_SFT", "CODEFORCES_COTS"]);
    assert.ok(first.tasks.every((t) => t.samples > 0));
    assert.equal(row(first, 2)!.score, null, "the 256-position GPT cannot take the samples: infinity");
    // Eve published alice's files later: the same score, and alice's earlier commit wins their pair.
    assert.equal(row(first, 5)!.score, row(first, 1)!.score);
    assert.ok(row(first, 1)!.win_rate > row(first, 5)!.win_rate);
    // Frank (wrong hash), Grace (missing repo), Heidi (malformed) are never queued.
    for (const report of result.reports) for (const uid of [6, 7, 8]) assert.equal(row(report, uid), undefined);
    // Dave commits a better model after step 1 and wins the next steps: 0.1, then 0.19 of the average.
    assert.equal(first.top_uid, 3);
    assert.equal(second.top_uid, 4);
    assert.equal(third.top_uid, 4);
    // As the reference's float32 tensors hold them (checked with torch): 0.9·0.1 + 0.1·1 = 0.19, then the
    // stored average divided in place by its sum 0.99999994 = 0.19000001.
    assert.deepEqual([second.competition_weights[4], third.competition_weights[4]], [
      Math.fround(0.1),
      0.1900000125169754,
    ]);
    assert.equal(second.subnet_weights[4], 0, "under the 0.18 threshold after one win");
    assert.ok(third.subnet_weights[4]! > 0, "over it after two");
    // The chain stores each step's weights: carol alone, then dave joins.
    assert.deepEqual([...stored[0]!], [[3, 65535]]);
    assert.deepEqual([...stored[2]!.keys()], [3, 4]);
    assert.ok(result.weights.some((w) => w.success));
    assert.deepEqual([...result.stored.keys()], [3, 4]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
