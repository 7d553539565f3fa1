/**
 * Scores one model in this process: the loss of each sample is the mean of
 * `-log p(r_j | c ++ r_<j)` over its reference tokens, the model's loss the
 * unweighted mean over samples. Any failure of the model (bad graph,
 * vocabulary mismatch, runtime error) gives loss `Infinity` and an `error`,
 * never an exception; a failure of the validator's own side (the device, a
 * tokenizer it gave, a denied path, a full disk) throws, so it never becomes
 * a miner's score. Use `scoreInSubprocess` to isolate untrusted models.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { DataType, type Model, type ValueInfo } from "../onnx/mod.ts";
import { getLog } from "../log/mod.ts";
import { type BatchTensors, buildBatch, type Padding, planBatches, type TokenizedSample } from "./batching.ts";
import { type ChatTokenizer, loadChatTokenizer } from "../eval/chat_tokenizer.ts";
import { type Device, resolveDevice } from "./device.ts";
import { LABELS_INPUT, LOGPROB_OUTPUT, POSITIONS_INPUT } from "./logprob_head.ts";
import type { ModelSource } from "../onnx/model_source.ts";
import { openModelDir } from "./open_model_dir.ts";
import type { ModelConstraints } from "../checkpoint/check_model_constraints.ts";
import type { Sample } from "../eval/samples.ts";
import { findDenial, ModelError } from "../errors/mod.ts";
import { disableOrtTelemetry } from "./ort_telemetry.ts";
import { ScoreRuntimeError } from "./score_error.ts";
import { needsTokenizer, tokenizeSamples } from "./tokenize_samples.ts";
import { prepareWrappedGraph } from "./wrapped_graph.ts";

/** One sample's result. */
export interface SampleScore {
  /** Mean negative log-likelihood of the reference tokens (nats). */
  readonly loss: number;
  /** Tokens the model saw for this sample (context + reference). */
  readonly tokens: number;
  /** Log-probability of each reference token, when asked for. */
  readonly logprobs?: readonly number[];
}

/** The result of scoring one model. */
export interface ScoreReport {
  /** The model directory (or source dir). */
  readonly model: string;
  /** The device used (`cpu`, `cuda:0`), or the one asked for when it failed early. */
  readonly device: string;
  /** Mean of the samples' losses; `Infinity` when the model failed. */
  readonly loss: number;
  /** Per-sample results (empty when the model failed). */
  readonly samples: readonly SampleScore[];
  /** Real (unpadded) tokens per second of the inference phase. */
  readonly tokensPerSecond: number;
  /** Wall time of the whole call, seconds. */
  readonly seconds: number;
  /** Why the loss is `Infinity`. */
  readonly error?: string;
}

