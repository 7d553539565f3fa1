/**
 * The edge of every task: parse the configuration, set up logging, turn
 * SIGINT/SIGTERM into an abort signal, run the body, and turn any error into
 * a log line with a hint and an exit code. Task `main()`s call this and pass
 * the returned code to `Deno.exit`.
 *
 * @module
 */
import type { Config, FlagSpecs, ParseConfigOptions, TaskSpec } from "../config/mod.ts";
import { formatUsage, parseConfig } from "../config/mod.ts";
import { ExitCode, exitCodeOf, InterruptedError, SubvalidError } from "../errors/mod.ts";
import { getLog, type Log, setupLogging } from "../log/mod.ts";
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
    const hint = error instanceof SubvalidError && error.hint ? `\nhint: ${error.hint}` : "";
    stderr(`error: ${(error as Error).message}${hint}\n`);
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
    stderr(`error: Cannot set up logging: ${(error as Error).message}\n`);
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
    reportError(log, error, spec.name, config.logging.json);
    return exitCodeOf(controller.signal.aborted ? controller.signal.reason : error);
  } finally {
    if (listen) { for (const name of signalNames) Deno.removeSignalListener(name, onSignal); }
    await logging[Symbol.asyncDispose]();
  }
}

/** Logs an error as an operator would want to read it. */
export function reportError(log: Log, error: unknown, task: string, json = false): void {
  if (error instanceof SubvalidError) {
    if (json) {
      log.error(error.message, error.hint ? { hint: error.hint } : {});
    } else {
      log.error(error.message);
      if (error.hint) log.info(`Hint: ${error.hint}`);
    }
    if (error.cause !== undefined) log.debug("Caused by", { cause: describe(error.cause) });
    return;
  }
  if (error instanceof Deno.errors.NotCapable) {
    log.error(`Not permitted: ${error.message}`);
    log.info(
      `Hint: the "${task}" permission set in deno.json does not grant this; keep paths inside the granted directories ` +
        `or see the README section "Permissions"`,
    );
    return;
  }
  log.error(`Unexpected error: ${describe(error)}`);
  log.info(
    "Hint: this is a bug in subvalid; please report it with this log (rerun with --logging.debug for the stack)",
  );
  if (error instanceof Error && error.stack) log.debug(error.stack);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
