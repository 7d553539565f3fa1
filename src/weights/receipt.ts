/**
 * What a weight-setting attempt returns: a receipt of success (block,
 * extrinsic hash, what was sent) or of failure (the typed error's kind,
 * message and hint). Failures are values here so a validator loop never has
 * to catch.
 *
 * @module
 */
import type { WeightsError, WeightsFailureKind } from "./errors.ts";
import { ChainConnectionError, ChainError, ChainTimeoutError } from "../chain/mod.ts";
import { ExitCode } from "../errors/mod.ts";

/** A landed weights transaction. */
export interface WeightsSuccess {
  readonly success: true;
  /** `set` = `set_mechanism_weights`/`set_weights`; `commit` = timelocked commit (revealed by the chain later). */
  readonly mode: "set" | "commit";
  /** The block that included the extrinsic. */
  readonly block: number;
  /** Its hash. */
  readonly blockHash: string;
  /** The extrinsic's hash. */
  readonly extrinsicHash: string;
  /** Whether finalization was awaited and seen. */
  readonly finalized: boolean;
  /** The nonce used. */
  readonly nonce: number;
  /** The uids sent (zeros dropped). */
  readonly uids: readonly number[];
  /** The u16 values sent. */
  readonly values: readonly number[];
  /** For a commit: the drand round that reveals it. */
  readonly revealRound?: number;
}

/** A failed attempt. */
export interface WeightsFailure {
  readonly success: false;
  /** The error's class name, e.g. `"WeightsRateLimitedError"`. */
  readonly error: string;
  /** The failure's stable kind, e.g. `"rate-limited"`. */
  readonly kind: WeightsFailureKind | "internal";
  /** The error message. */
  readonly reason: string;
  /** What the operator can do. */
  readonly hint?: string;
  /** Whether retrying later may succeed without operator action. */
  readonly retryable: boolean;
  /** For a rate limit: the first block at which setting is allowed. */
  readonly nextAllowedBlock?: number;
  /** The extrinsic's hash if it was submitted (the outcome may be unknown). */
  readonly extrinsicHash?: string;
}

/** The result of one weight-setting attempt. */
export type WeightsReceipt = WeightsSuccess | WeightsFailure;

/**
 * The exit code a failed attempt ends a task with, as `deno task weights`
 * ends for the same error: 5 when the chain did not answer (timeout, lost
 * connection; the outcome may be unknown), 1 for an unexpected error, else
 * 6 (refused).
 */
export function failureExitCode(failure: WeightsFailure): ExitCode {
  if (failure.kind === "timeout" || failure.kind === "connection") return ExitCode.Chain;
  if (failure.kind === "internal") return ExitCode.Internal;
  return ExitCode.Weights;
}

/** Turns any thrown value into a failure receipt. */
export function failureReceipt(error: unknown): WeightsFailure {
  if (error instanceof Error && "kind" in error && "retryable" in error) {
    const e = error as WeightsError & { nextAllowedBlock?: number; extrinsicHash?: string };
    return {
      success: false,
      error: e.name,
      kind: e.kind,
      reason: e.message,
      retryable: e.retryable,
      ...(e.hint === undefined ? {} : { hint: e.hint }),
      ...(e.nextAllowedBlock === undefined ? {} : { nextAllowedBlock: e.nextAllowedBlock }),
      ...(e.extrinsicHash === undefined ? {} : { extrinsicHash: e.extrinsicHash }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ChainError) {
    const kind = error instanceof ChainTimeoutError
      ? "timeout"
      : error instanceof ChainConnectionError
      ? "connection"
      : "rejected";
    const extrinsicHash = error instanceof ChainTimeoutError || error instanceof ChainConnectionError
      ? error.extrinsicHash
      : undefined;
    return {
      success: false,
      error: error.name,
      kind,
      reason: message,
      retryable: kind !== "rejected",
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(extrinsicHash === undefined ? {} : { extrinsicHash }),
    };
  }
  if (error instanceof RangeError) {
    return {
      success: false,
      error: error.name,
      kind: "invalid-weights",
      reason: message,
      hint: "The weights given cannot be sent (negative, not finite, unequal lengths or bad uids): fix the caller",
      retryable: false,
    };
  }
  return {
    success: false,
    error: error instanceof Error ? error.name : "Error",
    kind: "internal",
    reason: message,
    hint: "Unexpected: rerun with --logging.debug and report it",
    retryable: true,
  };
}
