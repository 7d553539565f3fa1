/**
 * Builds an ONNX causal-LM graph from a safetensors checkpoint. The weights
 * stay where they are: every parameter is an initializer with external data
 * pointing into its safetensors file (location = the file name, offset =
 * 8 + header length + `data_offsets[0]`, length), followed by a `Cast` to the
 * compute dtype when it differs. The math follows transformers' Llama,
 * Mistral, Gemma and Gemma2 modules.
 *
 * Graph contract: inputs `input_ids` and `attention_mask` (int64
 * `[batch, sequence]`), output `logits` (float32 `[batch, sequence, vocab]`).
 * With the fused attention (`gqa`) batches must be right-padded; the model's
 * `metadata_props` say so (`subvalid.padding_side`).
 *
 * @module
 */
import { DataType, externalTensor, type Model, valueInfo } from "../onnx/mod.ts";
import { AttentionEmitter, type AttentionKind } from "./_attention.ts";
import { GraphWriter } from "./_graph.ts";
import { fromFloat16Bits, roundToBfloat16, toFloat16Bits } from "./_dtype.ts";
import type { Checkpoint, CheckpointTensor } from "./checkpoint.ts";
import { type ModelArch, parseModelConfig, type TorchDtype } from "./model_config.ts";
import { countParameters, resolveTensors } from "./model_tensors.ts";
import { ropeInverseFrequencies } from "./rope.ts";

export type { AttentionKind } from "./_attention.ts";

/** Bumped whenever the graphs this module emits change (part of the build cache key). */
export const BUILDER_VERSION = "1";

/** The dtype the graph computes in. */
export type ComputeDtype = TorchDtype;

/** Options of {@linkcode buildGraph}. */
export interface BuildGraphOptions {
  /** Compute dtype: `float32` on CPU; `bfloat16` (or `float16`) for GPUs. @default "float32" */
  computeDtype?: ComputeDtype;
  /**
   * Attention form: ORT's fused `GroupQueryAttention` (used only when `head_dim` is a multiple of 16, as
   * the operator requires) or standard operators.
   * @default "gqa"
   */
  attention?: AttentionKind;
  /**
   * The dtype transformers would run the model in; Gemma's √hidden_size embedding multiplier is rounded
   * to it as transformers does (SN37 loads every model with `torch_dtype=bfloat16`).
   * @default config.json's `torch_dtype`, else the embedding weight's dtype
   */
  modelDtype?: TorchDtype;
  /** Name for error messages. @default the checkpoint directory */
  name?: string;
}

/** A built graph and what it needs beside it. */
export interface BuiltGraph {
  /** The ONNX model (no weight bytes inside). */
  readonly model: Model;
  /** The normalized config. */
  readonly arch: ModelArch;
  /** Weight file names the graph's external data refers to (relative to the checkpoint directory). */
  readonly files: readonly string[];
  /** Parameters the model owns (tied weights once), as transformers counts them. */
  readonly parameterCount: number;
  /** The attention form used. */
  readonly attention: AttentionKind;
  /** Which padding side batches must use. */
  readonly paddingSide: "right" | "any";
}

const ONNX_TYPE: Readonly<Record<string, number>> = {
  BF16: DataType.BFLOAT16,
  F16: DataType.FLOAT16,
  F32: DataType.FLOAT,
  bfloat16: DataType.BFLOAT16,
  float16: DataType.FLOAT16,
  float32: DataType.FLOAT,
};

const TORCH_DTYPE_OF: Readonly<Record<string, TorchDtype>> = { BF16: "bfloat16", F16: "float16", F32: "float32" };

/**
 * Builds the graph for a checkpoint.
 *
 * @throws {UnsupportedModelError} for unsupported architectures or config values
 * @throws {ModelFormatError} when tensors are missing or do not match the config
 */
