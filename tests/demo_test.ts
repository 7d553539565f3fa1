/**
 * The demo end to end: local chain, local hub, real fixture models, one epoch,
 * weights on chain. Checks the outcome of every scenario, not just that it ran.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { runDemo } from "../src/demo/mod.ts";

Deno.test("runDemo() runs one epoch: broken miners are ineligible, the best model gets the weight on chain", async () => {
  // Inside the project: the scoring child's permission set reads the project only.
  const parent = resolve(import.meta.dirname!, "..", ".cache", "huggingface");
  await Deno.mkdir(parent, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: parent, prefix: "test-demo-" });
  try {
    const models = join(dir, "hf", "hub");
    const result = await runDemo({
      workDir: join(dir, "work"),
      modelDir: models,
      cacheDir: join(dir, "hf", "subvalid-score"),
      device: "cpu",
    });
    const row = (uid: number) => result.epoch.rows.find((r) => r.uid === uid)!;
    assert.equal(row(0).status, "no-commitment");
    for (const uid of [1, 2, 3, 4, 5]) {
      assert.equal(row(uid).status, "scored", `uid ${uid}`);
      assert.ok(Number.isFinite(row(uid).loss), `uid ${uid} has a finite loss`);
    }
    // The trained models beat the untrained ones.
    for (const trained of [1, 2]) for (const untrained of [3, 4]) assert.ok(row(trained).loss! < row(untrained).loss!);
    // Eve published alice's files later: same loss, and alice's earlier commit wins the pair.
    assert.equal(row(5).loss, row(1).loss);
    assert.ok(row(1).winRate! > row(5).winRate!);
    assert.equal(row(6).status, "fetch-failed");
    assert.match(row(6).reason!, /^hash_mismatch/);
    assert.equal(row(7).status, "fetch-failed");
    assert.match(row(7).reason!, /^repo_not_found/);
    assert.equal(row(8).status, "bad-commitment");

    const best = [1, 2, 3, 4, 5].reduce((a, b) => (row(a).loss! <= row(b).loss! ? a : b));
    assert.equal(row(best).weight, 1);
    assert.ok(result.receipt.success, JSON.stringify(result.receipt));
    assert.deepEqual([...result.stored], [[best, 65535]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
