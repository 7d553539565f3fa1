/**
 * The scorer against PyTorch: per-token log-probs and per-sample losses of
 * the fixture models (computed by tests/fixtures/make_fixtures.py at batch
 * size 1, float32), batching equivalence with left and right padding, the
 * forced tokenizer, and the vocabulary-mismatch failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type ChatSample, readSamples, type Sample } from "../src/eval/mod.ts";
import { scoreModel, type ScoreReport, ScoreRuntimeError } from "../src/score/mod.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const reference = JSON.parse(await Deno.readTextFile(join(FIXTURES, "reference.json")));
const chat = await readSamples(join(FIXTURES, "samples/chat.jsonl"));
const ids = await readSamples(join(FIXTURES, "samples/ids.jsonl"));
const cacheDir = await Deno.makeTempDir({ prefix: "subvalid-parity-" });
addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

interface Ref {
  logprobs: number[];
  loss: number;
}

function assertMatches(
  report: ScoreReport,
  refs: readonly Ref[],
  tolerance: number,
  what: string,
  tokenTolerance = tolerance,
): void {
  assert.equal(report.error, undefined, `${what}: ${report.error}`);
  assert.equal(report.samples.length, refs.length);
  report.samples.forEach((s, i) => {
    const ref = refs[i]!;
    assert.ok(Math.abs(s.loss - ref.loss) <= tolerance, `${what} sample ${i}: loss ${s.loss} vs ${ref.loss}`);
    assert.equal(s.logprobs?.length, ref.logprobs.length);
    s.logprobs!.forEach((lp, j) =>
      assert.ok(
        Math.abs(lp - ref.logprobs[j]!) <= tokenTolerance,
        `${what} sample ${i} token ${j}: ${lp} vs ${ref.logprobs[j]}`,
      )
    );
  });
  const mean = refs.reduce((sum, r) => sum + r.loss, 0) / refs.length;
  assert.ok(Math.abs(report.loss - mean) <= tolerance);
}

for (const model of ["tiny-gpt", "tiny-llama"]) {
  const dir = join(FIXTURES, "models", model);

  Deno.test(`scoreModel() matches PyTorch's per-token log-probs within 1e-4 on ${model} (chat and id samples)`, async () => {
    const a = await scoreModel(dir, chat, { cacheDir, device: "cpu", logprobs: true });
    assertMatches(a, reference.models[model].chat.bytes, 1e-4, `${model} chat`);
    const b = await scoreModel(dir, ids, { cacheDir, device: "cpu", logprobs: true });
    assertMatches(b, reference.models[model].ids, 1e-4, `${model} ids`);
    const refs = reference.models[model].chat.bytes as { loss: number; good: boolean }[];
    const good = refs.flatMap((r, i) => r.good ? [a.samples[i]!.loss] : []);
    const bad = refs.flatMap((r, i) => r.good ? [] : [a.samples[i]!.loss]);
    assert.ok(Math.max(...good) < Math.min(...bad), `good answers score lower: ${good} vs ${bad}`);
  });

  const paddings = model === "tiny-llama" ? ["right", "left"] as const : ["right"] as const;
  for (const padding of paddings) {
    Deno.test(`scoreModel() batched with ${padding} padding equals batch size 1 within 1e-5 on ${model}`, async () => {
      const all = [...ids, ...chat];
      const single = await scoreModel(dir, all, { cacheDir, device: "cpu", batchTokens: 1, logprobs: true });
      for (const budget of [64, 300, 100_000]) {
        const batched = await scoreModel(dir, all, {
          cacheDir,
          device: "cpu",
          batchTokens: budget,
          padding,
          logprobs: true,
        });
        const refs = single.samples.map((s) => ({ loss: s.loss, logprobs: [...s.logprobs!] }));
        // The issue's bar is on per-sample losses; single tokens may differ a little more (float32 sums).
        assertMatches(batched, refs, 1e-5, `${model} ${padding} budget ${budget}`, 1e-4);
      }
    });
  }
}

Deno.test("scoreModel() gives the same log-probs with the LM head at every position and at the scored ones only", async () => {
  for (const model of ["tiny-gpt", "tiny-llama"]) {
    const dir = join(FIXTURES, "models", model);
    const full = await scoreModel(dir, ids, { cacheDir, device: "cpu", selectHead: false, logprobs: true });
    const selected = await scoreModel(dir, ids, { cacheDir, device: "cpu", logprobs: true });
    const refs = full.samples.map((s) => ({ loss: s.loss, logprobs: [...s.logprobs!] }));
    assertMatches(selected, refs, 1e-5, `${model} selected vs full`);
    assertMatches(full, reference.models[model].ids, 1e-4, `${model} full head vs PyTorch`);
  }
});

Deno.test("scoreModel() uses a forced tokenizer's template and ids instead of the model's", async () => {
  const dir = join(FIXTURES, "models/tiny-llama");
  const forced = await scoreModel(dir, chat, {
    cacheDir,
    device: "cpu",
    tokenizerDir: join(FIXTURES, "tokenizers/bytes-alt"),
    logprobs: true,
  });
  assertMatches(forced, reference.models["tiny-llama"].chat["bytes-alt"], 1e-4, "forced bytes-alt");
  const own = await scoreModel(dir, chat, { cacheDir, device: "cpu" });
  assert.ok(Math.abs(own.loss - forced.loss) > 0.1, "the forced tokenizer changed the inputs");
  assert.equal(
    forced.samples[0]!.tokens,
    reference.models["tiny-llama"].chat["bytes-alt"][0].context_ids.length +
      reference.models["tiny-llama"].chat["bytes-alt"][0].reference_ids.length,
  );
});

Deno.test("scoreModel() gives Infinity with the reason when the forced tokenizer's ids exceed the vocabulary", async () => {
  const tokDir = await Deno.makeTempDir({ prefix: "subvalid-cl100k-" });
  try {
    const gz = await Deno.readFile(join(FIXTURES, "tokenizers/cl100k/tokenizer.json.gz"));
    await Deno.writeFile(join(tokDir, "tokenizer.json"), gunzipSync(gz));
    await Deno.copyFile(
      join(FIXTURES, "tokenizers/cl100k/tokenizer_config.json"),
      join(tokDir, "tokenizer_config.json"),
    );
    const report = await scoreModel(join(FIXTURES, "models/tiny-gpt"), chat, {
      cacheDir,
      device: "cpu",
      tokenizerDir: tokDir,
    });
    assert.equal(report.loss, Infinity);
    assert.match(
      report.error ?? "",
      /Vocabulary mismatch: sample 0 has token id \d+ but the model's vocabulary has 260 tokens/,
    );
  } finally {
    await Deno.remove(tokDir, { recursive: true });
  }
});

Deno.test("scoreModel() gives Infinity when an id sample is outside the vocabulary, and chat samples need a tokenizer", async () => {
  const bad: Sample[] = [{ contextIds: [1, 2], referenceIds: [300] }];
  const report = await scoreModel(join(FIXTURES, "models/tiny-gpt"), bad, { cacheDir, device: "cpu" });
  assert.match(report.error ?? "", /token id 300 but the model's vocabulary has 260 tokens/);
  // A model without a tokenizer of its own, scored on chat samples: the model's fault.
  const bare = await Deno.makeTempDir();
  await Deno.mkdir(join(bare, "onnx"));
  await Deno.copyFile(join(FIXTURES, "models/tiny-gpt/onnx/model.onnx"), join(bare, "onnx/model.onnx"));
  await Deno.copyFile(join(FIXTURES, "models/tiny-gpt/config.json"), join(bare, "config.json"));
  const noTokenizer = await scoreModel(bare, chat as ChatSample[], { cacheDir, device: "cpu" });
  await Deno.remove(bare, { recursive: true });
  assert.match(noTokenizer.error ?? "", /Cannot load tokenizer .*tokenizer\.json/);
  // A tokenizer the caller gives that does not load is the validator's fault: it throws, never Infinity.
  await assert.rejects(
    scoreModel(join(FIXTURES, "models/tiny-gpt"), chat as ChatSample[], {
      cacheDir,
      device: "cpu",
      tokenizerDir: join(FIXTURES, "samples"),
    }),
    (error: unknown) => error instanceof ScoreRuntimeError && /every model is scored with/.test(error.message),
  );
});
