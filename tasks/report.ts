#!/usr/bin/env -S deno run -P=report
/**
 * Prints the validator's step reports from its state directory (read-only,
 * beside a running validator): the last one by default, or one step, as the
 * table the log shows or as JSON.
 *
 * ```sh
 * deno task report [--last | --step N] [--json] [--validator.state_dir <dir>]
 * ```
 *
 * @module
 */
import { printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError } from "../src/errors/mod.ts";
import { ValidatorState } from "../src/state/mod.ts";
import { formatStepReport, type StepReport } from "../src/validator/step_report.ts";
import { spec } from "./specs/report.ts";

export { spec };

/** Prints the report(s) and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config) => {
    const { flags } = config;
    if (flags.step !== undefined && (flags.last || flags.all)) {
      throw new ConfigError("Give one of --step N, --last and --all");
    }
    using state = await ValidatorState.openReadOnly(config.validator.stateDir);
    if (flags.all) {
      const reports = state.reports(10_000) as unknown as StepReport[];
      printOut(flags.json ? JSON.stringify(reports) : reports.map(formatStepReport).join("\n\n"));
      return;
    }
    const report = state.report(flags.step) as StepReport | undefined;
    if (report === undefined) {
      throw new ConfigError(
        flags.step === undefined
          ? `No step recorded yet in "${state.dir}"`
          : `No step ${flags.step} in "${state.dir}" (the last is ${state.nextStep() - 1})`,
        { hint: "Steps are recorded by `deno task validate`; check --validator.state_dir" },
      );
    }
    printOut(flags.json ? JSON.stringify(report) : formatStepReport(report));
  });
}

if (import.meta.main) Deno.exit(await main());
