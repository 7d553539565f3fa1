/**
 * Frobenius norms of weight tensors, streamed from the safetensors bytes in
 * bounded chunks (never the whole tensor in memory). Elements are first
 * rounded to the dtype the reference validator loads the model in (bfloat16
 * for every SN37 competition) and the norm is rounded to it too, as
 * `weight.norm().item()` on a bfloat16 parameter reports it; the sum of
 * squares runs in float64.
 *
 * @module
 */
import { fromFloat16Bits, roundToBfloat16 } from "./_dtype.ts";
import type { CheckpointTensor } from "./checkpoint.ts";
import { readExactly } from "./safetensors.ts";

/** Options of {@linkcode tensorNorms}. */
export interface TensorNormsOptions {
  /** Round elements and results to bfloat16 (the reference loads with `torch_dtype=bfloat16`). @default true */
  bfloat16?: boolean;
  /** Chunk size in bytes. @default 16777216 */
  chunkBytes?: number;
  /** Cancels the reading. */
  signal?: AbortSignal;
}

let f16ToBf16: Float32Array | undefined;
let f16ToF32: Float32Array | undefined;

function halfTable(bfloat16: boolean): Float32Array {
  if (bfloat16) {
    f16ToBf16 ??= Float32Array.from({ length: 65536 }, (_, bits) => roundToBfloat16(fromFloat16Bits(bits)));
    return f16ToBf16;
  }
  f16ToF32 ??= Float32Array.from({ length: 65536 }, (_, bits) => fromFloat16Bits(bits));
  return f16ToF32;
}

/**
 * The Frobenius norm of each tensor, in the order given. Tensors are read
 * from `paths[tensor.file]`.
 *
 * @throws {RangeError} for dtypes other than BF16, F16 and F32
 */
export async function tensorNorms(
  tensors: readonly CheckpointTensor[],
  paths: Readonly<Record<string, string>>,
  options: TensorNormsOptions = {},
): Promise<number[]> {
  const bfloat16 = options.bfloat16 ?? true;
  const chunkBytes = Math.max(8, Math.floor((options.chunkBytes ?? 16 * 1024 * 1024) / 8) * 8);
  // Twice the chunk: bfloat16 chunks are widened to float32 in place.
  const buffer = new ArrayBuffer(chunkBytes * 2);
  const bytes = new Uint8Array(buffer, 0, chunkBytes);
  const u16 = new Uint16Array(buffer);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  const byFile = new Map<string, number[]>();
  tensors.forEach((t, i) => byFile.set(t.file, [...byFile.get(t.file) ?? [], i]));
  const norms: number[] = new Array(tensors.length).fill(0);
  for (const [file, indices] of byFile) {
    const path = paths[file];
    if (path === undefined) throw new RangeError(`No path for weight file "${file}"`);
    using handle = await Deno.open(path, { read: true });
    for (const i of indices.sort((a, b) => tensors[a]!.fileOffset - tensors[b]!.fileOffset)) {
      const t = tensors[i]!;
      if (t.dtype !== "BF16" && t.dtype !== "F16" && t.dtype !== "F32") {
        throw new RangeError(`Cannot measure tensor "${t.name}": dtype ${t.dtype} is not BF16, F16 or F32`);
      }
      await handle.seek(t.fileOffset, Deno.SeekMode.Start);
      let sum = 0;
      for (let done = 0; done < t.byteLength;) {
        options.signal?.throwIfAborted();
        const want = Math.min(chunkBytes, t.byteLength - done);
        const got = (await readExactly(handle, want, bytes)).length;
        if (got !== want) throw new RangeError(`Weight file "${file}" ended inside tensor "${t.name}"`);
        done += got;
        if (t.dtype === "BF16") sum += sumSquaresBf16(u16, u32, f32, got >> 1);
        else if (t.dtype === "F16") sum += sumSquaresTable(u16, got >> 1, halfTable(bfloat16));
        else sum += sumSquaresF32(u32, f32, got >> 2, bfloat16);
      }
      const norm = Math.sqrt(sum);
      norms[i] = bfloat16 ? roundToBfloat16(norm) : norm;
    }
  }
  return norms;
}

// bfloat16 elements are the top halves of float32s: widen in place from the end so nothing is overwritten early.
function sumSquaresBf16(u16: Uint16Array, u32: Uint32Array, f32: Float32Array, n: number): number {
  for (let i = n - 1; i >= 0; i--) u32[i] = u16[i]! << 16;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = f32[i]!;
    sum += x * x;
  }
  return sum;
}

function sumSquaresTable(u16: Uint16Array, n: number, table: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = table[u16[i]!]!;
    sum += x * x;
  }
  return sum;
}

function sumSquaresF32(u32: Uint32Array, f32: Float32Array, n: number, bfloat16: boolean): number {
  if (bfloat16) {
    for (let i = 0; i < n; i++) {
      const bits = u32[i]!;
      // Round to nearest even bfloat16 (NaN payloads stay NaN).
      if ((bits & 0x7fffffff) <= 0x7f800000) u32[i] = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16;
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = f32[i]!;
    sum += x * x;
  }
  return sum;
}
