/**
 * The parameters a transformers model of a given config owns, with their
 * names and shapes as they appear in safetensors checkpoints, and the
 * parameter count `sum(p.numel() for p in model.parameters())` gives (tied
 * embeddings counted once).
 *
 * @module
 */
import { ModelFormatError } from "./errors.ts";
import type { ModelArch } from "./model_config.ts";
import type { CheckpointTensor } from "./checkpoint.ts";

/** A parameter the model owns. */
export interface ExpectedTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The six projections the norm check measures, by their module names. */
export const NORM_CHECK_PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"] as const;

/** One of {@linkcode NORM_CHECK_PROJECTIONS}. */
export type Projection = typeof NORM_CHECK_PROJECTIONS[number];

/** The checkpoint name of a layer's projection weight. */
export function projectionName(layer: number, projection: Projection | "gate_proj"): string {
  const block = projection === "up_proj" || projection === "down_proj" || projection === "gate_proj"
    ? "mlp"
    : "self_attn";
  return `model.layers.${layer}.${block}.${projection}.weight`;
}

/** Every parameter of the model, in module order. */
export function expectedTensors(arch: ModelArch): ExpectedTensor[] {
  const { hiddenSize: d, intermediateSize: f, numHeads, numKvHeads, headDim, vocabSize } = arch;
  const out: ExpectedTensor[] = [{ name: "model.embed_tokens.weight", shape: [vocabSize, d] }];
  const q = numHeads * headDim;
  const kv = numKvHeads * headDim;
  for (let l = 0; l < arch.numLayers; l++) {
    const p = `model.layers.${l}`;
    const linear = (name: string, outDim: number, inDim: number, bias: boolean) => {
      out.push({ name: `${p}.${name}.weight`, shape: [outDim, inDim] });
      if (bias) out.push({ name: `${p}.${name}.bias`, shape: [outDim] });
    };
    linear("self_attn.q_proj", q, d, arch.attentionBias);
    linear("self_attn.k_proj", kv, d, arch.attentionBias);
    linear("self_attn.v_proj", kv, d, arch.attentionBias);
    linear("self_attn.o_proj", d, q, arch.attentionBias);
    linear("mlp.gate_proj", f, d, arch.mlpBias);
    linear("mlp.up_proj", f, d, arch.mlpBias);
    linear("mlp.down_proj", d, f, arch.mlpBias);
    out.push({ name: `${p}.input_layernorm.weight`, shape: [d] });
    out.push({ name: `${p}.post_attention_layernorm.weight`, shape: [d] });
    if (arch.sandwichNorms) {
      out.push({ name: `${p}.pre_feedforward_layernorm.weight`, shape: [d] });
      out.push({ name: `${p}.post_feedforward_layernorm.weight`, shape: [d] });
    }
  }
  out.push({ name: "model.norm.weight", shape: [d] });
  if (!arch.tieWordEmbeddings) out.push({ name: "lm_head.weight", shape: [vocabSize, d] });
  return out;
}

/** The parameter count transformers reports for this config (tied weights once). */
export function countParameters(arch: ModelArch): number {
  return expectedTensors(arch).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}

/** Weight dtypes the builder reads. */
export const WEIGHT_DTYPES: ReadonlySet<string> = new Set(["BF16", "F16", "F32"]);

/**
 * Checks that a checkpoint holds every expected parameter with the right
 * shape and a float dtype, and returns them by name.
 *
 * @throws {ModelFormatError} naming the first missing or mismatched tensor
 */
export function resolveTensors(
  arch: ModelArch,
  tensors: ReadonlyMap<string, CheckpointTensor>,
  name: string,
): Map<string, CheckpointTensor> {
  const out = new Map<string, CheckpointTensor>();
  for (const expected of expectedTensors(arch)) {
    const tensor = tensors.get(expected.name);
    const fail = (what: string): never => {
      throw new ModelFormatError(`Cannot build model "${name}": tensor "${expected.name}" ${what}`, {
        hint: `The weights do not match config.json for ${arch.architecture}`,
      });
    };
    if (!tensor) fail("is missing from the checkpoint");
    if (!WEIGHT_DTYPES.has(tensor!.dtype)) fail(`has dtype ${tensor!.dtype}; supported: BF16, F16, F32`);
    if (tensor!.shape.length !== expected.shape.length || tensor!.shape.some((n, i) => n !== expected.shape[i])) {
      fail(`has shape [${tensor!.shape}], config.json implies [${expected.shape}]`);
    }
    out.set(expected.name, tensor!);
  }
  return out;
}
