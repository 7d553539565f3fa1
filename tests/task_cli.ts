/**
 * Runs a task exactly as `deno task <name>` does: the command line of
 * deno.json's task (the launcher), from a working directory of the caller's
 * choice, with a clean environment.
 */
import { resolve } from "node:path";
import denoConfig from "../deno.json" with { type: "json" };

/** The project root. */
export const ROOT: string = resolve(import.meta.dirname!, "..");

/** What a finished run gave. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@linkcode runCli} and {@linkcode spawnCli}. */
export interface CliOptions {
  /** Extra environment (on top of PATH, HOME and NO_COLOR). */
  env?: Record<string, string>;
  /** Where `deno task` was typed (INIT_CWD). @default the project root */
  cwd?: string;
  /** Kill the run after this long. @default 120000 */
  timeoutMs?: number;
}

/** The argv of deno.json's task line for `task` (without the leading `deno`). */
export function taskArgv(task: string): string[] {
  const entry = (denoConfig.tasks as Record<string, { command: string }>)[task];
  if (entry === undefined) throw new RangeError(`deno.json has no task "${task}"`);
  const [deno, ...rest] = entry.command.split(/\s+/);
  if (deno !== "deno") throw new RangeError(`Task "${task}" does not start with deno: ${entry.command}`);
  return rest;
}

function command(task: string, args: readonly string[], options: CliOptions, piped: boolean): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [...taskArgv(task), ...args],
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/root",
      NO_COLOR: "1",
      INIT_CWD: options.cwd ?? ROOT,
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(piped ? { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) } : {}),
  });
}

/** Runs `deno task <task> <args>` to the end. */
export async function runCli(task: string, args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const output = await command(task, args, options, true).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** A long-running task (a server) started as `deno task` starts it. */
export interface CliProcess extends AsyncDisposable {
  /** The launcher's pid (signals go here, as a supervisor sends them). */
  readonly pid: number;
  /** The first stdout line (the server's "ready" line). */
  readonly firstLine: Promise<string>;
  /** Sends a signal to the launcher. */
  kill(signal: Deno.Signal): void;
  /** Waits for the end: exit code and the whole output. */
  done(): Promise<CliRun>;
}

/** Starts `deno task <task> <args>` and returns once it runs; read its first stdout line for readiness. */
export function spawnCli(task: string, args: readonly string[], options: CliOptions = {}): CliProcess {
  const child = command(task, args, options, false).spawn();
  const decoder = new TextDecoder();
  let stdout = "";
  let stderr = "";
  let resolveLine: (line: string) => void = () => {};
  let rejectLine: (error: Error) => void = () => {};
  const firstLine = new Promise<string>((ok, fail) => {
    resolveLine = ok;
    rejectLine = fail;
  });
  const readOut = (async () => {
    for await (const chunk of child.stdout) {
      stdout += decoder.decode(chunk, { stream: true });
      if (stdout.includes("\n")) resolveLine(stdout.slice(0, stdout.indexOf("\n")));
    }
  })();
  const readErr = (async () => {
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  const finished = (async () => {
    const status = await child.status;
    await Promise.all([readOut, readErr]);
    clearTimeout(timer);
    rejectLine(new Error(`"${task}" ended (code ${status.code}) before a line: ${stderr}`));
    return { code: status.code, stdout, stderr };
  })();
  return {
    pid: child.pid,
    firstLine,
    kill: (signal) => child.kill(signal),
    done: () => finished,
    async [Symbol.asyncDispose]() {
      // SIGTERM reaches the task through the launcher; a SIGKILLed launcher would orphan it.
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const late = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 10_000);
      await finished;
      clearTimeout(late);
    },
  };
}

/** Whether a process with this pid is alive. */
export function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).split(" ")[2]!.startsWith("Z");
  } catch {
    return false;
  }
}
