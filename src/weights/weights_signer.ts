/**
 * The weight setter's own chain connection and its hotkey, on top of the
 * chain module's `connectChain` (deadline, custom extensions, bounded
 * reconnects) and the wallet module's `loadHotkey` (plain or `$NACL`).
 * The weight setter never shares the reader's connection.
 *
 * @module
 */
import type { Config } from "../config/mod.ts";
import { hotkeyPath, isNaclEncrypted, loadHotkey, type LoadHotkeyOptions } from "../wallet/mod.ts";
import { claimedAddress, parseKeyfile } from "../wallet/keyfile.ts";
import { type ChainClient, connectChain, type ConnectChainOptions } from "../chain/mod.ts";
import type { KeyringPair } from "@polkadot/keyring/types";

/** The hotkey that signs weights. */
export interface WeightsSigner {
  /** SS58 address. */
  readonly address: string;
  /** The key pair; absent when only the address was needed and the file said it. */
  readonly pair?: KeyringPair;
}

/** Options of {@linkcode loadWeightsSigner}. */
export interface LoadWeightsSignerOptions extends Pick<LoadHotkeyOptions, "password" | "prompt" | "env" | "kdf"> {
  /** Whether the secret is needed (to sign). Without it a plain keyfile's address is enough. @default true */
  needSecret?: boolean;
}

/**
 * Loads the configured hotkey (`<wallet.path>/<wallet.name>/hotkeys/<wallet.hotkey>`).
 *
 * @throws {WalletError} for a missing, unreadable, malformed, locked or mismatching keyfile
 */
export async function loadWeightsSigner(
  config: Config,
  options: LoadWeightsSignerOptions = {},
): Promise<WeightsSigner> {
  if (options.needSecret === false) {
    const address = await plainAddress(config);
    if (address !== undefined) return { address };
  }
  const { needSecret: _, ...load } = options;
  const hotkey = await loadHotkey(config.wallet, load);
  return { address: hotkey.address, pair: hotkey.pair };
}

/** The address a plain keyfile claims, or undefined (encrypted, or no address in it). */
async function plainAddress(config: Config): Promise<string | undefined> {
  const path = hotkeyPath(config.wallet);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    return undefined; // loadHotkey reports the problem with its own words
  }
  if (isNaclEncrypted(bytes)) return undefined;
  try {
    return claimedAddress(parseKeyfile(new TextDecoder().decode(bytes), path), path);
  } catch {
    return undefined;
  }
}

/**
 * The configured hotkey's SS58 address, without asking for a password: from
 * a plain keyfile, or from an encrypted one when `BT_WALLET_PASSWORD` is set.
 */
export async function hotkeyAddress(config: Config): Promise<string> {
  return (await loadWeightsSigner(config, { needSecret: false, prompt: false })).address;
}

/** Options of {@linkcode connectWeightsWriter}. */
export interface ConnectWeightsWriterOptions extends Pick<ConnectChainOptions, "reconnect" | "log"> {
  /** Closes the connection when aborted. */
  signal?: AbortSignal;
  /** Deadline of connecting and default call deadline. @default 30_000 */
  timeoutMs?: number;
}

/** Opens the weight setter's own connection to the configured endpoint (never the reader's). */
export function connectWeightsWriter(config: Config, options: ConnectWeightsWriterOptions = {}): Promise<ChainClient> {
  return connectChain(config.subtensor.chainEndpoint, {
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
