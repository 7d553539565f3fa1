/**
 * Drand quicknet timelock encryption (the `timelock` crate compiled to WASM,
 * `@ideallabs/timelock_wasm_wrapper`), as subtensor uses it for commit-reveal
 * v4: identity `sha256(round as u64 big-endian)`, BLS12-381 with signatures in
 * G1, AES-GCM stream cipher.
 *
 * @module
 */
import { initSync, tld, tle } from "@ideallabs/timelock_wasm_wrapper";
import { hexToU8a } from "@polkadot/util";
import { sha256AsU8a } from "@polkadot/util-crypto";

/** The drand quicknet public key (compressed G2, 96 bytes). */
export const QUICKNET_PUBLIC_KEY: Uint8Array = hexToU8a(
  "0x83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921c" +
    "c22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
);

/** A real quicknet beacon: round 1000 and its signature (the value subtensor's own tests insert). */
export const QUICKNET_ROUND_1000: {
  readonly round: number;
  readonly signature: Uint8Array;
  readonly randomness: Uint8Array;
} = {
  round: 1000,
  signature: hexToU8a(
    "0xb44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39",
  ),
  randomness: hexToU8a("0xfe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"),
};

let ready = false;

function init(): void {
  if (ready) return;
  const url = new URL("timelock_wasm_wrapper_bg.wasm", import.meta.resolve("@ideallabs/timelock_wasm_wrapper"));
  initSync({ module: Deno.readFileSync(url) });
  ready = true;
}

/** The IBE identity of a drand round: `sha256(u64 big-endian round)`. */
export function drandIdentity(round: number | bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(round), false);
  return sha256AsU8a(bytes);
}

/** Encrypts `payload` so that the signature of drand quicknet round `round` decrypts it. */
export function timelockEncrypt(payload: Uint8Array, round: number | bigint): Uint8Array {
  init();
  const ephemeral = crypto.getRandomValues(new Uint8Array(32));
  return Uint8Array.from(tle(drandIdentity(round), payload, ephemeral, QUICKNET_PUBLIC_KEY, "bls12_381") as number[]);
}

/**
 * Decrypts a timelock ciphertext with a round's beacon signature.
 *
 * @throws {Error} when the ciphertext or signature does not deserialize or the signature is not the round's
 */
export function timelockDecrypt(ciphertext: Uint8Array, signature: Uint8Array): Uint8Array {
  init();
  return Uint8Array.from(tld(ciphertext, signature, "bls12_381") as number[]);
}
