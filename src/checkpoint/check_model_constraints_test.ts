import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeSafetensors, type TestTensor } from "./_testing.ts";
import { checkModelConstraints, type ModelConstraints, SN37_NORM_CONSTRAINTS } from "./check_model_constraints.ts";
import { openCheckpoint } from "./checkpoint.ts";
import { ModelCheckError } from "./errors.ts";
import { parseModelConfig } from "./model_config.ts";
import { expectedTensors } from "./model_tensors.ts";
import { tensorNorms } from "./weight_norms.ts";

const FIXTURES = new URL("../../tests/fixtures/safetensors/", import.meta.url).pathname;
const ANY: ModelConstraints = { minParameters: 0, maxParameters: 10_000_000 };

/** A checkpoint of the llama fixture's config (3 layers) whose tensors are constants; `fill` overrides some. */
async function constantModel(
  fill: Record<string, number>,
  dtype: TestTensor["dtype"] = "BF16",
  chunkTest = false,
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-norms-" });
  const configText = await Deno.readTextFile(join(FIXTURES, "llama", "config.json"));
  await Deno.writeTextFile(join(dir, "config.json"), configText);
  const tensors: Record<string, TestTensor> = {};
  for (const t of expectedTensors(parseModelConfig(JSON.parse(configText)))) {
    tensors[t.name] = { dtype, shape: [...t.shape], values: fill[t.name] ?? 0.01 };
  }
  if (chunkTest) {
    tensors["model.layers.0.self_attn.q_proj.weight"]!.values = Array.from({ length: 128 * 64 }, (_, i) => (i % 7) - 3);
  }
  await Deno.writeFile(join(dir, "model.safetensors"), encodeSafetensors(tensors));
  return dir;
}

