#!/usr/bin/env -S deno run -q -P=launch
/**
 * The launcher every `deno task` line runs: `deno task score --model /data/m …` starts
 * `tasks/launch.ts score --model /data/m …`, which parses the configuration with the task's own spec,
 * and starts the task's module under its permission set widened by exactly the paths and hosts the
 * configuration names (README "Permissions"). Stdio, signals and the exit code pass through.
 *
 * ```sh
 * deno run -q -P=launch tasks/launch.ts <task> [flags]
 * ```
 *
 * @module
 */
import { formatStartupError } from "../src/cli/format_startup_error.ts";
import { launchTask } from "../src/cli/launch_task.ts";
import { ConfigError, ExitCode } from "../src/errors/mod.ts";
import { TASKS } from "./specs/mod.ts";

/** Starts the task named by the first argument and returns its exit code. */
export async function main(args: readonly string[] = Deno.args): Promise<number> {
  const [name, ...rest] = args;
  const task = name === undefined ? undefined : TASKS[name];
  if (task === undefined) {
    const error = new ConfigError(
      `Cannot launch task "${name ?? ""}": known tasks are ${Object.keys(TASKS).join(", ")}`,
      {
        hint: "Check the task line in deno.json",
      },
    );
    await Deno.stderr.write(new TextEncoder().encode(formatStartupError(error, "launch")));
    return ExitCode.Usage;
  }
  return await launchTask(task, rest);
}

if (import.meta.main) Deno.exit(await main());
