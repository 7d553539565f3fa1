/**
 * The weight setter's own chain connection and its hotkey, built on the
 * chain module's connection and the wallet module's hotkey loader.
 *
 * @module
 */
import type { ApiPromise } from "@polkadot/api";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Config } from "../config/mod.ts";

/** The hotkey that signs weights. */
export interface WeightsSigner {
  /** SS58 address. */
  readonly address: string;
  /** The key pair; absent when only the address was needed. */
  readonly pair?: KeyringPair;
}

/** A writer connection, closed by `await using` or `close()`. */
export interface WeightsWriter extends AsyncDisposable {
  readonly api: ApiPromise;
  close(): Promise<void>;
}

/** Loads the configured hotkey. */
export function loadWeightsSigner(
  _config: Config,
  _options: { signal?: AbortSignal; needSecret: boolean },
): Promise<WeightsSigner> {
  return Promise.reject(new Error("not wired yet"));
}

/** Opens the weight setter's own connection to the configured endpoint. */
export function connectWeightsWriter(_config: Config, _options: { signal?: AbortSignal }): Promise<WeightsWriter> {
  return Promise.reject(new Error("not wired yet"));
}

/** The configured hotkey's SS58 address, without decrypting anything. */
export function hotkeyAddress(_config: Config): Promise<string> {
  return Promise.reject(new Error("not wired yet"));
}
