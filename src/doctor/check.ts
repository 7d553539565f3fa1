/**
 * Doctor checks: small probes of the environment, each reporting OK, WARN or
 * FAIL with a hint. Domains contribute their own checks.
 *
 * @module
 */
import type { Config } from "../config/mod.ts";
import { describeDenial } from "../errors/mod.ts";

/** The verdict of one check. */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** One line of the doctor's report. */
export interface CheckResult {
  /** What was checked. */
  readonly name: string;
  /** The verdict. */
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** What to do about a WARN or FAIL. */
  readonly hint?: string;
  /** The check failed because the permission set denied an access (the doctor then exits 3). */
  readonly denied?: true;
}

/** A check. A crash (or a denied access) is reported as FAIL by {@linkcode runChecks}. */
export interface DoctorCheck {
  /** The check's name. */
  readonly name: string;
  /** Runs the check. */
  run(config: Config, signal: AbortSignal): Promise<CheckResult | readonly CheckResult[]>;
}

/** Options of {@linkcode runChecks}. */
export interface RunChecksOptions {
  /** Cancels the remaining checks. */
  signal?: AbortSignal | undefined;
  /** Called with each result as it arrives. */
  onResult?: ((result: CheckResult) => void) | undefined;
  /** The permission set the checks run under, named when one is denied. @default "doctor" */
  permissionSet?: string | undefined;
}

/** Runs checks in order, turning a crashing check into a FAIL. */
export async function runChecks(
  checks: readonly DoctorCheck[],
  config: Config,
  options: RunChecksOptions = {},
): Promise<CheckResult[]> {
  const signal = options.signal ?? new AbortController().signal;
  const results: CheckResult[] = [];
  for (const check of checks) {
    signal.throwIfAborted();
    let produced: readonly CheckResult[];
    try {
      const result = await check.run(config, signal);
      produced = Array.isArray(result) ? result : [result as CheckResult];
    } catch (error) {
      const denial = describeDenial(error, options.permissionSet ?? "doctor");
      produced = [
        denial === undefined
          ? {
            name: check.name,
            status: "fail",
            detail: `check crashed: ${error instanceof Error ? error.message : String(error)}`,
            hint: "Rerun with --logging.debug and report this",
          }
          : { name: check.name, status: "fail", detail: denial.message, hint: denial.hint, denied: true },
      ];
    }
    for (const result of produced) {
      results.push(result);
      options.onResult?.(result);
    }
  }
  return results;
}

/** Shorthand for a result. */
export function result(
  name: string,
  status: CheckStatus,
  detail: string,
  hint?: string,
): CheckResult {
  return hint === undefined ? { name, status, detail } : { name, status, detail, hint };
}
