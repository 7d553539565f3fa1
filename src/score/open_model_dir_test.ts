import assert from "node:assert/strict";
import { join } from "node:path";
import { getCompetition } from "../eval/competitions.ts";
import { CPU } from "./device.ts";
import { constraintsFor } from "../checkpoint/check_model_constraints.ts";
import { ModelCheckError, ModelFormatError } from "../checkpoint/errors.ts";
import { computeDtypeFor, openModelDir } from "./open_model_dir.ts";
import type { SafetensorsModelSource } from "../checkpoint/open_safetensors_model.ts";

const FIXTURES = new URL("../../tests/fixtures/", import.meta.url).pathname;

async function withCache(body: (cacheDir: string) => Promise<void>): Promise<void> {
  const cacheDir = await Deno.makeTempDir({ prefix: "subvalid-open-" });
  try {
    await body(cacheDir);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

Deno.test("openModelDir() builds a float32 graph for a safetensors checkpoint on the CPU", async () => {
  await withCache(async (cacheDir) => {
    const source = await openModelDir(join(FIXTURES, "safetensors/gemma"), { cacheDir, device: "cpu" });
    const built = source as SafetensorsModelSource;
    assert.deepEqual([built.build.architecture, built.build.computeDtype], ["GemmaForCausalLM", "float32"]);
    assert.deepEqual(source.links.map((l) => l.location), ["model.safetensors"]);
    assert.ok(source.key.startsWith("st-"));
  });
});

Deno.test("openModelDir() opens an ONNX export as before when the directory has one", async () => {
  await withCache(async (cacheDir) => {
    const source = await openModelDir(join(FIXTURES, "models/tiny-llama"), { cacheDir, device: CPU });
    assert.equal("build" in source, false);
    assert.ok(source.model.graph.output.some((o) => o.name === "logits"));
  });
});

Deno.test("openModelDir() names both layouts when a directory holds neither", async () => {
  await withCache(async (cacheDir) => {
    await assert.rejects(
      openModelDir(join(FIXTURES, "tokenizers/bytes"), { cacheDir, device: "cpu" }),
      (e: unknown) => {
        assert.ok(e instanceof ModelFormatError);
        assert.match(
          e.message,
          /Cannot find an ONNX graph or a safetensors checkpoint in ".*": looked for onnx\/model\.onnx/,
        );
        return true;
      },
    );
  });
});

Deno.test("openModelDir() checks a checkpoint against competition constraints before building", async () => {
  await withCache(async (cacheDir) => {
    const competition = getCompetition(4)!;
    await assert.rejects(
      openModelDir(join(FIXTURES, "safetensors/mistral"), {
        cacheDir,
        device: "cpu",
        constraints: constraintsFor(competition),
      }),
      (e: unknown) =>
        e instanceof ModelCheckError && e.check === "parameters" && e.details.minParameters === 3_200_000_000,
    );
    assert.equal((await Array.fromAsync(Deno.readDir(cacheDir))).length, 0, "nothing built for a failing model");
    const demo = constraintsFor(getCompetition(99)!);
    const source = await openModelDir(join(FIXTURES, "safetensors/mistral"), {
      cacheDir,
      device: "cpu",
      constraints: demo,
    });
    assert.equal((source as SafetensorsModelSource).build.architecture, "MistralForCausalLM");
  });
});

Deno.test("computeDtypeFor() gives float32 on the CPU and bfloat16 on CUDA", async () => {
  assert.equal(await computeDtypeFor("cpu"), "float32");
  assert.equal(await computeDtypeFor(CPU), "float32");
  assert.equal(await computeDtypeFor("cuda:1"), "bfloat16");
  assert.equal(
    await computeDtypeFor({ name: "cuda:0", executionProviders: [{ name: "cuda", deviceId: 0 }] }),
    "bfloat16",
  );
});
