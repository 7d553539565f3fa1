/**
 * Drand quicknet timelock encryption, as the chain's commit-reveal v3/v4
 * expects it (research/chain.md §2.6): identity-based encryption over
 * BLS12-381 ("TinyBLS381") with the AES-GCM stream cipher, through the WASM
 * build of the same `timelock` crate (`@ideallabs/timelock_wasm_wrapper`).
 * The identity of round `r` is `sha256(u64be(r))`; the ciphertext opens with
 * the drand BLS signature of round `r`.
 *
 * This is the only module that imports the WASM wrapper.
 *
 * @module
 */
import initTimelock, { tld, tle } from "@ideallabs/timelock_wasm_wrapper";
import { hexToU8a } from "@polkadot/util";

/** The drand quicknet beacon the chain's `Drand` pallet follows (api.drand.sh/<chainHash>/info). */
export const QUICKNET = Object.freeze({
  /** Compressed G2 public key, 96 bytes. */
  publicKey:
    "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
  /** The chain hash naming the beacon. */
  chainHash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
  /** Unix time (seconds) of round 1. */
  genesisTime: 1692803367,
  /** Seconds between rounds. */
  periodSeconds: 3,
});

/**
 * A real quicknet pulse, round 1000: the one subtensor's own tests insert into
 * `Drand::Pulses`. It opens ciphertexts for round 1000 only.
 */
export const QUICKNET_ROUND_1000 = Object.freeze({
  round: 1000,
  randomness: "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd",
  signature: "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39",
});

const CURVE = "bls12_381";
let ready: Promise<unknown> | undefined;

/** Loads the WASM module once (it reads `timelock_wasm_wrapper_bg.wasm` beside the package). */
function loadTimelock(): Promise<unknown> {
  ready ??= initTimelock().catch((error: unknown) => {
    ready = undefined;
    throw new Error(`Cannot load the timelock WASM module: ${(error as Error).message}`, { cause: error });
  });
  return ready;
}

/** The IBE identity of a drand round: `sha256(round as u64 big-endian)`. */
export async function roundIdentity(round: number | bigint): Promise<Uint8Array> {
  const be = new Uint8Array(8);
  new DataView(be.buffer).setBigUint64(0, BigInt(round));
  return new Uint8Array(await crypto.subtle.digest("SHA-256", be));
}

/** Options of {@linkcode timelockEncrypt}. */
export interface TimelockEncryptOptions {
  /** The 32-byte symmetric key sealed in the ciphertext. @default 32 random bytes */
  ephemeralKey?: Uint8Array;
}

/**
 * Encrypts `plaintext` so that only the quicknet signature of `round` opens
 * it. Returns the compressed `TLECiphertext` bytes the chain deserializes.
 *
 * @throws {RangeError} If `round` is not a positive integer.
 */
export async function timelockEncrypt(
  plaintext: Uint8Array,
  round: number,
  options: TimelockEncryptOptions = {},
): Promise<Uint8Array> {
  if (!Number.isSafeInteger(round) || round < 1) {
    throw new RangeError(`Cannot timelock-encrypt: round "${round}" is not a positive integer`);
  }
  const key = options.ephemeralKey ?? crypto.getRandomValues(new Uint8Array(32));
  if (key.length !== 32) throw new RangeError(`Cannot timelock-encrypt: the key has ${key.length} bytes, expected 32`);
  await loadTimelock();
  const identity = await roundIdentity(round);
  try {
    return Uint8Array.from(tle(identity, plaintext, key, hexToU8a(QUICKNET.publicKey), CURVE) as number[]);
  } catch (error) {
    throw new Error(`Cannot timelock-encrypt for round ${round}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Decrypts a timelock ciphertext with a round's drand signature (48 bytes,
 * compressed G1), as the chain does on reveal.
 *
 * @throws {Error} If the ciphertext is malformed or the signature is not the
 * one of the round it was encrypted for.
 */
export async function timelockDecrypt(ciphertext: Uint8Array, signature: Uint8Array | string): Promise<Uint8Array> {
  await loadTimelock();
  const sig = typeof signature === "string"
    ? hexToU8a(signature.startsWith("0x") ? signature : `0x${signature}`)
    : signature;
  try {
    return Uint8Array.from(tld(ciphertext, sig, CURVE) as number[]);
  } catch (error) {
    throw new Error(`Cannot timelock-decrypt: ${(error as Error).message}`, { cause: error });
  }
}
