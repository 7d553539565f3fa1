/**
 * Progress for long work (downloads, scoring): a bar on a TTY, and a plain
 * log line every few seconds otherwise (pm2, systemd, cron).
 *
 * @module
 */
import { getLog, type Log } from "./logger.ts";
import { terminal } from "./terminal.ts";

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** Total amount of work, if known. */
  total?: number;
  /** Unit of the amounts. @default "items" */
  unit?: "bytes" | "items" | "tokens";
  /** Minimum time between plain progress lines when not on a TTY. @default 10000 */
  intervalMs?: number;
  /** Draw a bar (`true`) or log lines (`false`). @default whether stderr is a TTY */
  tty?: boolean;
  /** Logger for the plain lines. @default the `progress` logger */
  log?: Log;
  /** Clock in milliseconds. @default performance.now */
  now?: () => number;
  /** Where the bar is drawn. @default the stderr status line */
  draw?: (line: string | undefined) => void;
}

/** A running progress indicator. */
export interface Progress {
  /** Adds to the amount done. */
  advance(amount: number): void;
  /** Sets the amount done. */
  set(done: number): void;
  /** Sets or changes the total. */
  setTotal(total: number): void;
  /** Ends with success. */
  done(message?: string): void;
  /** Ends with failure (the caller logs the error). */
  fail(): void;
}

/** Formats an amount in its unit: bytes as KB/MB/GB, others as counts. */
export function formatAmount(amount: number, unit: ProgressOptions["unit"] = "items"): string {
  if (unit !== "bytes") return Math.round(amount).toLocaleString("en-US");
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = amount;
  let index = 0;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  return `${value.toFixed(index === 0 ? 0 : 1)} ${units[index]}`;
}

/** Formats seconds as `1h02m`, `3m05s` or `12.3s`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds >= 3600) {
    return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds % 3600 / 60)).padStart(2, "0")}m`;
  }
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, "0")}s`;
  return `${seconds.toFixed(1)}s`;
}

/**
 * Starts a progress indicator.
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const progress = createProgress("Downloading model.onnx", { total: 2048, unit: "bytes", tty: false });
 * progress.advance(1024);
 * progress.done();
 * ```
 */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const unit = options.unit ?? "items";
  const tty = options.tty ?? terminal.isTty;
  const log = options.log ?? getLog("progress");
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 10_000;
  const draw = options.draw ?? ((line: string | undefined) => terminal.setStatus(line));
  const started = now();
  let total = options.total;
  let done = 0;
  let lastDraw = -Infinity;
  let finished = false;

  const describe = () => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const rateText = `${formatAmount(rate, unit)}${unit === "bytes" ? "/s" : ` ${unit}/s`}`;
    if (total === undefined || total <= 0) {
      return { percent: undefined, text: `${formatAmount(done, unit)}, ${rateText}` };
    }
    const percent = Math.min(100, (done / total) * 100);
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    return {
      percent,
      text: `${formatAmount(done, unit)} of ${formatAmount(total, unit)}, ${rateText}, ETA ${formatSeconds(eta)}`,
    };
  };

  const render = (force = false) => {
    if (finished) return;
    const t = now();
    if (!force && t - lastDraw < (tty ? 100 : interval)) return;
    lastDraw = t;
    const { percent, text } = describe();
    if (tty) {
      const width = 24;
      const filled = percent === undefined ? 0 : Math.round((percent / 100) * width);
      const bar = percent === undefined
        ? ""
        : `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${percent.toFixed(0)}% `;
      draw(`${label} ${bar}${text}`);
    } else {
      log.info(`${label}: ${percent === undefined ? "" : `${percent.toFixed(0)}% `}(${text})`);
    }
  };

  if (!tty) lastDraw = started;
  return {
    advance(amount) {
      done += amount;
      render();
    },
    set(value) {
      done = value;
      render();
    },
    setTotal(value) {
      total = value;
      render();
    },
    done(message) {
      if (finished) return;
      if (tty) draw(undefined);
      finished = true;
      const seconds = (now() - started) / 1000;
      log.info(message ?? `${label}: done, ${formatAmount(done, unit)} in ${formatSeconds(seconds)}`);
    },
    fail() {
      if (finished) return;
      if (tty) draw(undefined);
      finished = true;
    },
  };
}
