/**
 * The base of every domain error: an error that knows its process exit code
 * and carries a hint for the operator. Library code throws these; only the
 * `main()` of a task turns them into output and an exit code.
 *
 * @module
 */
import { findDenial } from "./permission_denial.ts";

/** Process exit codes, one per failure domain. Documented in the README. */
export const ExitCode = {
  /** Everything worked. */
  Ok: 0,
  /** An unexpected internal error (a bug): please report it. */
  Internal: 1,
  /** Bad flags, environment or config file. */
  Usage: 2,
  /** A path or host outside the task's permission set. */
  Permission: 3,
  /** Wallet or keyfile problem. */
  Wallet: 4,
  /** Chain unreachable, timed out, or a chain call failed. */
  Chain: 5,
  /** Weight setting refused (rate limit, permit, version key, ...). */
  Weights: 6,
  /** Model hub problem (download, size, hash). */
  Hub: 7,
  /** Scoring problem (model, samples, runtime). */
  Score: 8,
  /** `doctor` found at least one failing check. */
  DoctorFailed: 9,
  /** Interrupted by SIGINT or SIGTERM. */
  Interrupted: 130,
} as const;

/** One of the {@linkcode ExitCode} values. */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode];

/** Options of {@linkcode SubvalidError}. */
export interface SubvalidErrorOptions {
  /** What the operator can do about it. */
  hint?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A domain error with an exit code and an operator hint.
 *
 * @example Subclassing
 * ```ts
 * import { ExitCode, SubvalidError } from "./subvalid_error.ts";
 * class DiskFullError extends SubvalidError {
 *   override readonly exitCode = ExitCode.Hub;
 * }
 * const e = new DiskFullError("Cannot download: 3 bytes free", { hint: "Run deno task gc" });
 * console.assert(e.hint === "Run deno task gc");
 * ```
 */
export abstract class SubvalidError extends Error {
  /** The process exit code a task should end with. */
  abstract readonly exitCode: ExitCode;
  /** What the operator can do about it. */
  readonly hint: string | undefined;

  constructor(message: string, options: SubvalidErrorOptions = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.hint = options.hint;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** Bad flags, environment variables or config file. */
export class ConfigError extends SubvalidError {
  override readonly exitCode = ExitCode.Usage;
}

/** A path or host the task's permission set does not grant. */
export class PermissionScopeError extends SubvalidError {
  override readonly exitCode = ExitCode.Permission;
}

/**
 * A model that cannot be scored because of the model itself (its files, its
 * graph, its size, its vocabulary, its runtime): its score is `Infinity`.
 * Never used for the validator's own failures.
 */
export class ModelError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
}

/** The operation was cancelled by a signal. */
export class InterruptedError extends SubvalidError {
  override readonly exitCode = ExitCode.Interrupted;
}

/**
 * Returns the exit code for any thrown value. A permission denial anywhere
 * in the cause chain is exit code 3, whatever wraps it.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (findDenial(error) !== undefined) return ExitCode.Permission;
  if (error instanceof SubvalidError) return error.exitCode;
  return ExitCode.Internal;
}