export function buildGraph(checkpoint: Checkpoint, options: BuildGraphOptions = {}): BuiltGraph {
  const name = options.name ?? checkpoint.dir;
  const arch = parseModelConfig(checkpoint.config, { name });
  const weights = resolveTensors(arch, checkpoint.tensors, name);
  const computeDtype = options.computeDtype ?? "float32";
  // ORT's GroupQueryAttention needs head_dim to be a multiple of 16; other sizes use the plain form.
  const kind = (options.attention ?? "gqa") === "gqa" && arch.headDim % 16 === 0 ? "gqa" : "plain";
  const t = ONNX_TYPE[computeDtype]!;
  const g = new GraphWriter();
  g.reserve("input_ids");
  g.reserve("attention_mask");
  g.reserve("logits");
  const files = new Set<string>();
  const added = new Set<string>();
  const converted = new Map<string, string>();

  /** A parameter converted to `to` (one Cast per parameter and target type). */
  const weight = (tensorName: string, to: number): string => {
    const key = `${tensorName}@${to}`;
    const done = converted.get(key);
    if (done) return done;
    const entry: CheckpointTensor = weights.get(tensorName)!;
    const from = ONNX_TYPE[entry.dtype]!;
    if (!added.has(tensorName)) {
      g.initializer(externalTensor(tensorName, entry.shape, from, entry.file, entry.fileOffset, entry.byteLength));
      added.add(tensorName);
      files.add(entry.file);
    }
    const value = g.cast(tensorName, from, to);
    converted.set(key, value);
    return value;
  };
  /** `x @ W^T (+ b)` for a transformers `nn.Linear` stored as `[out, in]`. */
  const linear = (x: string, prefix: string, bias: boolean): string => {
    const key = `${prefix}.weight^T`;
    let wt = converted.get(key);
    if (!wt) {
      wt = g.op("Transpose", [weight(`${prefix}.weight`, t)], { perm: [1, 0] });
      converted.set(key, wt);
    }
    const y = g.op("MatMul", [x, wt]);
    return bias ? g.op("Add", [y, weight(`${prefix}.bias`, t)]) : y;
  };
  const rmsNorm = (x: string, weightName: string): string => {
    const x32 = g.cast(x, t, DataType.FLOAT);
    const variance = g.op("ReduceMean", [g.op("Mul", [x32, x32]), g.int64([-1])], { keepdims: 1 });
    const inv = g.op("Reciprocal", [
      g.op("Sqrt", [g.op("Add", [variance, g.scalar(arch.rmsNormEps, DataType.FLOAT)])]),
    ]);
    const normed = g.op("Mul", [x32, inv]);
    if (arch.normPlusOne) {
      // Gemma: (x̂ * (1 + w)) in float32, then back to the model dtype.
      const scale = g.op("Add", [weight(weightName, DataType.FLOAT), g.scalar(1, DataType.FLOAT)]);
      return g.cast(g.op("Mul", [normed, scale]), DataType.FLOAT, t);
    }
    // Llama: w * x̂ in the model dtype.
    return g.op("Mul", [weight(weightName, t), g.cast(normed, DataType.FLOAT, t)]);
  };
  /** The MLP activation, computed in float32 (an island for bf16/fp16 graphs: every provider has these ops in fp32). */
  const activation = (x: string): string => {
    const x32 = g.cast(x, t, DataType.FLOAT);
    let y: string;
    switch (arch.activation) {
      case "silu":
        y = g.op("Mul", [x32, g.op("Sigmoid", [x32])]);
        break;
      case "gelu":
        y = g.op("Gelu", [x32], { approximate: "none" });
        break;
      case "gelu_tanh":
        y = g.op("Gelu", [x32], { approximate: "tanh" });
        break;
      case "relu":
        y = g.op("Relu", [x32]);
        break;
    }
    return g.cast(y, DataType.FLOAT, t);
  };

  g.scope("/model");
  let h = g.op("Gather", [weight("model.embed_tokens.weight", t), "input_ids"], { axis: 0 });
  if (arch.scaleEmbeddings) {
    const modelDtype = options.modelDtype ?? arch.torchDtype ??
      TORCH_DTYPE_OF[weights.get("model.embed_tokens.weight")!.dtype]!;
    h = g.op("Mul", [h, g.scalar(roundTo(Math.sqrt(arch.hiddenSize), modelDtype), t)]);
  }
  const attention = new AttentionEmitter(g, arch, kind, t, ropeInverseFrequencies(arch.rope, arch.headDim));
  for (let l = 0; l < arch.numLayers; l++) {
    const p = `model.layers.${l}`;
    g.scope(`/model/layers.${l}`);
    let x = rmsNorm(h, `${p}.input_layernorm.weight`);
    const projected = {
      q: linear(x, `${p}.self_attn.q_proj`, arch.attentionBias),
      k: linear(x, `${p}.self_attn.k_proj`, arch.attentionBias),
      v: linear(x, `${p}.self_attn.v_proj`, arch.attentionBias),
    };
    let a = linear(attention.emit(projected, arch.slidingWindows[l]!), `${p}.self_attn.o_proj`, arch.attentionBias);
    if (arch.sandwichNorms) a = rmsNorm(a, `${p}.post_attention_layernorm.weight`);
    h = g.op("Add", [h, a]);
    x = rmsNorm(
      h,
      arch.sandwichNorms ? `${p}.pre_feedforward_layernorm.weight` : `${p}.post_attention_layernorm.weight`,
    );
    const gate = activation(linear(x, `${p}.mlp.gate_proj`, arch.mlpBias));
    let m = linear(
      g.op("Mul", [gate, linear(x, `${p}.mlp.up_proj`, arch.mlpBias)]),
      `${p}.mlp.down_proj`,
      arch.mlpBias,
    );
    if (arch.sandwichNorms) m = rmsNorm(m, `${p}.post_feedforward_layernorm.weight`);
    h = g.op("Add", [h, m]);
  }
  g.scope("/model");
  h = rmsNorm(h, "model.norm.weight");
  g.scope("/lm_head");
  const head = arch.tieWordEmbeddings ? "model.embed_tokens" : "lm_head";
  let logits = g.cast(linear(h, head, false), t, DataType.FLOAT);
  if (arch.finalSoftcap > 0) {
    const cap = g.scalar(arch.finalSoftcap, DataType.FLOAT);
    logits = g.op("Mul", [g.op("Tanh", [g.op("Div", [logits, cap])]), cap]);
  }
  g.nodes.push({ input: [logits], output: ["logits"], opType: "Identity", attribute: [] });

  const paddingSide = kind === "gqa" ? "right" : "any";
  const model: Model = {
    irVersion: 10,
    opsetImport: [{ domain: "", version: 21 }, { domain: "com.microsoft", version: 1 }],
    producerName: "subvalid-build",
    producerVersion: BUILDER_VERSION,
    graph: {
      name: arch.architecture,
      node: g.nodes,
      initializer: g.initializers,
      input: [
        valueInfo("input_ids", DataType.INT64, ["batch", "sequence"]),
        valueInfo("attention_mask", DataType.INT64, ["batch", "sequence"]),
      ],
      output: [valueInfo("logits", DataType.FLOAT, ["batch", "sequence", arch.vocabSize])],
      valueInfo: [],
    },
    metadataProps: [
      { key: "subvalid.architecture", value: arch.architecture },
      { key: "subvalid.compute_dtype", value: computeDtype },
      { key: "subvalid.attention", value: kind },
      { key: "subvalid.padding_side", value: paddingSide },
    ],
  };
  return {
    model,
    arch,
    files: [...files].sort(),
    parameterCount: countParameters(arch),
    attention: kind,
    paddingSide,
  };
}

/** Rounds a number to a dtype as `torch.tensor(x, dtype=...)` does. */
export function roundTo(value: number, dtype: TorchDtype): number {
  switch (dtype) {
    case "bfloat16":
      return roundToBfloat16(value);
    case "float16":
      return fromFloat16Bits(toFloat16Bits(value));
    case "float32":
      return Math.fround(value);
  }
}
