/**
 * The plaintext of a timelocked weights commit: SCALE `WeightsTlockPayload
 * { hotkey: Vec<u8>, uids: Vec<u16>, values: Vec<u16>, version_key: u64 }`
 * (subtensor `reveal_commits.rs`, bittensor-drand `WeightsTlockPayload`).
 * On reveal the chain requires `hotkey` to be the committer's public key.
 *
 * @module
 */
import { compactFromU8a, compactToU8a, u8aConcat } from "@polkadot/util";

/** The fields of a `WeightsTlockPayload`. */
export interface WeightsTlockPayload {
  /** The committing hotkey's 32-byte public key. */
  readonly hotkey: Uint8Array;
  /** Destination uids. */
  readonly uids: readonly number[];
  /** u16 values, one per uid. */
  readonly values: readonly number[];
  /** The weights version key. */
  readonly versionKey: bigint;
}

function u16Vec(values: readonly number[], what: string): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`Cannot encode ${what}[${i}] "${v}" as u16`);
    view.setUint16(i * 2, v, true);
  });
  return u8aConcat(compactToU8a(values.length), out);
}

/** SCALE-encodes a {@linkcode WeightsTlockPayload}. */
export function encodeWeightsTlockPayload(payload: WeightsTlockPayload): Uint8Array {
  if (payload.versionKey < 0n || payload.versionKey >= 1n << 64n) {
    throw new RangeError(`Cannot encode version key "${payload.versionKey}" as u64`);
  }
  const versionKey = new Uint8Array(8);
  new DataView(versionKey.buffer).setBigUint64(0, payload.versionKey, true);
  return u8aConcat(
    compactToU8a(payload.hotkey.length),
    payload.hotkey,
    u16Vec(payload.uids, "uids"),
    u16Vec(payload.values, "values"),
    versionKey,
  );
}

/**
 * Decodes a SCALE `WeightsTlockPayload` (what the chain does after decrypting).
 *
 * @throws {SyntaxError} If the bytes are truncated or have trailing bytes.
 */
export function decodeWeightsTlockPayload(bytes: Uint8Array): WeightsTlockPayload {
  let offset = 0;
  const need = (n: number) => {
    if (offset + n > bytes.length) {
      throw new SyntaxError(`Cannot decode WeightsTlockPayload: truncated at byte ${offset} of ${bytes.length}`);
    }
  };
  const compact = () => {
    need(1);
    const [length, value] = compactFromU8a(bytes.subarray(offset));
    offset += length;
    return value.toNumber();
  };
  const hotkeyLength = compact();
  need(hotkeyLength);
  const hotkey = bytes.slice(offset, offset + hotkeyLength);
  offset += hotkeyLength;
  const u16s = () => {
    const n = compact();
    need(n * 2);
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * 2);
    offset += n * 2;
    return Array.from({ length: n }, (_, i) => view.getUint16(i * 2, true));
  };
  const uids = u16s();
  const values = u16s();
  need(8);
  const versionKey = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
  offset += 8;
  if (offset !== bytes.length) {
    throw new SyntaxError(`Cannot decode WeightsTlockPayload: ${bytes.length - offset} trailing bytes`);
  }
  return { hotkey, uids, values, versionKey };
}
