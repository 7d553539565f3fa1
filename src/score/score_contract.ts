/**
 * The contract between the validator and a scoring worker process: one
 * versioned JSON request on the worker's stdin, one versioned JSON response
 * on its stdout. A model's failure is a report with `loss: null` and an
 * `error` (the model scores Infinity); a failure of the validator's own side
 * (no such device, a denied path, an unreadable samples or tokenizer file)
 * is `ok: false`, never a score.
 *
 * @module
 */
import type { ModelConstraints } from "../checkpoint/mod.ts";
import type { ScoreReportJson } from "./report_json.ts";

/** The contract version both sides must speak. */
export const SCORE_CONTRACT_VERSION = 1;

/** What the parent asks a worker to do. */
export interface ScoreRequest {
  readonly version: typeof SCORE_CONTRACT_VERSION;
  /** The model directory (ONNX export or safetensors checkpoint). */
  readonly modelDir: string;
  /** The samples, JSON Lines (`deno task score`'s format). */
  readonly samplesFile: string;
  /** The scoring cache (wrapped and built graphs): the only place the worker writes. */
  readonly cacheDir: string;
  /** A tokenizer directory that replaces the model's (a competition's forced tokenizer). */
  readonly tokenizerDir?: string | undefined;
  /** `auto`, `cpu`, `cuda` or `cuda:N`. */
  readonly device: string;
  /** Token budget of one batch. @default the scorer's (2048 on CPU, 16384 on CUDA) */
  readonly batchTokens?: number | undefined;
  /** Padding side. @default "right" */
  readonly padding?: "left" | "right" | undefined;
  /** ONNX Runtime intra-op threads. @default ORT's choice */
  readonly threads?: number | undefined;
  /** Check a safetensors checkpoint against these limits before building its graph. */
  readonly constraints?: ModelConstraints | undefined;
  /** The worker gives up by itself after this long (ms); the parent kills it a little earlier. */
  readonly deadlineMs: number;
  /** Lowest level the worker logs on stderr. @default "warning" */
  readonly logLevel?: "debug" | "info" | "warning" | undefined;
}

/** A failure of the validator's side, reported by the worker. */
export interface ScoreWorkerFailure {
  /** The error's class name (`ScoreRuntimeError`, `NotCapable`, …). */
  readonly name: string;
  readonly message: string;
  readonly hint?: string | undefined;
  /** The exit code the error maps to. */
  readonly exitCode: number;
}

/** What a worker answers. */
export type ScoreResponse =
  | { readonly version: typeof SCORE_CONTRACT_VERSION; readonly ok: true; readonly report: ScoreReportJson }
  | { readonly version: typeof SCORE_CONTRACT_VERSION; readonly ok: false; readonly error: ScoreWorkerFailure };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function field<T>(v: Record<string, unknown>, key: string, check: (x: unknown) => x is T, what: string): T {
  const x = v[key];
  if (!check(x)) throw new SyntaxError(`Bad score request: "${key}" must be ${what}, got ${JSON.stringify(x)}`);
  return x;
}

const isString = (x: unknown): x is string => typeof x === "string" && x !== "";
const isPositive = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x > 0;
const optional = <T>(check: (x: unknown) => x is T) => (x: unknown): x is T | undefined => x === undefined || check(x);

/**
 * Validates a request read from JSON.
 *
 * @throws {SyntaxError} naming the first bad field, or a version mismatch
 */
export function parseScoreRequest(value: unknown): ScoreRequest {
  if (!isObject(value)) throw new SyntaxError("Bad score request: not a JSON object");
  if (value.version !== SCORE_CONTRACT_VERSION) {
    throw new SyntaxError(
      `Bad score request: contract version ${
        JSON.stringify(value.version)
      }, this worker speaks ${SCORE_CONTRACT_VERSION}`,
    );
  }
  const padding = field(
    value,
    "padding",
    optional((x): x is "left" | "right" => x === "left" || x === "right"),
    '"left" or "right"',
  );
  const constraints = field(value, "constraints", optional(isObject), "an object");
  if (constraints !== undefined) {
    field(constraints, "minParameters", (x): x is number => typeof x === "number", "a number");
    field(constraints, "maxParameters", (x): x is number => typeof x === "number", "a number");
  }
  return {
    version: SCORE_CONTRACT_VERSION,
    modelDir: field(value, "modelDir", isString, "a path"),
    samplesFile: field(value, "samplesFile", isString, "a path"),
    cacheDir: field(value, "cacheDir", isString, "a path"),
    tokenizerDir: field(value, "tokenizerDir", optional(isString), "a path"),
    device: field(value, "device", isString, "a device name"),
    batchTokens: field(value, "batchTokens", optional(isPositive), "a positive integer"),
    padding,
    threads: field(value, "threads", optional(isPositive), "a positive integer"),
    constraints: constraints as ModelConstraints | undefined,
    deadlineMs: field(value, "deadlineMs", isPositive, "a positive integer (ms)"),
    logLevel: field(
      value,
      "logLevel",
      optional((x): x is "debug" | "info" | "warning" => x === "debug" || x === "info" || x === "warning"),
      '"debug", "info" or "warning"',
    ),
  };
}

/**
 * Validates a response read from JSON.
 *
 * @throws {SyntaxError} when it is not a response of this contract version
 */
export function parseScoreResponse(value: unknown): ScoreResponse {
  if (!isObject(value) || value.version !== SCORE_CONTRACT_VERSION || typeof value.ok !== "boolean") {
    throw new SyntaxError(`Not a version ${SCORE_CONTRACT_VERSION} score response`);
  }
  if (value.ok) {
    if (!isObject(value.report)) throw new SyntaxError("Bad score response: no report");
    return value as unknown as ScoreResponse;
  }
  const error = value.error;
  if (!isObject(error) || typeof error.message !== "string" || typeof error.name !== "string") {
    throw new SyntaxError("Bad score response: a failure without an error");
  }
  return value as unknown as ScoreResponse;
}
