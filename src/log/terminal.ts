/**
 * The process's stderr as a terminal: writes whole lines, and keeps progress
 * bars drawn below the log lines on a TTY. This is the one piece of shared
 * mutable state in the logging module, because stderr itself is shared.
 *
 * @module
 */

const encoder = new TextEncoder();

/** A line-oriented writer to stderr that knows about the progress bar. */
export interface Terminal {
  /** Whether stderr is an interactive terminal. */
  readonly isTty: boolean;
  /** Whether ANSI colours may be used (a TTY and no `NO_COLOR`). */
  readonly color: boolean;
  /** Writes one line (a newline is added), keeping the bar below it. */
  writeLine(line: string): void;
  /** Draws or replaces the status line below the log (TTY only). */
  setStatus(line: string | undefined): void;
}

let status: string | undefined;

function stderrIsTty(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

function noColor(): boolean {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "NO_COLOR" }).state !== "granted") return false;
    const value = Deno.env.get("NO_COLOR");
    return value !== undefined && value !== "";
  } catch {
    return false;
  }
}

function write(text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stderr.writeSync(bytes.subarray(offset));
}

/** The process's stderr terminal. */
export const terminal: Terminal = {
  isTty: stderrIsTty(),
  get color() {
    return this.isTty && !noColor();
  },
  writeLine(line: string): void {
    if (status !== undefined && this.isTty) {
      write(`\r\x1b[2K${line}\n${status}`);
    } else {
      write(`${line}\n`);
    }
  },
  setStatus(line: string | undefined): void {
    if (!this.isTty) return;
    if (line === undefined) {
      if (status !== undefined) write("\r\x1b[2K");
    } else {
      write(`\r\x1b[2K${line}`);
    }
    status = line;
  },
};
