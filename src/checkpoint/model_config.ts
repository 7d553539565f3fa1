/**
 * Reads a transformers `config.json` into the few numbers the graph builder
 * needs, for the four decoder layouts that pass SN37's checks: Llama, Mistral,
 * Gemma and Gemma2. Missing fields take the transformers class defaults; the
 * architecture comes from `model_type`, as `AutoModelForCausalLM` picks it.
 * Anything the builder cannot reproduce exactly is refused with the field named.
 *
 * @module
 */
import { UnsupportedModelError } from "./errors.ts";

/** The supported model families (`model_type`). */
export type ModelFamily = "llama" | "mistral" | "gemma" | "gemma2";

/** The causal-LM class transformers instantiates for each family. */
export const ARCHITECTURE_OF: Readonly<Record<ModelFamily, string>> = {
  llama: "LlamaForCausalLM",
  mistral: "MistralForCausalLM",
  gemma: "GemmaForCausalLM",
  gemma2: "Gemma2ForCausalLM",
};

/** MLP activation functions. */
export type Activation = "silu" | "gelu" | "gelu_tanh" | "relu";

/** Rotary embedding settings. */
export interface RopeSettings {
  /** `rope_theta`. */
  readonly theta: number;
  /** `rope_scaling`, normalized. */
  readonly scaling:
    | { readonly type: "default" }
    | { readonly type: "linear"; readonly factor: number }
    | {
      readonly type: "llama3";
      readonly factor: number;
      readonly lowFreqFactor: number;
      readonly highFreqFactor: number;
      readonly originalMaxPositionEmbeddings: number;
    };
}

/** A weight dtype name as transformers writes `torch_dtype`. */
export type TorchDtype = "float32" | "float16" | "bfloat16";

/** Everything the builder needs from config.json. */
export interface ModelArch {
  /** The transformers class (`LlamaForCausalLM`, ...). */
  readonly architecture: string;
  readonly family: ModelFamily;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly rmsNormEps: number;
  readonly activation: Activation;
  readonly rope: RopeSettings;
  readonly tieWordEmbeddings: boolean;
  readonly attentionBias: boolean;
  readonly mlpBias: boolean;
  /** Sliding-window size per layer (keys a query sees, itself included), 0 for full attention. */
  readonly slidingWindows: readonly number[];
  /** Gemma2 `attn_logit_softcapping` (0 = none). */
  readonly attnSoftcap: number;
  /** Gemma2 `final_logit_softcapping` (0 = none). */
  readonly finalSoftcap: number;
  /** Multiplier of q·k before softmax. */
  readonly attentionScale: number;
  /** Gemma: the embeddings are multiplied by √hidden_size. */
  readonly scaleEmbeddings: boolean;
  /** Gemma: RMSNorm multiplies by (1 + w) instead of w. */
  readonly normPlusOne: boolean;
  /** Gemma2: post-attention and pre/post feed-forward norms around each block. */
  readonly sandwichNorms: boolean;
  /** `torch_dtype` (or `dtype`) when config.json names one. */
  readonly torchDtype: TorchDtype | undefined;
}

type Json = Readonly<Record<string, unknown>>;

const DEFAULTS: Readonly<Record<ModelFamily, Json>> = {
  llama: {
    vocab_size: 32000,
    hidden_size: 4096,
    intermediate_size: 11008,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    hidden_act: "silu",
    rms_norm_eps: 1e-6,
    tie_word_embeddings: false,
    rope_theta: 10000,
  },
  mistral: {
    vocab_size: 32000,
    hidden_size: 4096,
    intermediate_size: 14336,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    hidden_act: "silu",
    rms_norm_eps: 1e-6,
    tie_word_embeddings: false,
    rope_theta: 10000,
    sliding_window: 4096,
  },
  gemma: {
    vocab_size: 256000,
    hidden_size: 3072,
    intermediate_size: 24576,
    num_hidden_layers: 28,
    num_attention_heads: 16,
    num_key_value_heads: 16,
    head_dim: 256,
    rms_norm_eps: 1e-6,
    tie_word_embeddings: true,
    rope_theta: 10000,
  },
  gemma2: {
    vocab_size: 256000,
    hidden_size: 2304,
    intermediate_size: 9216,
    num_hidden_layers: 26,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 256,
    hidden_activation: "gelu_pytorch_tanh",
    rms_norm_eps: 1e-6,
    tie_word_embeddings: true,
    rope_theta: 10000,
    query_pre_attn_scalar: 256,
    sliding_window: 4096,
    final_logit_softcapping: 30,
    attn_logit_softcapping: 50,
  },
};

