import assert from "node:assert/strict";
import { join } from "node:path";
import { UnsupportedModelError } from "./errors.ts";
import { parseModelConfig } from "./model_config.ts";
import { countParameters } from "./model_tensors.ts";
import { ropeInverseFrequencies } from "./rope.ts";

const FIXTURES = new URL("../../tests/fixtures/safetensors/", import.meta.url).pathname;
const MODELS = ["llama", "llama-tied-sharded", "mistral", "gemma", "gemma2"];
const read = async (name: string, file: string) => JSON.parse(await Deno.readTextFile(join(FIXTURES, name, file)));

function unsupported(config: Record<string, unknown>, field: string, pattern: RegExp): void {
  assert.throws(() => parseModelConfig(config, { name: "m" }), (error: unknown) => {
    assert.ok(error instanceof UnsupportedModelError, `an UnsupportedModelError, got ${error}`);
    assert.equal(error.field, field);
    assert.ok(error.message.startsWith(`Cannot build model "m": config.json field "${field}" `), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("parseModelConfig() reads the four fixture architectures with their distinguishing settings", async () => {
  const llama = parseModelConfig(await read("llama", "config.json"));
  assert.deepEqual(
    [llama.architecture, llama.numKvHeads, llama.headDim, llama.attentionBias, llama.rope.scaling.type],
    ["LlamaForCausalLM", 2, 32, true, "llama3"],
  );
  const tied = parseModelConfig(await read("llama-tied-sharded", "config.json"));
  assert.deepEqual([tied.tieWordEmbeddings, tied.numKvHeads, tied.headDim, tied.rope.scaling], [true, 3, 16, {
    type: "linear",
    factor: 2,
  }]);
  const mistral = parseModelConfig(await read("mistral", "config.json"));
  assert.deepEqual([mistral.architecture, mistral.slidingWindows], ["MistralForCausalLM", [8, 8]]);
  const gemma = parseModelConfig(await read("gemma", "config.json"));
  assert.deepEqual(
    [gemma.activation, gemma.scaleEmbeddings, gemma.normPlusOne, gemma.tieWordEmbeddings, gemma.attnSoftcap],
    ["gelu_tanh", true, true, true, 0],
  );
  const gemma2 = parseModelConfig(await read("gemma2", "config.json"));
  assert.deepEqual([gemma2.slidingWindows, gemma2.attnSoftcap, gemma2.finalSoftcap, gemma2.sandwichNorms], [
    [6, 0, 6],
    2,
    3,
    true,
  ]);
  assert.equal(gemma2.attentionScale, 1 / Math.sqrt(24), "query_pre_attn_scalar, not head_dim");
});

Deno.test("countParameters() equals PyTorch's parameter count of every fixture (tied weights once)", async () => {
  for (const name of MODELS) {
    assert.equal(
      countParameters(parseModelConfig(await read(name, "config.json"))),
      (await read(name, "reference.json")).parameters,
      name,
    );
  }
});

Deno.test("parseModelConfig() applies the transformers defaults of missing fields", () => {
  const mistral = parseModelConfig({ model_type: "mistral" });
  assert.deepEqual([mistral.hiddenSize, mistral.numKvHeads, mistral.headDim, mistral.slidingWindows[0]], [
    4096,
    8,
    128,
    4096,
  ]);
  assert.deepEqual(parseModelConfig({ model_type: "mistral", sliding_window: null }).slidingWindows[0], 0);
  const gemma2 = parseModelConfig({ model_type: "gemma2", num_hidden_layers: 4 });
  assert.deepEqual([gemma2.attnSoftcap, gemma2.finalSoftcap, gemma2.slidingWindows], [50, 30, [4096, 0, 4096, 0]]);
  const layered = parseModelConfig({
    model_type: "gemma2",
    num_hidden_layers: 2,
    sliding_window: 512,
    layer_types: ["full_attention", "sliding_attention"],
  });
  assert.deepEqual(layered.slidingWindows, [0, 512]);
  assert.equal(parseModelConfig({ model_type: "gemma", hidden_activation: null }).activation, "gelu_tanh");
  assert.equal(parseModelConfig({ model_type: "llama" }).tieWordEmbeddings, false);
});

Deno.test("parseModelConfig() names the field of an unsupported architecture or value", () => {
  unsupported({ model_type: "phi3" }, "model_type", /is "phi3"; supported: "llama", "mistral", "gemma", "gemma2"/);
  unsupported({}, "model_type", /is null/);
  unsupported(
    { model_type: "llama", rope_scaling: { rope_type: "yarn", factor: 4 } },
    "rope_scaling.rope_type",
    /"yarn"/,
  );
  unsupported(
    { model_type: "llama", rope_scaling: { type: "dynamic", factor: 2 } },
    "rope_scaling.rope_type",
    /"dynamic"/,
  );
  unsupported(
    { model_type: "llama", rope_scaling: { rope_type: "llama3", factor: 8 } },
    "rope_scaling.low_freq_factor",
    /null/,
  );
  unsupported({ model_type: "llama", hidden_act: "mish" }, "hidden_act", /is "mish"; supported: "silu"/);
  unsupported(
    { model_type: "llama", num_attention_heads: 6, num_key_value_heads: 4 },
    "num_key_value_heads",
    /does not divide/,
  );
  unsupported({ model_type: "llama", hidden_size: 0 }, "hidden_size", /expected a positive integer/);
  unsupported(
    { model_type: "llama", quantization_config: { quant_method: "gptq" } },
    "quantization_config",
    /quantized/,
  );
  unsupported({ model_type: "llama", partial_rotary_factor: 0.5 }, "partial_rotary_factor", /only 1/);
  unsupported({ model_type: "llama", sliding_window: 4096 }, "sliding_window", /no sliding window/);
  unsupported(
    { model_type: "gemma2", num_hidden_layers: 2, layer_types: ["full_attention", "chunked"] },
    "layer_types.1",
    /"chunked"/,
  );
  unsupported({ model_type: "mistral", tie_word_embeddings: "yes" }, "tie_word_embeddings", /expected true or false/);
});

Deno.test("ropeInverseFrequencies() equals PyTorch's inv_freq for default, linear and llama3 scaling", async () => {
  for (const name of MODELS) {
    const arch = parseModelConfig(await read(name, "config.json"));
    const expected: number[] = (await read(name, "reference.json")).inv_freq;
    const actual = ropeInverseFrequencies(arch.rope, arch.headDim);
    assert.equal(actual.length, expected.length);
    actual.forEach((x, i) => {
      const relative = Math.abs(x - expected[i]!) / expected[i]!;
      assert.ok(
        relative <= 2.4e-7,
        `${name} inv_freq[${i}] = ${x}, PyTorch ${expected[i]} (${arch.rope.scaling.type})`,
      );
    });
  }
});
