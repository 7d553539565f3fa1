/**
 * Bittensor keyfile JSON (btwallet): `secretPhrase`, `secretSeed`,
 * `privateKey`, `publicKey`, `accountId`, `ss58Address`, all optional. Keys
 * are sr25519 with SS58 prefix 42. A pair is derived from the phrase, else the
 * seed, else the private key (btwallet's order) and must give the address the
 * file claims.
 *
 * @module
 */
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { hexToU8a, isHex, stringToU8a, u8aToHex } from "@polkadot/util";
import {
  cryptoWaitReady,
  decodeAddress,
  encodeAddress,
  mnemonicToMiniSecret,
  mnemonicValidate,
  sr25519PairFromSeed,
  sr25519Sign,
  sr25519Verify,
} from "@polkadot/util-crypto";
import { WalletError } from "./wallet_error.ts";

/** The SS58 prefix of bittensor addresses. */
export const SS58_PREFIX = 42;

/** The fields of a keyfile. */
export interface KeyfileData {
  accountId?: string;
  publicKey?: string;
  privateKey?: string;
  secretPhrase?: string;
  secretSeed?: string;
  ss58Address?: string;
}

const FIELDS = ["accountId", "publicKey", "privateKey", "secretPhrase", "secretSeed", "ss58Address"] as const;

/**
 * Parses keyfile JSON; `null` fields count as absent, unknown fields are ignored.
 *
 * @throws {WalletError} `malformed` for anything but a JSON object of string fields
 */
export function parseKeyfile(text: string, path: string): KeyfileData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WalletError(`Cannot read keyfile "${path}": not JSON (${(error as Error).message})`, {
      reason: "malformed",
      path,
      hint: "A keyfile is JSON or $NACL-encrypted JSON, as btcli writes it; regenerate or restore the key",
    });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new WalletError(`Cannot read keyfile "${path}": the JSON is not an object`, { reason: "malformed", path });
  }
  const data: KeyfileData = {};
  for (const field of FIELDS) {
    const value = (json as Record<string, unknown>)[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") {
      throw new WalletError(`Cannot read keyfile "${path}": field "${field}" is not a string`, {
        reason: "malformed",
        path,
      });
    }
    data[field] = value;
  }
  return data;
}

function hexField(data: KeyfileData, field: "secretSeed" | "privateKey", bytes: number, path: string): Uint8Array {
  const value = data[field]!;
  const normalized = value.startsWith("0x") ? value : `0x${value}`;
  if (!isHex(normalized) || (normalized.length - 2) / 2 !== bytes) {
    throw new WalletError(`Cannot read keyfile "${path}": "${field}" is not ${bytes} bytes of hex`, {
      reason: "malformed",
      path,
    });
  }
  return hexToU8a(normalized);
}

/** schnorrkel's canonical secret (`key ++ nonce`, as sp_core writes it) → polkadot.js's ed25519-expanded form. */
export function canonicalToExpandedSecret(canonical: Uint8Array): Uint8Array {
  const out = canonical.slice();
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const value = (canonical[i]! << 3) | carry;
    out[i] = value & 0xff;
    carry = value >> 8;
  }
  return out;
}

/** polkadot.js's ed25519-expanded secret → schnorrkel's canonical form (what btwallet's `privateKey` holds). */
export function expandedToCanonicalSecret(expanded: Uint8Array): Uint8Array {
  const out = expanded.slice();
  for (let i = 0; i < 32; i++) {
    out[i] = (expanded[i]! >> 3) | (i < 31 ? (expanded[i + 1]! & 0x07) << 5 : 0);
  }
  return out;
}

/** The address a keyfile claims (`ss58Address`, else `publicKey`/`accountId`), if any. */
export function claimedAddress(data: KeyfileData, path: string): string | undefined {
  try {
    const key = data.ss58Address !== undefined ? decodeAddress(data.ss58Address) : data.publicKey ?? data.accountId;
    if (key === undefined) return undefined;
    const publicKey = typeof key === "string" ? hexToU8a(key) : key;
    // SS58 also encodes 1, 2, 4, 8 and 33-byte ids; an sr25519 public key is 32 bytes.
    if (publicKey.length !== 32) throw new RangeError(`the public key is ${publicKey.length} bytes, not 32`);
    return encodeAddress(publicKey, SS58_PREFIX);
  } catch (error) {
    throw new WalletError(`Cannot read keyfile "${path}": bad address (${(error as Error).message})`, {
      reason: "malformed",
      path,
    });
  }
}

