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

/** A chain call did not answer before its deadline. */
export class ChainTimeoutError extends ChainError {}

/** The chain endpoint cannot be reached (or was lost and did not come back within the reconnect attempts). */
export class ChainConnectionError extends ChainError {}

/** Options of {@linkcode ChainTransactionError}. */
export interface ChainTransactionErrorOptions extends SubvalidErrorOptions {
  /** The JSON-RPC error code (1010 invalid, 1014 priority too low, ...). */
  code: number;
  /** The JSON-RPC error data (`"Custom error: 6"`, `"Transaction is outdated"`, ...). */
  data: string | undefined;
}

/** The node refused a transaction at submission (a transaction-pool error). */
export class ChainTransactionError extends ChainError {
  /** The JSON-RPC error code. */
  readonly code: number;
  /** The JSON-RPC error data. */
  readonly data: string | undefined;
  /** N of `"Custom error: N"` (subtensor's `CustomTransactionError`), if that is the data. */
  readonly customError: number | undefined;

  constructor(message: string, options: ChainTransactionErrorOptions) {
    super(message, options);
    this.code = options.code;
    this.data = options.data;
    const custom = options.data?.match(/^Custom error: (\d+)$/);
    this.customError = custom ? Number(custom[1]) : undefined;
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
