/**
 * Safetensors checkpoints of the four architectures scored through the real scorer (graph built by
^ * src/checkpoint, log-prob head, work dir with hard links, batching) against the plain-PyTorch reference
 * forward of tests/fixtures/safetensors/generate.py: per-token log-probs and per-sample losses within
 * 1e-4 in float32 on the CPU, with the fused and the plain attention.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type AttentionKind, openSafetensorsModel } from "../src/checkpoint/mod.ts";
import { type IdsSample, readSamples } from "../src/eval/mod.ts";
import { addLogProbHead, POSITIONS_INPUT, scoreModel } from "../src/score/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const FIXTURES = join(ROOT, "tests/fixtures/safetensors");
const samples = await readSamples(join(FIXTURES, "samples.jsonl"));
const cacheDir = await Deno.makeTempDir({ prefix: "subvalid-build-parity-" });
addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

interface Reference {
  samples: { next_token_logprobs: number[]; loss: number }[];
}

const TOLERANCE = 1e-4;

for (const model of ["llama", "llama-tied-sharded", "mistral", "gemma", "gemma2"]) {
  for (const attention of ["gqa", "plain"] as AttentionKind[]) {
    Deno.test(`scoreModel() on the ${model} safetensors checkpoint (${attention} attention) matches PyTorch within 1e-4`, async () => {
      const reference: Reference = JSON.parse(await Deno.readTextFile(join(FIXTURES, model, "reference.json")));
      const source = await openSafetensorsModel(join(FIXTURES, model), { cacheDir, attention });
      const report = await scoreModel(source, samples, { cacheDir, device: "cpu", logprobs: true });
      assert.equal(report.error, undefined);
      let worstToken = 0;
      let worstLoss = 0;
      report.samples.forEach((s, i) => {
        const ref = reference.samples[i]!;
        const context = (samples[i] as IdsSample).contextIds.length;
        const expected = ref.next_token_logprobs.slice(context - 1);
        assert.equal(s.logprobs?.length, expected.length);
        s.logprobs!.forEach((lp, j) => worstToken = Math.max(worstToken, Math.abs(lp - expected[j]!)));
        worstLoss = Math.max(worstLoss, Math.abs(s.loss - ref.loss));
      });
      assert.ok(worstToken < TOLERANCE, `max |Δ log p| ${worstToken}`);
      assert.ok(worstLoss < TOLERANCE, `max |Δ loss| ${worstLoss}`);
      const mean = reference.samples.reduce((a, s) => a + s.loss, 0) / reference.samples.length;
      assert.ok(Math.abs(report.loss - mean) < TOLERANCE);
    });
  }
}

Deno.test("scoreModel() on a built graph gives batch-of-one losses equal to batched ones within 1e-5", async () => {
  const source = await openSafetensorsModel(join(FIXTURES, "gemma2"), { cacheDir });
  const batched = await scoreModel(source, samples, { cacheDir, device: "cpu" });
  const single = await scoreModel(source, samples, { cacheDir, device: "cpu", batchTokens: 1 });
  batched.samples.forEach((s, i) => assert.ok(Math.abs(s.loss - single.samples[i]!.loss) < 1e-5));
});

Deno.test("addLogProbHead() computes the LM head of built graphs only at the scored positions", async () => {
  for (const model of ["llama", "llama-tied-sharded", "gemma2"]) {
    const source = await openSafetensorsModel(join(FIXTURES, model), { cacheDir });
    const wrapped = addLogProbHead(source.model);
    assert.ok(wrapped.graph.input.some((v) => v.name === POSITIONS_INPUT), `${model}: the selecting head matched`);
  }
});