/**
 * Derives the sr25519 pair of a keyfile (phrase, else seed, else private key)
 * and checks it against the address the file claims.
 *
 * @throws {WalletError} `malformed` when there is no usable secret, `mismatch`
 * when the derived address differs from `ss58Address`/`publicKey`
 */
export async function keypairFromKeyfile(data: KeyfileData, path: string): Promise<KeyringPair> {
  if (data.secretPhrase === undefined && data.secretSeed === undefined && data.privateKey === undefined) {
    throw noSecret(path);
  }
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: SS58_PREFIX });
  const claimed = claimedAddress(data, path);
  let pair: KeyringPair;
  let source: string;
  if (data.secretPhrase !== undefined) {
    if (!mnemonicValidate(data.secretPhrase)) {
      throw new WalletError(`Cannot read keyfile "${path}": "secretPhrase" is not a valid BIP39 mnemonic`, {
        reason: "malformed",
        path,
      });
    }
    pair = keyring.addFromSeed(mnemonicToMiniSecret(data.secretPhrase));
    source = "secretPhrase";
  } else if (data.secretSeed !== undefined) {
    pair = keyring.addFromSeed(hexField(data, "secretSeed", 32, path));
    source = "secretSeed";
  } else if (data.privateKey !== undefined) {
    const secretKey = canonicalToExpandedSecret(hexField(data, "privateKey", 64, path));
    if (claimed === undefined) {
      throw new WalletError(
        `Cannot read keyfile "${path}": a "privateKey" needs "ss58Address" or "publicKey" beside it`,
        {
          reason: "malformed",
          path,
        },
      );
    }
    const publicKey = decodeAddress(claimed);
    const probe = stringToU8a("subvalid keyfile check");
    let verified: boolean;
    try {
      verified = sr25519Verify(probe, sr25519Sign(probe, { publicKey, secretKey }), publicKey);
    } catch {
      // A zero or out-of-range scalar: no sr25519 key at all (the message would not help, and names no file).
      throw new WalletError(`Cannot read keyfile "${path}": "privateKey" is not an sr25519 secret key`, {
        reason: "malformed",
        path,
      });
    }
    if (!verified) throw mismatch(path, "privateKey", claimed, "a different key");
    pair = keyring.addFromPair({ publicKey, secretKey });
    source = "privateKey";
  } else {
    throw noSecret(path);
  }
  if (claimed !== undefined && pair.address !== claimed) throw mismatch(path, source, claimed, pair.address);
  return pair;
}

function noSecret(path: string): WalletError {
  return new WalletError(`Cannot use keyfile "${path}": it holds no secret (only a public key)`, {
    reason: "malformed",
    path,
    hint: "Signing needs the full hotkey file (secretPhrase, secretSeed or privateKey), not a *pub.txt file",
  });
}

function mismatch(path: string, source: string, claimed: string, derived: string): WalletError {
  return new WalletError(
    `Cannot use keyfile "${path}": its ${source} derives ${derived}, but the file says ${claimed}`,
    { reason: "mismatch", path, hint: "The keyfile is corrupt or was edited; restore it from its mnemonic" },
  );
}

/** Keyfile JSON fields for an sr25519 key made from a 32-byte mini-secret seed (and optionally its mnemonic). */
export async function keyfileFromSeed(seed: Uint8Array, mnemonic?: string): Promise<KeyfileData> {
  await cryptoWaitReady();
  const { publicKey, secretKey } = sr25519PairFromSeed(seed);
  const data: KeyfileData = {
    accountId: u8aToHex(publicKey),
    publicKey: u8aToHex(publicKey),
    privateKey: u8aToHex(expandedToCanonicalSecret(secretKey)),
    secretSeed: u8aToHex(seed),
    ss58Address: encodeAddress(publicKey, SS58_PREFIX),
  };
  if (mnemonic !== undefined) data.secretPhrase = mnemonic;
  return data;
}

/** The public-only keyfile fields (`coldkeypub.txt`, `<hotkey>pub.txt`). */
export function publicKeyfile(address: string): KeyfileData {
  const publicKey = u8aToHex(decodeAddress(address));
  return { accountId: publicKey, publicKey, ss58Address: encodeAddress(publicKey, SS58_PREFIX) };
}