/** Options of {@linkcode scoreModel}. */
export interface ScoreModelOptions {
  /** Scoring cache: the wrapped graphs (the only place scoring writes). */
  cacheDir: string;
  /** Tokenizer directory that overrides the model's own. @default the model directory */
  tokenizerDir?: string;
  /** `auto`, `cpu`, `cuda`, `cuda:N`, or a resolved device. @default "auto" */
  device?: string | Device;
  /** Token budget of one batch (rows × padded length). @default 2048 on the CPU, 16384 on CUDA */
  batchTokens?: number;
  /** Padding side; `left` needs a `position_ids` input (otherwise right is used). @default "right" */
  padding?: Padding;
  /** ONNX Runtime intra-op threads. @default ORT's choice (physical cores) */
  threads?: number;
  /** Compute the LM head only at the scored positions when the graph allows it (see `addLogProbHead`). @default true */
  selectHead?: boolean;
  /** Return each sample's per-token log-probs. @default false */
  logprobs?: boolean;
  /** Called after each batch with real tokens done and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Competition constraints a safetensors checkpoint must meet before a graph is built (parameter count,
   * architecture, weight norms); a failure scores Infinity with the numbers. @default no checks
   */
  constraints?: ModelConstraints;
  /** Stops between batches; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Default token budget of a batch by device kind. On the CPU, batches beyond
 * a few thousand padded tokens were slower (bench: 2048 ≈ batch size 1 >
 * 4096 > 8192); GPUs want large batches.
 */
export const DEFAULT_BATCH_TOKENS = { cpu: 2048, cuda: 16384 } as const;

/**
 * Scores a model (a directory with an ONNX export or a safetensors checkpoint, or a {@linkcode ModelSource}).
 *
 * @throws {RangeError} for bad options; rejects with the signal's reason when aborted.
 * Model failures do not throw: they give `loss: Infinity` and `error`.
 */
export async function scoreModel(
  model: string | ModelSource,
  samples: readonly Sample[],
  options: ScoreModelOptions,
): Promise<ScoreReport> {
  const started = performance.now();
  const budget = options.batchTokens;
  if (budget !== undefined && (!Number.isSafeInteger(budget) || budget < 1)) {
    throw new RangeError(`Bad batch token budget ${budget}`);
  }
  if (samples.length === 0) throw new RangeError("Cannot score a model on zero samples");
  const name = typeof model === "string" ? model : model.dir;
  const log = getLog("score").with({ model: name });
  let deviceName = typeof options.device === "object" ? options.device.name : options.device ?? "auto";
  let session: ort.InferenceSession | undefined;
  try {
    // The device is the validator's: resolved first, so that a broken one fails before any model is judged.
    const device = typeof options.device === "object" ? options.device : await resolveScoringDevice(options.device);
    deviceName = device.name;
    // A directory with an ONNX export opens as is; a safetensors checkpoint gets a graph built over it.
    const source = typeof model === "string"
      ? await openModelDir(model, {
        cacheDir: options.cacheDir,
        device,
        ...(options.constraints ? { constraints: options.constraints } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })
      : model;
    let tokenizer: ChatTokenizer | undefined;
    if (needsTokenizer(samples)) tokenizer = await loadTokenizer(source.dir, options.tokenizerDir);
    const tokenized = tokenizeSamples(samples, tokenizer);
    checkVocabulary(source, tokenized);
    const graph = await prepareWrappedGraph(source, options.cacheDir, { select: options.selectHead ?? true });
    log.debug("Wrapped graph ready", { cache: graph.cacheEntry, cached: graph.cached, weights: graph.folder });
    try {
      disableOrtTelemetry();
      session = await ort.InferenceSession.create(graph.bytes, {
        // External data resolves against the weights' real folder (see wrapped_graph.ts).
        extra: { session: { model_external_initializers_file_folder_path: graph.folder } },
        executionProviders: device.executionProviders.map((p) => typeof p === "string" ? p : { ...p }),
        graphOptimizationLevel: "all",
        logSeverityLevel: 3,
        ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
      });
    } catch (error) {
      throw new ModelError(`Cannot load the model into ONNX Runtime: ${firstLines(error)}`, { cause: error });
    }
    const feeder = new Feeder(graph.model, source.config, options.padding ?? "right");
    const batchTokens = budget ?? (device.name === "cpu" ? DEFAULT_BATCH_TOKENS.cpu : DEFAULT_BATCH_TOKENS.cuda);
    const total = tokenized.reduce((n, s) => n + s.contextIds.length + s.referenceIds.length, 0);
    const results: SampleScore[] = new Array(tokenized.length);
    const runStart = performance.now();
    let done = 0;
    for (const plan of planBatches(tokenized.map((s) => s.contextIds.length + s.referenceIds.length), batchTokens)) {
      options.signal?.throwIfAborted();
      const batch = buildBatch(tokenized, plan, feeder.padding);
      let out: Float32Array;
      try {
        const outputs = await session.run(feeder.feeds(batch));
        out = outputs[LOGPROB_OUTPUT]!.data as Float32Array;
      } catch (error) {
        throw new ModelError(`Cannot run the model on a batch of ${batch.rows}×${batch.length}: ${firstLines(error)}`, {
          cause: error,
        });
      }
      let offset = 0;
      plan.indices.forEach((index, row) => {
        const span = batch.spans[row]!;
        const start = feeder.selected ? offset : span.start;
        offset += span.count;
        const lp = Array.from(out.subarray(start, start + span.count));
        let sum = 0;
        for (const x of lp) sum -= x;
        const s = tokenized[index]!;
        const loss = sum / span.count;
        if (Number.isNaN(loss)) throw new ModelError(`The model produced NaN log-probabilities for sample ${index}`);
        results[index] = {
          loss,
          tokens: s.contextIds.length + s.referenceIds.length,
          ...(options.logprobs ? { logprobs: lp } : {}),
        };
        done += s.contextIds.length + s.referenceIds.length;
      });
      options.onProgress?.(done, total);
    }
    const runSeconds = (performance.now() - runStart) / 1000;
    const loss = results.reduce((sum, r) => sum + r.loss, 0) / results.length;
    return {
      model: name,
      device: deviceName,
      loss,
      samples: results,
      tokensPerSecond: runSeconds > 0 ? total / runSeconds : 0,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (isValidatorFault(error)) throw error;
    if (!(error instanceof ModelError)) log.debug("Scoring failed", { error: String(error) });
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`Model scores Infinity: ${message}`);
    return {
      model: name,
      device: deviceName,
      loss: Infinity,
      samples: [],
      tokensPerSecond: 0,
      seconds: (performance.now() - started) / 1000,
      error: message,
    };
  } finally {
    await session?.release().catch(() => {});
  }
}

/**
 * Whether a failure is the validator's own (the device, a path its
 * permission set denies, a full disk) rather than the model's.
 */
export function isValidatorFault(error: unknown): boolean {
  if (error instanceof ScoreRuntimeError) return true;
  if (findDenial(error) !== undefined || error instanceof Deno.errors.PermissionDenied) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || /No space left on device/.test(String(error));
}

async function resolveScoringDevice(device: string | undefined): Promise<Device> {
  try {
    return await resolveDevice(device);
  } catch (error) {
    if (error instanceof TypeError) throw new ScoreRuntimeError(error.message, { cause: error });
    throw error;
  }
}

/** The model's own tokenizer (its failure is the model's), or the one the caller gave (its failure is ours). */
async function loadTokenizer(modelDir: string, tokenizerDir: string | undefined): Promise<ChatTokenizer> {
  if (tokenizerDir === undefined) return await loadChatTokenizer(modelDir);
  try {
    return await loadChatTokenizer(tokenizerDir);
  } catch (error) {
    if (isValidatorFault(error)) throw error;
    throw new ScoreRuntimeError(
      `Cannot load the tokenizer "${tokenizerDir}" every model is scored with: ${(error as Error).message}`,
      { cause: error, hint: "Check --tokenizer (or the competition tokenizer in the HF cache): it is the validator's" },
    );
  }
}

function firstLines(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 3).join(" ");
}

/** The model's vocabulary size: the logits' static last dim, else `config.json`'s `vocab_size`. */
export function vocabularySize(source: ModelSource): number | undefined {
  const logits = source.model.graph.output.find((o) => o.name === "logits");
  const dims = logits?.type?.tensorType?.shape;
  const fromGraph = dims?.[dims.length - 1]?.dimValue;
  const fromConfig = typeof source.config.vocab_size === "number" ? source.config.vocab_size : undefined;
  if (fromGraph !== undefined && fromConfig !== undefined && fromGraph !== fromConfig) {
    throw new ModelError(
      `Vocabulary mismatch: config.json says vocab_size ${fromConfig} but the graph's logits have ${fromGraph}`,
    );
  }
  return fromGraph ?? fromConfig;
}

function checkVocabulary(source: ModelSource, samples: readonly TokenizedSample[]): void {
  const vocab = vocabularySize(source);
  if (vocab === undefined) return;
  samples.forEach((s, i) => {
    for (const id of [...s.contextIds, ...s.referenceIds]) {
      if (id >= vocab) {
        throw new ModelError(
          `Vocabulary mismatch: sample ${i} has token id ${id} but the model's vocabulary has ${vocab} tokens`,
          { hint: "The samples' tokenizer does not fit this model" },
        );
      }
    }
  });
}

type TensorType = "int32" | "int64" | "float32" | "float16" | "bool";

const TYPES: Readonly<Record<number, TensorType>> = {
  [DataType.INT32]: "int32",
  [DataType.INT64]: "int64",
  [DataType.FLOAT]: "float32",
  [DataType.FLOAT16]: "float16",
  [DataType.BOOL]: "bool",
};

/** Builds the feeds of a batch for the wrapped graph's inputs. */
class Feeder {
  readonly padding: Padding;
  /** Whether the head is computed at selected positions only (`positions` input). */
  readonly selected: boolean;
  readonly #inputs: readonly ValueInfo[];
  readonly #config: Readonly<Record<string, unknown>>;

