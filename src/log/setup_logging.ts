/**
 * Configures logging for a task: text or JSON lines on stderr, and an
 * optional rotating log file.
 *
 * @module
 */
import { configure, type LogLevel, reset, type Sink } from "@logtape/logtape";
import { getRotatingFileSink } from "@logtape/file";
import { join } from "node:path";
import { formatJson, formatText } from "./format.ts";
import { terminal } from "./terminal.ts";

/** Options of {@linkcode setupLogging}. */
export interface SetupLoggingOptions {
  /** Lowest level shown. @default "info" */
  level?: "trace" | "debug" | "info" | "warning" | "error";
  /** Write JSON lines instead of text. @default false */
  json?: boolean;
  /** Also write a rotating file `<loggingDir>/subvalid-<task>.log`. @default false */
  recordLog?: boolean;
  /** Directory of the log file. @default "./logs" */
  loggingDir?: string;
  /** Task name, used in the log file name. @default "subvalid" */
  task?: string;
  /** Where lines go. @default stderr (keeping a progress bar below) */
  writeLine?: (line: string) => void;
}

/** Rotation of the record log, as bittensor does: 25 MiB × 10 files. */
export const LOG_FILE_MAX_BYTES = 25 * 1024 * 1024;
/** Number of rotated log files kept. */
export const LOG_FILE_COUNT = 10;

/**
 * Configures logging. Dispose the result (or `await using`) before the
 * process exits so that the file sink is flushed.
 */
export async function setupLogging(options: SetupLoggingOptions = {}): Promise<AsyncDisposable> {
  const json = options.json ?? false;
  const writeLine = options.writeLine ?? ((line: string) => terminal.writeLine(line));
  const color = options.writeLine === undefined && terminal.color && !json;
  const console: Sink = (record) => writeLine(json ? formatJson(record) : formatText(record, color));
  const sinks: Record<string, Sink> = { console };
  if (options.recordLog) {
    const dir = options.loggingDir ?? "./logs";
    await Deno.mkdir(dir, { recursive: true });
    sinks.file = getRotatingFileSink(join(dir, `subvalid-${options.task ?? "subvalid"}.log`), {
      formatter: (record) => `${json ? formatJson(record) : formatText(record)}\n`,
      maxSize: LOG_FILE_MAX_BYTES,
      maxFiles: LOG_FILE_COUNT,
      bufferSize: 0,
    });
  }
  const level: LogLevel = options.level ?? "info";
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: ["subvalid"], lowestLevel: level, sinks: Object.keys(sinks) },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
  return { [Symbol.asyncDispose]: () => reset() };
}
