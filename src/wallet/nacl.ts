/**
 * The `$NACL` keyfile encryption of bittensor wallets (btwallet): the file is
 * `"$NACL" ++ nonce(24) ++ secretbox(plaintext)`, the key is argon2i v1.3
 * (libsodium's `OPSLIMIT_SENSITIVE` = 8 passes, `MEMLIMIT_SENSITIVE` = 512 MiB,
 * one lane) of the password with a fixed salt, and the box is
 * XSalsa20-Poly1305.
 *
 * @module
 */
import { argon2i } from "hash-wasm";
import { hexToU8a, stringToU8a, u8aConcat, u8aEq } from "@polkadot/util";
import { naclDecrypt, naclEncrypt } from "@polkadot/util-crypto";

/** The `$NACL` prefix. */
export const NACL_PREFIX: Uint8Array = stringToU8a("$NACL");

/** The shortest `$NACL` contents: the prefix, a 24-byte nonce and the 16-byte authenticator of an empty box. */
export const NACL_MIN_BYTES = 5 + 24 + 16;

/** btwallet's fixed argon2i salt (`NACL_SALT`). */
export const NACL_SALT: Uint8Array = hexToU8a("0x137183dff15a09bc9c90b5518739e9b1");

/** Argon2i cost parameters. */
export interface Argon2Params {
  /** Passes. @default 8 */
  readonly iterations: number;
  /** Memory in KiB. @default 524288 (512 MiB) */
  readonly memoryKiB: number;
}

/** libsodium's `OPSLIMIT_SENSITIVE` / `MEMLIMIT_SENSITIVE`, which btwallet uses. */
export const BTWALLET_ARGON2: Argon2Params = Object.freeze({ iterations: 8, memoryKiB: 524_288 });

/** Whether file contents start with `$NACL`. */
export function isNaclEncrypted(bytes: Uint8Array): boolean {
  return bytes.length >= NACL_PREFIX.length && u8aEq(bytes.subarray(0, NACL_PREFIX.length), NACL_PREFIX);
}

/** The 32-byte secretbox key of a password. */
export function naclKey(password: string, params: Argon2Params = BTWALLET_ARGON2): Promise<Uint8Array> {
  return argon2i({
    password: stringToU8a(password),
    salt: NACL_SALT,
    iterations: params.iterations,
    memorySize: params.memoryKiB,
    parallelism: 1,
    hashLength: 32,
    outputType: "binary",
  });
}

/**
 * Decrypts `$NACL` contents; `undefined` when the password is wrong (the box does not open).
 *
 * @throws {RangeError} when the contents are too short to be a `$NACL` file
 */
export async function naclDecryptKeyfile(
  bytes: Uint8Array,
  password: string,
  params: Argon2Params = BTWALLET_ARGON2,
): Promise<Uint8Array | undefined> {
  const body = bytes.subarray(NACL_PREFIX.length);
  if (!isNaclEncrypted(bytes) || bytes.length < NACL_MIN_BYTES) {
    throw new RangeError(`Cannot decrypt keyfile: ${bytes.length} bytes is too short for $NACL contents`);
  }
  const plain = naclDecrypt(body.subarray(24), body.subarray(0, 24), await naclKey(password, params));
  return plain ?? undefined;
}

/** Encrypts keyfile contents as btwallet does (a random nonce). */
export async function naclEncryptKeyfile(
  plaintext: Uint8Array,
  password: string,
  params: Argon2Params = BTWALLET_ARGON2,
): Promise<Uint8Array> {
  const { encrypted, nonce } = naclEncrypt(plaintext, await naclKey(password, params));
  return u8aConcat(NACL_PREFIX, nonce, encrypted);
}