  constructor(model: Model, config: Readonly<Record<string, unknown>>, padding: Padding) {
    this.#inputs = model.graph.input;
    this.#config = config;
    const hasPositions = this.#inputs.some((v) => v.name === "position_ids");
    if (padding === "left" && !hasPositions) {
      getLog("score").warn("Left padding needs a position_ids input; this graph has none, so right padding is used");
    }
    this.padding = padding === "left" && hasPositions ? "left" : "right";
    this.selected = this.#inputs.some((v) => v.name === POSITIONS_INPUT);
    for (const v of this.#inputs) this.#typeOf(v);
  }

  #typeOf(v: ValueInfo): TensorType {
    const elem = v.type?.tensorType?.elemType;
    const type = elem === undefined ? undefined : TYPES[elem];
    if (type === undefined) throw new ModelError(`Input "${v.name}" has an unsupported element type ${elem}`);
    return type;
  }

  feeds(batch: BatchTensors): Record<string, ort.Tensor> {
    const dims = [batch.rows, batch.length];
    const feeds: Record<string, ort.Tensor> = {};
    for (const v of this.#inputs) {
      const type = this.#typeOf(v);
      const ids = (data: Int32Array) => intTensor(type, data, dims, v.name);
      switch (v.name) {
        case "input_ids":
          feeds[v.name] = ids(batch.inputIds);
          break;
        case "attention_mask":
          feeds[v.name] = ids(batch.attentionMask);
          break;
        case "position_ids":
          feeds[v.name] = ids(batch.positionIds);
          break;
        case LABELS_INPUT:
          feeds[v.name] = this.selected
            ? new ort.Tensor("int32", selectedLabels(batch), [selectedCount(batch)])
            : ids(batch.labels);
          break;
        case POSITIONS_INPUT:
          feeds[v.name] = new ort.Tensor("int64", selectedPositions(batch), [selectedCount(batch)]);
          break;
        case "token_type_ids":
          feeds[v.name] = ids(new Int32Array(batch.rows * batch.length));
          break;
        case "use_cache_branch":
          feeds[v.name] = new ort.Tensor("bool", new Uint8Array(1), [1]);
          break;
        default:
          if (!/past/.test(v.name)) {
            throw new ModelError(`The graph has an input "${v.name}" that the scorer cannot fill`);
          }
          feeds[v.name] = this.#emptyPast(v, type, batch.rows);
      }
    }
    return feeds;
  }

