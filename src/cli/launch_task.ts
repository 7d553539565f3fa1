/**
 * What every `deno task` line runs first: parse the task's configuration
 * with the task's own spec (flags, `BT_*` environment, config file), work
 * out the paths and hosts this run names, and start the task's module under
 * its permission set widened by exactly those:
 *
 * ```
 * deno run -q -P=<set> --no-prompt [--allow-read=<set's reads>,<named paths>] [--allow-write=…] [--allow-net=…] <module> <args>
 * ```
 *
 * The child gets the terminal (stdin, stdout, stderr), runs in its own
 * session so that a Ctrl-C reaches it once (forwarded by the launcher, as
 * SIGTERM and SIGHUP are), and its exit code is the launcher's. A bad flag
 * or config file is reported here, exactly as the task would report it.
 *
 * @module
 */
import { join, resolve } from "node:path";
import {
  type Config,
  misspeltVariables,
  parseConfig,
  type ParseConfigOptions,
  permissionFlags,
  permissionSetOf,
  PROJECT_ROOT,
  type TaskAccess,
  type TaskSpec,
} from "../config/mod.ts";
import { ExitCode, exitCodeOf } from "../errors/mod.ts";
import { formatStartupError } from "./format_startup_error.ts";

/** A task the launcher starts. */
export interface LaunchTarget {
  // deno-lint-ignore no-explicit-any
  readonly spec: TaskSpec<any>;
  /** The task's module, relative to the project root. */
  readonly module: string;
}

/** Options of {@linkcode launchTask}. */
export interface LaunchTaskOptions extends ParseConfigOptions {
  /** Names of the environment's variables (for misspelt `BT_*` ones). @default Deno.env.toObject()'s */
  envNames?: () => Iterable<string>;
  /** Writes start-up errors. @default stderr */
  stderr?: (text: string) => void;
  /** Extra environment for the task. @default none */
  env?: (name: string) => string | undefined;
  /** Signals forwarded to the task. @default SIGINT, SIGTERM, SIGHUP */
  signals?: readonly Deno.Signal[];
}

/**
 * Everything one run reaches beyond its permission set: what the spec says,
 * plus the config file and the record-log directory.
 */
export function runAccess(spec: TaskSpec, config: Config): TaskAccess {
  const own = spec.access?.(config) ?? {};
  return {
    read: [...(own.read ?? []), config.configFile],
    write: [...(own.write ?? []), config.logging.recordLog ? config.logging.loggingDir : undefined],
    net: [...(own.net ?? [])],
  };
}

/** The `deno run` arguments that start `target` for `args` under its set widened by `access`. */
export function launchArgs(
  target: LaunchTarget,
  args: readonly string[],
  access: TaskAccess = {},
  projectRoot: string = PROJECT_ROOT,
): string[] {
  const set = permissionSetOf(target.spec);
  return [
    "run",
    "-q",
    `-P=${set}`,
    "--no-prompt",
    "--config",
    join(projectRoot, "deno.json"),
    ...permissionFlags(set, access, { projectRoot }),
    join(projectRoot, target.module),
    ...args,
  ];
}

const encoder = new TextEncoder();

function writeStderr(text: string): void {
  const bytes = encoder.encode(text);
  for (let offset = 0; offset < bytes.length;) offset += Deno.stderr.writeSync(bytes.subarray(offset));
}

function environmentNames(): string[] {
  try {
    return Object.keys(Deno.env.toObject());
  } catch {
    return [];
  }
}

/**
 * Starts a task's module under its permission set widened by the paths and
 * hosts its configuration names, and returns the task's exit code (128 + n
 * when a signal n ended it).
 */
export async function launchTask(
  target: LaunchTarget,
  args: readonly string[],
  options: LaunchTaskOptions = {},
): Promise<number> {
  const { spec } = target;
  const set = permissionSetOf(spec);
  const cwd = options.cwd ?? Deno.env.get("INIT_CWD") ?? Deno.cwd();
  let access: TaskAccess = {};
  try {
    const parsed = await parseConfig(args, spec, { ...options, cwd });
    if (parsed.kind === "config") {
      access = runAccess(spec, parsed.config);
      await warnMisspelt(spec, parsed.config, options.envNames?.() ?? environmentNames());
    }
  } catch (error) {
    (options.stderr ?? writeStderr)(formatStartupError(error, set));
    return exitCodeOf(error);
  }

  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(Deno.execPath(), {
      args: launchArgs(target, args, access),
      cwd: PROJECT_ROOT,
      // Relative paths in the task's flags resolve where the launcher was started.
      env: { INIT_CWD: resolve(cwd), ORT_DISABLE_TELEMETRY: "1" },
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
      // Its own session: a Ctrl-C on the terminal reaches the launcher only, which forwards it once.
      detached: true,
    }).spawn();
  } catch (error) {
    (options.stderr ?? writeStderr)(
      `error: Cannot start "${target.module}": ${(error as Error).message}\nhint: Check the Deno installation\n`,
    );
    return ExitCode.Internal;
  }
  const forwarded = options.signals ?? (Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM", "SIGHUP"]);
  const listeners = forwarded.map((signal) => {
    const forward = () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    };
    Deno.addSignalListener(signal, forward);
    return [signal, forward] as const;
  });
  try {
    const status = await child.status;
    return status.code;
  } finally {
    for (const [signal, forward] of listeners) Deno.removeSignalListener(signal, forward);
  }
}

async function warnMisspelt(spec: TaskSpec, config: Config, names: Iterable<string>): Promise<void> {
  const misspelt = misspeltVariables(names, spec);
  if (misspelt.length === 0) return;
  // Logging loads only when there is something to say (the launcher starts faster without it).
  const { getLog, setupLogging } = await import("../log/mod.ts");
  await using _logging = await setupLogging({ level: config.logging.level, json: config.logging.json });
  const log = getLog(spec.name);
  for (const { name, suggestion } of misspelt) {
    log.warn(
      `Unknown environment variable "${name}"${suggestion ? `: did you mean "${suggestion}"?` : ""}`,
      suggestion ? {} : { hint: "subvalid reads the BT_* variables listed in --help" },
    );
  }
}