const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  silu: "silu",
  swish: "silu",
  gelu: "gelu",
  "gelu_pytorch_tanh": "gelu_tanh",
  "gelu_new": "gelu_tanh",
  "gelu_fast": "gelu_tanh",
  relu: "relu",
};

/** Options of {@linkcode parseModelConfig}. */
export interface ParseModelConfigOptions {
  /** Name of the model for error messages. @default "model" */
  name?: string;
}

/**
 * Normalizes a config.json object.
 *
 * @throws {UnsupportedModelError} naming the field, for unsupported
 * architectures and values
 */
export function parseModelConfig(config: Json, options: ParseModelConfigOptions = {}): ModelArch {
  const name = options.name ?? "model";
  const unsupported = (field: string, what: string): never => {
    throw new UnsupportedModelError(`Cannot build model "${name}": config.json field "${field}" ${what}`, {
      field,
      hint: "Only Llama, Mistral, Gemma and Gemma2 checkpoints in standard transformers form can be scored",
    });
  };
  const modelType = config.model_type;
  if (typeof modelType !== "string" || !(modelType in DEFAULTS)) {
    unsupported(
      "model_type",
      `is ${JSON.stringify(modelType ?? null)}; supported: "llama", "mistral", "gemma", "gemma2"`,
    );
  }
  const family = modelType as ModelFamily;
  const defaults = DEFAULTS[family];
  const get = (field: string): unknown => config[field] ?? defaults[field];
  const int = (field: string, fallback?: number): number => {
    const value = get(field) ?? fallback;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
      unsupported(field, `is ${JSON.stringify(value ?? null)}, expected a positive integer`);
    }
    return value as number;
  };
  const num = (field: string, fallback?: number): number => {
    const value = get(field) ?? fallback;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      unsupported(field, `is ${JSON.stringify(value ?? null)}, expected a number`);
    }
    return value as number;
  };
  const bool = (field: string, fallback: boolean): boolean => {
    const value = get(field) ?? fallback;
    if (typeof value !== "boolean") unsupported(field, `is ${JSON.stringify(value)}, expected true or false`);
    return value as boolean;
  };

  if (config.quantization_config != null) {
    unsupported("quantization_config", "is set; quantized weights are not supported");
  }
  const partial = config.partial_rotary_factor;
  if (partial != null && partial !== 1) {
    unsupported("partial_rotary_factor", `is ${JSON.stringify(partial)}, only 1 is supported`);
  }

  const hiddenSize = int("hidden_size");
  const numHeads = int("num_attention_heads");
  const numKvHeads = int("num_key_value_heads", numHeads);
  if (numHeads % numKvHeads !== 0) {
    unsupported("num_key_value_heads", `is ${numKvHeads}, which does not divide num_attention_heads ${numHeads}`);
  }
  const headDim = int("head_dim", Math.floor(hiddenSize / numHeads));
  const numLayers = int("num_hidden_layers");

  let activationName: unknown;
  let activationField: string;
  if (family === "gemma" || family === "gemma2") {
    activationField = "hidden_activation";
    activationName = get("hidden_activation") ?? "gelu_pytorch_tanh";
  } else {
    activationField = "hidden_act";
    activationName = get("hidden_act");
  }
  const activation = ACTIVATIONS[String(activationName)];
  if (typeof activationName !== "string" || !activation) {
    unsupported(
      activationField,
      `is ${JSON.stringify(activationName ?? null)}; supported: ${
        Object.keys(ACTIVATIONS).map((a) => `"${a}"`).join(", ")
      }`,
    );
  }

  const slidingWindows = layerWindows(family, config, defaults, numLayers, unsupported);
  const isGemma2 = family === "gemma2";
  const softcap = (field: string): number => {
    if (!isGemma2) return 0;
    const value = get(field);
    if (value == null) return 0;
    if (typeof value !== "number" || !(value > 0)) {
      unsupported(field, `is ${JSON.stringify(value)}, expected a positive number`);
    }
    return value as number;
  };
  const scaleBase = isGemma2 ? num("query_pre_attn_scalar") : headDim;
  if (!(scaleBase > 0)) unsupported(isGemma2 ? "query_pre_attn_scalar" : "head_dim", "must be positive");

  if (family === "mistral" && config.attention_bias === true) {
    unsupported("attention_bias", "is true; Mistral has no biases");
  }
  const dtype = config.torch_dtype ?? config.dtype;
  const torchDtype = dtype === "float32" || dtype === "float16" || dtype === "bfloat16" ? dtype : undefined;

  return {
    architecture: ARCHITECTURE_OF[family],
    family,
    vocabSize: int("vocab_size"),
    hiddenSize,
    intermediateSize: int("intermediate_size"),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps: num("rms_norm_eps"),
    activation: activation!,
    rope: { theta: num("rope_theta"), scaling: ropeScaling(config.rope_scaling, unsupported) },
    tieWordEmbeddings: bool("tie_word_embeddings", false),
    attentionBias: family === "mistral" ? false : bool("attention_bias", false),
    mlpBias: family === "llama" ? bool("mlp_bias", false) : false,
    slidingWindows,
    attnSoftcap: softcap("attn_logit_softcapping"),
    finalSoftcap: softcap("final_logit_softcapping"),
    attentionScale: 1 / Math.sqrt(scaleBase),
    scaleEmbeddings: family === "gemma" || isGemma2,
    normPlusOne: family === "gemma" || isGemma2,
    sandwichNorms: isGemma2,
    torchDtype,
  };
}

