/**
 * The chain's domain errors. All exit with {@linkcode ExitCode.Chain}.
 *
 * @module
 */
import { ExitCode, SubvalidError, type SubvalidErrorOptions } from "../errors/mod.ts";

/** A chain call failed (an RPC error, bad data, an unknown block). */
export class ChainError extends SubvalidError {
  override readonly exitCode: ExitCode = ExitCode.Chain;
}

/** Options of the errors that may leave a sent transaction's outcome unknown. */
export interface OutcomeUnknownOptions extends SubvalidErrorOptions {
  /** The hash of the transaction that was sent, if one was. */
  extrinsicHash?: string | undefined;
}

/** A chain call did not answer before its deadline (for a sent transaction: its outcome is unknown). */
export class ChainTimeoutError extends ChainError {
  /** The transaction that was sent, if this was a submission. */
  readonly extrinsicHash: string | undefined;
  constructor(message: string, options: OutcomeUnknownOptions = {}) {
    super(message, options);
    this.extrinsicHash = options.extrinsicHash;
  }
}

/**
 * The chain endpoint cannot be reached, or was lost and did not come back
 * within the reconnect attempts (for a sent transaction: its outcome is
 * unknown).
 */
export class ChainConnectionError extends ChainError {
  /** The transaction that was sent, if this was a submission. */
  readonly extrinsicHash: string | undefined;
  constructor(message: string, options: OutcomeUnknownOptions = {}) {
    super(message, options);
    this.extrinsicHash = options.extrinsicHash;
  }
}

/** Options of {@linkcode ChainTransactionError}. */
export interface ChainTransactionErrorOptions extends SubvalidErrorOptions {
  /** The JSON-RPC error code (1010 invalid, 1014 priority too low, ...). */
  code: number;
  /** The JSON-RPC error data (`"Custom error: 6"`, `"Transaction is outdated"`, ...). */
  data: string | undefined;
  /** The name of subtensor's custom error N, when known (`RateLimitExceeded`). */
  customErrorName?: string | undefined;
}

/** The node refused a transaction at submission (a transaction-pool error). */
export class ChainTransactionError extends ChainError {
  /** The JSON-RPC error code. */
  readonly code: number;
  /** The JSON-RPC error data. */
  readonly data: string | undefined;
  /** N of `"Custom error: N"` (subtensor's `CustomTransactionError`), if that is the data. */
  readonly customError: number | undefined;
  /** The custom error's name, when known (`RateLimitExceeded`). */
  readonly customErrorName: string | undefined;

  constructor(message: string, options: ChainTransactionErrorOptions) {
    super(message, options);
    this.code = options.code;
    this.data = options.data;
    const custom = options.data?.match(/Custom error: (\d+)/);
    this.customError = custom ? Number(custom[1]) : undefined;
    this.customErrorName = options.customErrorName;
  }
}

/** Options of {@linkcode ChainDispatchError}. */
export interface ChainDispatchErrorOptions extends SubvalidErrorOptions {
  /** The pallet, as polkadot.js names it (`subtensorModule`). */
  section: string;
  /** The module error's name (`SettingWeightsTooFast`). */
  error: string;
  /** The block the transaction was included in. */
  blockHash: string;
}

/** A transaction was included but failed (`System.ExtrinsicFailed`). */
export class ChainDispatchError extends ChainError {
  /** The pallet, as polkadot.js names it (`subtensorModule`). */
  readonly section: string;
  /** The module error's name (`SettingWeightsTooFast`). */
  readonly error: string;
  /** The block the transaction was included in. */
  readonly blockHash: string;

  constructor(message: string, options: ChainDispatchErrorOptions) {
    super(message, options);
    this.section = options.section;
    this.error = options.error;
    this.blockHash = options.blockHash;
  }
}
