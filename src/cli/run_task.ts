/**
 * The edge of every task: parse the configuration, set up logging, turn
 * SIGINT/SIGTERM into an abort signal, run the body, and turn any error into
 * a log line with a hint and an exit code. Task `main()`s call this and pass
 * the returned code to `Deno.exit`.
 *
 * @module
 */
import type { Config, FlagSpecs, ParseConfigOptions, TaskSpec } from "../config/mod.ts";
import { formatUsage, parseConfig, permissionSetOf } from "../config/mod.ts";
import { describeDenial, ExitCode, exitCodeOf, InterruptedError, SubvalidError } from "../errors/mod.ts";
import { getLog, type Log, setupLogging } from "../log/mod.ts";
import { formatStartupError } from "./format_startup_error.ts";
import { VERSION } from "./version.ts";

/** What a task body receives besides its configuration. */
export interface TaskContext {
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The task's logger. */
  readonly log: Log;
}

/** Options of {@linkcode runTask}. */
export interface RunTaskOptions extends ParseConfigOptions {
  /** Writes to stdout. @default Deno.stdout */
  stdout?: (text: string) => void;
  /** Writes to stderr before logging is set up. @default Deno.stderr */
  stderr?: (text: string) => void;
  /** Listen for SIGINT/SIGTERM. @default true */
  signals?: boolean;
  /** Where log lines go. @default stderr */
  logLine?: (line: string) => void;
}

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

/** Writes text to stdout (for task results). */
export function printOut(text: string): void {
  writeAll(Deno.stdout, text.endsWith("\n") ? text : `${text}\n`);
}

/**
 * Runs a task body with its parsed configuration and returns the process
 * exit code. A body returns its own exit code, or nothing for success.
 */
export async function runTask<S extends FlagSpecs>(
  spec: TaskSpec<S>,
  args: readonly string[],
  body: (config: Config<S>, context: TaskContext) => Promise<number | void>,
  options: RunTaskOptions = {},
): Promise<number> {
  const stdout = options.stdout ?? printOut;
  const stderr = options.stderr ?? ((text: string) => writeAll(Deno.stderr, text));
  let config: Config<S>;
  try {
    const parsed = await parseConfig(args, spec, options);
    if (parsed.kind === "help") {
      stdout(formatUsage(spec, VERSION));
      return ExitCode.Ok;
    }
    if (parsed.kind === "version") {
      stdout(`subvalid ${VERSION}`);
      return ExitCode.Ok;
    }
    config = parsed.config;
  } catch (error) {
    stderr(formatStartupError(error, permissionSetOf(spec)));
    return exitCodeOf(error);
  }

  let logging: AsyncDisposable;
  try {
    logging = await setupLogging({
      level: config.logging.level,
      json: config.logging.json,
      recordLog: config.logging.recordLog,
      loggingDir: config.logging.loggingDir,
      task: spec.name.replaceAll(":", "-"),
      ...(options.logLine ? { writeLine: options.logLine } : {}),
    });
  } catch (error) {
    stderr(formatStartupError(error, permissionSetOf(spec), "Cannot set up logging: "));
    return exitCodeOf(error);
  }
  const log = getLog(spec.name);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      log.warn("Interrupted: stopping (send the signal again to exit at once)");
      controller.abort(new InterruptedError("Interrupted by a signal"));
    } else {
      Deno.exit(ExitCode.Interrupted);
    }
  };
  const listen = options.signals ?? true;
  const signalNames: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  if (listen) { for (const name of signalNames) Deno.addSignalListener(name, onSignal); }
  try {
    const code = await body(config, { signal: controller.signal, log });
    return code ?? ExitCode.Ok;
  } catch (error) {
    reportError(log, error, permissionSetOf(spec), config.logging.json);
    return exitCodeOf(controller.signal.aborted ? controller.signal.reason : error);
  } finally {
    if (listen) { for (const name of signalNames) Deno.removeSignalListener(name, onSignal); }
    await logging[Symbol.asyncDispose]();
  }
}

/**
 * Logs an error as an operator would want to read it: one ERROR line, then
 * the hint. A permission denial (anywhere in the cause chain) names the
 * access, the path or host, and the permission set `set`.
 */
export function reportError(log: Log, error: unknown, set: string, json = false): void {
  const report = (message: string, hint: string | undefined) => {
    if (json) {
      log.error(message, hint === undefined ? {} : { hint });
    } else {
      log.error(message);
      if (hint !== undefined) log.info(`Hint: ${hint}`);
    }
  };
  const denial = describeDenial(error, set);
  if (denial !== undefined) {
    report(denial.message, denial.hint);
    return;
  }
  if (error instanceof SubvalidError) {
    report(error.message, error.hint);
    if (error.cause !== undefined) log.debug("Caused by", { cause: describe(error.cause) });
    return;
  }
  report(
    `Unexpected error: ${describe(error)}`,
    "this is a bug in subvalid; please report it with this log (rerun with --logging.debug for the stack)",
  );
  if (error instanceof Error && error.stack) log.debug(error.stack);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
