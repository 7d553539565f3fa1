/**
 * The wallet's domain error.
 *
 * @module
 */
import { ExitCode, SubvalidError, type SubvalidErrorOptions } from "../errors/mod.ts";

/** Why a keyfile could not be used. */
export type WalletErrorReason =
  /** No file at the path. */
  | "missing"
  /** The file exists but cannot be read (permissions, a directory, ...). */
  | "unreadable"
  /** Not a keyfile: bad JSON, missing or invalid fields, an unsupported encryption. */
  | "malformed"
  /** Encrypted and no password was available. */
  | "locked"
  /** The password does not decrypt the file. */
  | "password"
  /** The secret does not derive the address the file claims. */
  | "mismatch";

/** Options of {@linkcode WalletError}. */
export interface WalletErrorOptions extends SubvalidErrorOptions {
  /** Why. */
  reason: WalletErrorReason;
  /** The file concerned. */
  path: string;
}

/** A keyfile is missing, unreadable, malformed, locked or does not match; exits with {@linkcode ExitCode.Wallet}. */
export class WalletError extends SubvalidError {
  override readonly exitCode = ExitCode.Wallet;
  /** Why the keyfile could not be used. */
  readonly reason: WalletErrorReason;
  /** The file concerned. */
  readonly path: string;

  constructor(message: string, options: WalletErrorOptions) {
    super(message, options);
    this.reason = options.reason;
    this.path = options.path;
  }
}
