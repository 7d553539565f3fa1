/**
 * A small SCALE writer for the runtime-API results the devnet encodes by hand,
 * field by field in the order of the Rust structs, independently of the
 * polkadot.js type definitions the client decodes them with.
 *
 * @module
 */
import { bnToU8a, compactToU8a, u8aConcat } from "@polkadot/util";
import { decodeAddress } from "@polkadot/util-crypto";

/** Accumulates SCALE-encoded parts. */
export class ScaleWriter {
  readonly #parts: Uint8Array[] = [];

  /** Appends raw bytes. */
  raw(bytes: Uint8Array): this {
    this.#parts.push(bytes);
    return this;
  }

  /** Little-endian unsigned integer of `bits` bits. */
  uint(value: number | bigint, bits: 8 | 16 | 32 | 64 | 128): this {
    return this.raw(bnToU8a(BigInt(value), { bitLength: bits, isLe: true }));
  }

  /** Little-endian two's-complement signed integer of `bits` bits. */
  int(value: number | bigint, bits: 32 | 64 | 128): this {
    return this.raw(bnToU8a(BigInt(value), { bitLength: bits, isLe: true, isNegative: true }));
  }

  /** `bool`. */
  bool(value: boolean): this {
    return this.raw(new Uint8Array([value ? 1 : 0]));
  }

  /** `Compact<uN>`. */
  compact(value: number | bigint): this {
    return this.raw(compactToU8a(BigInt(value)));
  }

  /** `AccountId32` from an SS58 address or public key. */
  account(value: string | Uint8Array): this {
    const bytes = typeof value === "string" ? decodeAddress(value) : value;
    if (bytes.length !== 32) throw new RangeError(`Cannot encode account: ${bytes.length} bytes, expected 32`);
    return this.raw(bytes);
  }

  /** `Vec<u8>`. */
  bytes(value: Uint8Array): this {
    return this.compact(value.length).raw(value);
  }

  /** `Vec<T>` with an encoder per item. */
  vec<T>(items: readonly T[], each: (writer: this, item: T) => void): this {
    this.compact(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** `Option<T>`. */
  option<T>(value: T | undefined, each: (writer: this, item: T) => void): this {
    if (value === undefined) return this.raw(new Uint8Array([0]));
    this.raw(new Uint8Array([1]));
    each(this, value);
    return this;
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return u8aConcat(...this.#parts);
  }
}