async function withModel(dir: string, body: (dir: string) => Promise<void>): Promise<void> {
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const q = (layer: number) => `model.layers.${layer}.self_attn.q_proj.weight`;
const down = (layer: number) => `model.layers.${layer}.mlp.down_proj.weight`;

Deno.test("checkModelConstraints() passes the fixtures and measures the norms PyTorch reports for bfloat16 parameters", async () => {
  for (const name of ["llama", "llama-tied-sharded", "mistral", "gemma", "gemma2"]) {
    const reference = JSON.parse(await Deno.readTextFile(join(FIXTURES, name, "reference.json")));
    const report = await checkModelConstraints(await openCheckpoint(join(FIXTURES, name)), ANY);
    assert.equal(report.parameterCount, reference.parameters, name);
    const expected = reference.projection_norms as Record<string, number>;
    for (const [projection, values] of Object.entries(report.norms)) {
      values!.forEach((norm, layer) => {
        const tensor = Object.keys(expected).find((k) =>
          k.startsWith(`model.layers.${layer}.`) && k.includes(projection)
        )!;
        assert.equal(norm, expected[tensor], `${name} ${tensor}`);
      });
    }
    assert.equal(report.meanExceedFraction, 0);
  }
});

Deno.test("checkModelConstraints() fails a parameter count outside the competition's range, with the numbers", async () => {
  const checkpoint = await openCheckpoint(join(FIXTURES, "gemma"));
  await assert.rejects(
    checkModelConstraints(checkpoint, { minParameters: 3_200_000_000, maxParameters: 3_400_000_000 }),
    (e: unknown) => {
      assert.ok(e instanceof ModelCheckError);
      assert.equal(e.check, "parameters");
      assert.deepEqual(e.details, {
        parameterCount: 59376,
        minParameters: 3_200_000_000,
        maxParameters: 3_400_000_000,
      });
      assert.match(e.message, /has 59376 parameters, the competition allows 3200000000 to 3400000000/);
      return true;
    },
  );
});

Deno.test("checkModelConstraints() fails an architecture the competition does not allow", async () => {
  const checkpoint = await openCheckpoint(join(FIXTURES, "mistral"));
  await assert.rejects(
    checkModelConstraints(checkpoint, { ...ANY, allowedArchitectures: ["LlamaForCausalLM"] }),
    (e: unknown) => {
      assert.ok(e instanceof ModelCheckError);
      assert.equal(e.check, "architecture");
      assert.match(e.message, /is a MistralForCausalLM, the competition allows LlamaForCausalLM/);
      return true;
    },
  );
});

Deno.test("checkModelConstraints() fails any projection norm above the hard limit", async () => {
  // q_proj is [128, 64]: all 12 gives a norm of 12 * sqrt(8192) = 1086.1, 1088 in bfloat16.
  await withModel(await constantModel({ [q(1)]: 12 }), async (dir) => {
    await assert.rejects(checkModelConstraints(await openCheckpoint(dir), ANY), (e: unknown) => {
      assert.ok(e instanceof ModelCheckError);
      assert.equal(e.check, "norms");
      assert.match(e.message, /"model\.layers\.1\.self_attn\.q_proj\.weight" has norm 1088, the limit is 1000/);
      // The other layers: 0.01 is 0.010009765625 in bfloat16, times sqrt(8192) = 0.906, 0.90625 in bfloat16.
      assert.deepEqual((e.details.norms as Record<string, number[]>).q_proj, [0.90625, 1088, 0.90625]);
      return true;
    });
  });
});

Deno.test("checkModelConstraints() fails when the mean fraction of layers above the soft limit exceeds the threshold", async () => {
  // 3 layers × 6 projections: 3 norms above 200 make the mean fraction 3/18 = 0.1667 > 0.15; 2 make it 0.1111.
  const above = 3; // all-3 [64, 128] down_proj: 3 * sqrt(8192) = 271.5
  await withModel(await constantModel({ [down(0)]: above, [down(1)]: above, [q(2)]: above }), async (dir) => {
    await assert.rejects(checkModelConstraints(await openCheckpoint(dir), ANY), (e: unknown) => {
      assert.ok(e instanceof ModelCheckError && e.check === "norms");
      assert.match(
        e.message,
        /mean fraction of layers with a projection norm above 200 is 0\.1667, the limit is 0\.15/,
      );
      assert.deepEqual(e.details.exceedFractions, {
        q_proj: 1 / 3,
        k_proj: 0,
        v_proj: 0,
        o_proj: 0,
        up_proj: 0,
        down_proj: 2 / 3,
      });
      assert.deepEqual(e.details.limits, SN37_NORM_CONSTRAINTS);
      return true;
    });
  });
  await withModel(await constantModel({ [down(0)]: above, [q(2)]: above }), async (dir) => {
    const report = await checkModelConstraints(await openCheckpoint(dir), ANY);
    assert.equal(report.meanExceedFraction, 2 / 18);
    assert.equal(report.maxNorm?.norm, 272);
    assert.equal((await checkModelConstraints(await openCheckpoint(dir), { ...ANY, norms: null })).maxNorm, undefined);
  });
});

Deno.test("tensorNorms() gives the same norms for BF16, F16 and F32 storage and across chunk boundaries", async () => {
  const results: number[][] = [];
  for (const dtype of ["BF16", "F16", "F32"] as const) {
    await withModel(await constantModel({ [q(1)]: 0.3 }, dtype, true), async (dir) => {
      const checkpoint = await openCheckpoint(dir);
      const names = [q(0), q(1), down(2)];
      const tensors = names.map((n) => checkpoint.tensors.get(n)!);
      const paths = { "model.safetensors": join(dir, "model.safetensors") };
      const whole = await tensorNorms(tensors, paths);
      assert.deepEqual(await tensorNorms(tensors, paths, { chunkBytes: 24 }), whole, "chunked reads");
      results.push(whole);
    });
  }
  // 0.3 is not exact in bf16 (0.30078125): elements are rounded to bfloat16 first, as the reference loads them.
  const q0 = Math.sqrt(Array.from({ length: 8192 }, (_, i) => ((i % 7) - 3) ** 2).reduce((a, b) => a + b, 0));
  assert.deepEqual(results[0], [
    roundBf16(q0),
    roundBf16(0.30078125 * Math.sqrt(8192)),
    roundBf16(0.010009765625 * Math.sqrt(8192)),
  ]);
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});

function roundBf16(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] = ((u[0]! + 0x7fff + ((u[0]! >>> 16) & 1)) >>> 16) << 16;
  return f[0]!;
}
