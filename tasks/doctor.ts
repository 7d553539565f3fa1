#!/usr/bin/env -S deno run -P=doctor
/**
 * Checks that this machine can run the validator: Deno, ONNX Runtime and
 * which execution providers work, the GPU, free disk in the model cache, the
 * open-file limit, the hotkey file (never the coldkey), the chain, whether the
 * subnet looks like a Finetuning subnet, and weight setting.
 *
 * ```sh
 * deno task doctor [--wallet.name NAME --wallet.hotkey HOTKEY] [--subtensor.network NET] [--json]
 * deno run -P=doctor tasks/doctor.ts --help
 * ```
 *
 * @module
 */
import { printOut, runTask } from "../src/cli/mod.ts";
import {
  chainCheck,
  type CheckResult,
  type DoctorCheck,
  HUB_CHECKS,
  runChecks,
  RUNTIME_CHECKS,
  subnetCheck,
  walletCheck,
  WEIGHTS_CHECKS,
} from "../src/doctor/mod.ts";
import { ExitCode } from "../src/errors/mod.ts";
import { spec } from "./specs/doctor.ts";

export { spec };

/** Every check, in report order. */
export const CHECKS: readonly DoctorCheck[] = [
  ...RUNTIME_CHECKS,
  ...HUB_CHECKS,
  walletCheck,
  chainCheck,
  subnetCheck,
  ...WEIGHTS_CHECKS,
];

const LABEL: Record<CheckResult["status"], string> = { ok: "OK", warn: "WARN", fail: "FAIL", skip: "SKIP" };

/** Runs the doctor and returns the exit code: 9 if any check failed. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const results = await runChecks(CHECKS, config, {
      signal,
      onResult: config.flags.json ? undefined : (r) => {
        printOut(`${LABEL[r.status].padEnd(4)}  ${r.name.padEnd(22)}  ${r.detail}`);
        if (r.hint && r.status !== "ok") printOut(`${"".padEnd(4)}  ${"".padEnd(22)}  hint: ${r.hint}`);
      },
    });
    if (config.flags.json) printOut(JSON.stringify(results, null, 2));
    const failed = results.filter((r) => r.status === "fail").length;
    const warned = results.filter((r) => r.status === "warn").length;
    if (!config.flags.json) printOut(`\n${results.length} checks: ${failed} failed, ${warned} warnings`);
    const denied = results.filter((r) => r.denied);
    for (const r of denied) log.error(`${r.name}: ${r.detail}`);
    if (denied.length > 0) return ExitCode.Permission;
    if (failed > 0) log.error(`${failed} doctor checks failed`);
    return failed > 0 ? ExitCode.DoctorFailed : ExitCode.Ok;
  });
}

if (import.meta.main) Deno.exit(await main());
