/**
 * Log line formats: `YYYY-MM-DD HH:MM:SS.mmm | LEVEL | message key=value`
 * for people, JSON lines for machines.
 *
 * @module
 */
import type { LogRecord } from "@logtape/logtape";

/** The levels operators see. SUCCESS is INFO with a success mark. */
export type LevelLabel = "TRACE" | "DEBUG" | "INFO" | "SUCCESS" | "WARNING" | "ERROR";

/** The property that marks an INFO record as SUCCESS. */
export const SUCCESS_MARK = "@success";

const COLORS: Record<LevelLabel, string> = {
  TRACE: "\x1b[2m",
  DEBUG: "\x1b[36m",
  INFO: "\x1b[37m",
  SUCCESS: "\x1b[32m",
  WARNING: "\x1b[33m",
  ERROR: "\x1b[31m",
};

/** The operator-facing label of a record's level. */
export function levelLabel(record: LogRecord): LevelLabel {
  switch (record.level) {
    case "trace":
      return "TRACE";
    case "debug":
      return "DEBUG";
    case "info":
      return record.properties[SUCCESS_MARK] === true ? "SUCCESS" : "INFO";
    case "warning":
      return "WARNING";
    default:
      return "ERROR";
  }
}

/** Formats a timestamp as local `YYYY-MM-DD HH:MM:SS.mmm`. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${
    p(d.getSeconds())
  }.${p(d.getMilliseconds(), 3)}`;
}

function renderMessage(record: LogRecord): string {
  return record.message.map((part) => typeof part === "string" ? part : renderValue(part)).join("");
}

/** Renders a field value for a text line. */
export function renderValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value, (_key, v) => typeof v === "bigint" ? v.toString() : v) ?? String(value);
  } catch {
    return String(value);
  }
}

function fields(record: LogRecord): [string, unknown][] {
  return Object.entries(record.properties).filter(([key]) => key !== SUCCESS_MARK);
}

/** Formats a record as one text line, with ANSI colours if asked. */
export function formatText(record: LogRecord, color = false): string {
  const label = levelLabel(record);
  const level = label.padEnd(7);
  const extra = fields(record).map(([key, value]) => `${key}=${renderValue(value)}`).join(" ");
  const message = renderMessage(record) + (extra ? ` ${color ? "\x1b[2m" : ""}${extra}${color ? "\x1b[0m" : ""}` : "");
  const time = formatTimestamp(record.timestamp);
  return color
    ? `\x1b[2m${time}\x1b[0m | ${COLORS[label]}${level}\x1b[0m | ${message}`
    : `${time} | ${level} | ${message}`;
}

/** Formats a record as one JSON line. */
export function formatJson(record: LogRecord): string {
  const out: Record<string, unknown> = {
    time: new Date(record.timestamp).toISOString(),
    level: levelLabel(record),
    category: record.category.join("."),
    message: renderMessage(record),
  };
  for (const [key, value] of fields(record)) {
    out[key in out ? `field.${key}` : key] = value instanceof Error
      ? { name: value.name, message: value.message }
      : value;
  }
  return JSON.stringify(out, (_key, v) => typeof v === "bigint" ? v.toString() : v);
}
