/**
 * Scores a model in a worker process under the `score` permission set (no
 * network, no wallet) with a deadline, speaking the versioned JSON contract
 * of `score_contract.ts`. On timeout, crash or unreadable output the worker
 * is killed and the model scores `Infinity`; the caller carries on. A failure
 * of the validator's own side throws instead. GPU memory is freed between
 * models because the process ends. The caller needs `--allow-run` (for
 * `Deno.execPath()`).
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModelConstraints } from "../checkpoint/mod.ts";
import { permissionFlags } from "../config/permission_flags.ts";
import { getLog } from "../log/mod.ts";
import { reportFromJson } from "./report_json.ts";
import { parseScoreResponse, SCORE_CONTRACT_VERSION, type ScoreRequest, type ScoreResponse } from "./score_contract.ts";
import { ScoringUnavailableError } from "./score_error.ts";
import type { ScoreReport } from "./score_model.ts";

/** The project root (where deno.json and tasks/ are). */
const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Default deadline of one model, as the subnet's validators use. */
export const DEFAULT_SCORE_TIMEOUT_MS = 720_000;

/** Options of {@linkcode scoreInSubprocess}. */
export interface ScoreInSubprocessOptions {
  /** Kill the child and score `Infinity` after this long. @default 720000 */
  timeoutMs?: number;
  /** Scoring cache (`--validator.cache_dir`). @default the child's default */
  cacheDir?: string;
  /** Tokenizer directory that overrides the model's. */
  tokenizerDir?: string;
  /** `auto`, `cpu`, `cuda`, `cuda:N`. @default the child's default (`auto`) */
  device?: string;
  /** Token budget of a batch. @default the child's default */
  batchTokens?: number;
  /** Padding side. @default "right" */
  padding?: "left" | "right";
  /** ONNX Runtime threads. */
  threads?: number;
  /** Check a safetensors checkpoint against these limits before building its graph. */
  constraints?: ModelConstraints;
  /** Lowest level the worker logs on stderr. @default "warning" */
  logLevel?: "debug" | "info" | "warning";
  /** Extra arguments for the child's `deno run` (before the script). */
  denoArgs?: readonly string[];
  /** Stops the child (killed; the call rejects with the signal's reason). */
  signal?: AbortSignal;
  /** The worker script to run. @default tasks/score_worker.ts of this project */
  script?: string;
}

/**
 * Permission flags that widen the `score` set by exactly this run's paths
 * when they lie outside it: read the model, the samples and the tokenizer;
 * write the scoring cache. The set's denials (`.env`, the devnet wallets)
 * still apply, and nothing else is granted.
 */
export function scopedPermissions(
  modelDir: string,
  samplesFile: string,
  options: Pick<ScoreInSubprocessOptions, "cacheDir" | "tokenizerDir"> = {},
): string[] {
  return permissionFlags("score", {
    read: [modelDir, samplesFile, options.tokenizerDir],
    write: [options.cacheDir],
  });
}

function failed(model: string, device: string, started: number, error: string): ScoreReport {
  return {
    model,
    device,
    loss: Infinity,
    samples: [],
    tokensPerSecond: 0,
    seconds: (performance.now() - started) / 1000,
    error,
  };
}

function tail(text: string, lines = 6): string {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).slice(-lines).join(" | ");
}

/**
 * Scores a model in a worker process (`tasks/score_worker.ts` under the
 * `score` permission set, widened by exactly this run's paths): one
 * versioned JSON request on its stdin, one JSON response on its stdout. A
 * model that fails, crashes its worker or runs past the deadline scores
 * `Infinity`; the caller carries on.
 *
 * @throws {ScoringUnavailableError} when the validator's side fails: the worker cannot start, or it
 *   reports a failure that is not the model's (device, denied path, unreadable samples or tokenizer)
 * @throws the signal's reason when `signal` aborts (the worker is killed)
 */
export async function scoreInSubprocess(
  modelDir: string,
  samplesFile: string,
  options: ScoreInSubprocessOptions = {},
): Promise<ScoreReport> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCORE_TIMEOUT_MS;
  const log = getLog("score").with({ model: modelDir });
  const device = options.device ?? "auto";
  const request: ScoreRequest = {
    version: SCORE_CONTRACT_VERSION,
    modelDir: resolve(modelDir),
    samplesFile: resolve(samplesFile),
    cacheDir: resolve(options.cacheDir ?? join(PROJECT_ROOT, ".cache", "huggingface", "subvalid-score")),
    device,
    // The worker's own deadline comes later than ours, so we are the one that kills.
    deadlineMs: timeoutMs + 30_000,
    ...(options.tokenizerDir === undefined ? {} : { tokenizerDir: resolve(options.tokenizerDir) }),
    ...(options.batchTokens === undefined ? {} : { batchTokens: options.batchTokens }),
    ...(options.padding === undefined ? {} : { padding: options.padding }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.constraints === undefined ? {} : { constraints: options.constraints }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  };
  const args = ["run", "-q", "-P=score", "--config", join(PROJECT_ROOT, "deno.json"), "--no-prompt"];
  args.push(...scopedPermissions(modelDir, samplesFile, options));
  args.push(...(options.denoArgs ?? []), options.script ?? join(PROJECT_ROOT, "tasks", "score_worker.ts"));

  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: PROJECT_ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      // ONNX Runtime's telemetry would write mat-debug-<pid>.log and .ses into the temporary directory.
      env: { NO_COLOR: "1", ORT_DISABLE_TELEMETRY: "1" },
    }).spawn();
  } catch (error) {
    throw new ScoringUnavailableError(`Cannot start a scoring worker: ${(error as Error).message}`, {
      cause: error,
      hint: "The validator needs --allow-run for its own Deno binary; check the permission set",
    });
  }
  let killedFor: "timeout" | "signal" | undefined;
  const kill = (why: "timeout" | "signal") => {
    if (killedFor !== undefined) return;
    killedFor = why;
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
  };
  const timer = setTimeout(() => kill("timeout"), timeoutMs);
  const onAbort = () => kill("signal");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const writer = child.stdin.getWriter();
    const sent = writer.write(new TextEncoder().encode(JSON.stringify(request))).then(() => writer.close())
      .catch(() => {/* the worker died before reading: its status tells */});
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      sent,
    ]);
    if (killedFor === "signal") throw options.signal?.reason;
    if (killedFor === "timeout") {
      const error = `Scoring timed out after ${Math.round(timeoutMs / 1000)} s; the scoring process was killed`;
      log.warn(`Model scores Infinity: ${error}`);
      return failed(modelDir, device, started, error);
    }
    let response: ScoreResponse;
    try {
      response = parseScoreResponse(JSON.parse(stdout.trim().split("\n").pop() ?? ""));
    } catch {
      const why = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
      const error = `The scoring process ${why} without a report: ${tail(stderr) || "no output"}`;
      log.warn(`Model scores Infinity: ${error}`);
      return failed(modelDir, device, started, error);
    }
    if (!response.ok) {
      throw new ScoringUnavailableError(`Cannot score "${modelDir}": ${response.error.message}`, {
        exitCode: response.error.exitCode,
        ...(response.error.hint === undefined ? {} : { hint: response.error.hint }),
      });
    }
    return reportFromJson(response.report);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
