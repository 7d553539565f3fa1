/**
 * Scores a model in a child process under the `score` permission set (no
 * network, no wallet) with a deadline. On timeout, crash or unreadable output
 * the child is killed and the model scores `Infinity`; the caller carries on.
 * GPU memory is freed between models because the process ends. The caller
 * needs `--allow-run` (for `Deno.execPath()`).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getLog } from "../log/mod.ts";
import { reportFromJson } from "./report_json.ts";
import type { ScoreReport } from "./score_model.ts";
import { removeRunDirs } from "./work_dir.ts";

/** The project root (where deno.json and tasks/ are). */
const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Default deadline of one model, as the subnet's validators use. */
export const DEFAULT_SCORE_TIMEOUT_MS = 720_000;

/** Options of {@linkcode scoreInSubprocess}. */
export interface ScoreInSubprocessOptions {
  /** Kill the child and score `Infinity` after this long. @default 720000 */
  timeoutMs?: number;
  /** Scoring cache (`--validator.cache_dir`); when given, a killed child's run directory is removed. @default the child's default */
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
  /**
   * Replace the set's write paths with these (e.g. to hard-link from a local
   * model directory outside the model cache). @default the `score` set's
   */
  allowWrite?: readonly string[];
  /** Extra arguments for the child's `deno run` (before the script). */
  denoArgs?: readonly string[];
  /** Stops the child (killed; the call rejects with the signal's reason). */
  signal?: AbortSignal;
  /** The script to run. @default tasks/score.ts of this project */
  script?: string;
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
 * Runs `deno run -P=score tasks/score.ts --model … --samples … --json` and
 * returns its report. Never throws for the model's failures.
 *
 * @throws the signal's reason when `signal` aborts
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
  const args = ["run", "-P=score", "--config", join(PROJECT_ROOT, "deno.json"), "--no-prompt"];
  if (options.allowWrite) args.push(`--allow-write=${options.allowWrite.join(",")}`);
  args.push(...(options.denoArgs ?? []), options.script ?? join(PROJECT_ROOT, "tasks", "score.ts"));
  args.push("--model", modelDir, "--samples", samplesFile, "--json");
  if (options.cacheDir !== undefined) args.push("--validator.cache_dir", options.cacheDir);
  if (options.tokenizerDir !== undefined) args.push("--tokenizer", options.tokenizerDir);
  if (options.device !== undefined) args.push("--device", options.device);
  if (options.batchTokens !== undefined) args.push("--batch-tokens", String(options.batchTokens));
  if (options.padding !== undefined) args.push("--padding", options.padding);
  if (options.threads !== undefined) args.push("--threads", String(options.threads));
  // The child's own deadline comes later than ours, so we are the one that kills.
  args.push("--timeout", `${Math.ceil(timeoutMs / 1000) + 30}s`);

  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: PROJECT_ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
  } catch (error) {
    return failed(modelDir, device, started, `Cannot start the scoring process: ${(error as Error).message}`);
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
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    // A killed child leaves its run directory (hard links) behind.
    if (killedFor !== undefined && options.cacheDir !== undefined) await removeRunDirs(options.cacheDir, child.pid);
    if (killedFor === "signal") throw options.signal?.reason;
    if (killedFor === "timeout") {
      const error = `Scoring timed out after ${Math.round(timeoutMs / 1000)} s; the scoring process was killed`;
      log.warn(`Model scores Infinity: ${error}`);
      return failed(modelDir, device, started, error);
    }
    const line = stdout.trim().split("\n").pop() ?? "";
    try {
      return reportFromJson(JSON.parse(line));
    } catch {
      const why = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
      const error = `The scoring process ${why} without a report: ${tail(stderr) || "no output"}`;
      log.warn(`Model scores Infinity: ${error}`);
      return failed(modelDir, device, started, error);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