  /** An empty past (`[batch, kv_heads, 0, head_dim]`) for `past_key_values.*` inputs. */
  #emptyPast(v: ValueInfo, type: TensorType, rows: number): ort.Tensor {
    const shape = v.type?.tensorType?.shape ?? [];
    const c = this.#config;
    const heads = Number(c.num_key_value_heads ?? c.num_attention_heads ?? c.n_head ?? 0);
    const hidden = Number(c.hidden_size ?? c.n_embd ?? 0);
    const headDim = Number(c.head_dim ?? (heads > 0 ? hidden / Number(c.num_attention_heads ?? c.n_head ?? heads) : 0));
    const dims = shape.map((d, i) => {
      if (d.dimValue !== undefined) return d.dimValue;
      if (i === 0) return rows;
      if (i === 1 && shape.length === 4) return heads;
      if (i === 3 && shape.length === 4) return headDim;
      return 0;
    });
    if (shape.length === 4 && shape[2]?.dimValue === undefined) dims[2] = 0;
    if (!dims.includes(0)) throw new ModelError(`Cannot give input "${v.name}" an empty past: its shape is static`);
    if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new ModelError(
        `Cannot shape the empty past "${v.name}": set num_key_value_heads and head_dim in config.json`,
      );
    }
    const data = type === "float16" ? new Uint16Array(0) : type === "float32" ? new Float32Array(0) : new Int32Array(0);
    return new ort.Tensor(type, data, dims);
  }
}

function intTensor(type: TensorType, data: Int32Array, dims: number[], name: string): ort.Tensor {
  if (type === "int32") return new ort.Tensor("int32", data, dims);
  if (type === "int64") return new ort.Tensor("int64", BigInt64Array.from(data, (x) => BigInt(x)), dims);
  throw new ModelError(`Input "${name}" must be int32 or int64, not ${type}`);
}

function selectedCount(batch: BatchTensors): number {
  return batch.spans.reduce((n, s) => n + s.count, 0);
}

/** Flat indices of the scored positions, span after span. */
function selectedPositions(batch: BatchTensors): BigInt64Array {
  const out = new BigInt64Array(selectedCount(batch));
  let k = 0;
  for (const span of batch.spans) for (let j = 0; j < span.count; j++) out[k++] = BigInt(span.start + j);
  return out;
}

/** The labels at the scored positions, span after span. */
function selectedLabels(batch: BatchTensors): Int32Array {
  const out = new Int32Array(selectedCount(batch));
  let k = 0;
  for (const span of batch.spans) for (let j = 0; j < span.count; j++) out[k++] = batch.labels[span.start + j]!;
  return out;
}
