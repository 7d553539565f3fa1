/**
 * Test helpers: write safetensors files (well-formed or deliberately not)
 * and small checkpoints in a temporary directory.
 *
 * @module
 */
import { join } from "node:path";
import { toBfloat16Bits, toFloat16Bits } from "./_dtype.ts";

/** A tensor to write: values are rounded to the dtype. */
export interface TestTensor {
  dtype: "BF16" | "F16" | "F32";
  shape: number[];
  /** Values, or one value for every element. */
  values: number[] | number;
}

/** A safetensors file from a raw header text and data bytes (for malformed cases). */
export function rawSafetensors(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Encodes tensors as a well-formed safetensors file (in the given order). */
export function encodeSafetensors(tensors: Record<string, TestTensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const values = typeof t.values === "number" ? new Array(n).fill(t.values) : t.values;
    if (values.length !== n) throw new RangeError(`Tensor "${name}" needs ${n} values`);
    const bytes = t.dtype === "F32"
      ? new Uint8Array(Float32Array.from(values).buffer)
      : new Uint8Array(Uint16Array.from(values, t.dtype === "BF16" ? toBfloat16Bits : toFloat16Bits).buffer);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const b of blobs) {
    data.set(b, at);
    at += b.length;
  }
  return rawSafetensors(JSON.stringify(header), data);
}

/** Copies a directory's files (not recursive) into a new temporary directory. */
export async function copyDir(from: string, prefix = "subvalid-build-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(dir, entry.name));
  }
  return dir;
}