function layerWindows(
  family: ModelFamily,
  config: Json,
  defaults: Json,
  numLayers: number,
  unsupported: (field: string, what: string) => never,
): number[] {
  if (family === "llama" || family === "gemma") {
    if (config.sliding_window != null && family === "llama") {
      unsupported("sliding_window", "is set; LlamaForCausalLM has no sliding window");
    }
    return Array(numLayers).fill(0);
  }
  const raw = "sliding_window" in config ? config.sliding_window : defaults.sliding_window;
  let window = 0;
  if (raw != null) {
    if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw <= 0) {
      unsupported("sliding_window", `is ${JSON.stringify(raw)}, expected a positive integer or null`);
    }
    window = raw as number;
  }
  if (family === "mistral") return Array(numLayers).fill(window);
  const types = config.layer_types;
  if (types != null) {
    if (!Array.isArray(types) || types.length !== numLayers) {
      unsupported("layer_types", `must list one attention type for each of the ${numLayers} layers`);
    }
    return (types as unknown[]).map((type, i) => {
      if (type === "full_attention") return 0;
      if (type === "sliding_attention") return window;
      return unsupported(
        `layer_types.${i}`,
        `is ${JSON.stringify(type)}; supported: "sliding_attention", "full_attention"`,
      );
    });
  }
  // transformers' Gemma2: even layers (0, 2, ...) use the sliding window.
  return Array.from({ length: numLayers }, (_, i) => i % 2 === 0 ? window : 0);
}

function ropeScaling(value: unknown, unsupported: (field: string, what: string) => never): RopeSettings["scaling"] {
  if (value == null) return { type: "default" };
  if (typeof value !== "object" || Array.isArray(value)) unsupported("rope_scaling", "is not an object or null");
  const scaling = value as Record<string, unknown>;
  const type = scaling.rope_type ?? scaling.type;
  const number = (key: string): number => {
    const v = scaling[key];
    if (typeof v !== "number" || !(v > 0)) {
      unsupported(`rope_scaling.${key}`, `is ${JSON.stringify(v ?? null)}, expected a positive number`);
    }
    return v as number;
  };
  switch (type) {
    case "default":
      return { type: "default" };
    case "linear":
      return { type: "linear", factor: number("factor") };
    case "llama3": {
      const lowFreqFactor = number("low_freq_factor");
      const highFreqFactor = number("high_freq_factor");
      if (highFreqFactor <= lowFreqFactor) {
        unsupported(
          "rope_scaling.high_freq_factor",
          `is ${highFreqFactor}, must exceed low_freq_factor ${lowFreqFactor}`,
        );
      }
      return {
        type: "llama3",
        factor: number("factor"),
        lowFreqFactor,
        highFreqFactor,
        originalMaxPositionEmbeddings: number("original_max_position_embeddings"),
      };
    }
    default:
      return unsupported(
        "rope_scaling.rope_type",
        `is ${JSON.stringify(type ?? null)}; supported: "default", "linear", "llama3"`,
      );
  }
}
