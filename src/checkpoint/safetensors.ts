/**
 * Reads safetensors headers (never the tensor bytes): an 8-byte little-endian
 * header length, a JSON header mapping tensor names to `dtype`, `shape` and
 * `data_offsets`, then the raw bytes. The rules follow the format's reference
 * loader: a bounded header that is a JSON object, known dtypes, byte lengths
 * that match the shapes, and ranges that tile the data buffer exactly (no
 * overlaps, no holes, nothing beyond or after the end of the file).
 *
 * @module
 */
import { ModelFormatError } from "./errors.ts";

/** Bytes per element of each safetensors dtype. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** Largest header the reference loader accepts (100 MB). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** One tensor of a safetensors file. */
export interface SafetensorsTensor {
  /** Tensor name (`model.layers.0.self_attn.q_proj.weight`). */
  readonly name: string;
  /** Element type (`BF16`, `F16`, `F32`, ...). */
  readonly dtype: string;
  /** Dimensions. */
  readonly shape: readonly number[];
  /** Number of elements (product of `shape`). */
  readonly elements: number;
  /** Offset of the first byte in the file (8 + header length + `data_offsets[0]`). */
  readonly fileOffset: number;
  /** Number of bytes. */
  readonly byteLength: number;
}

/** A parsed safetensors header. */
export interface SafetensorsHeader {
  /** Length of the JSON header in bytes. */
  readonly headerLength: number;
  /** Offset of the data buffer in the file (8 + header length). */
  readonly dataStart: number;
  /** Size of the whole file in bytes. */
  readonly fileSize: number;
  /** Tensors by name, in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  /** The optional `__metadata__` string map. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The raw JSON header bytes (for hashing). */
  readonly rawHeader: Uint8Array;
}

/**
 * Parses a safetensors header from the first bytes of a file.
 *
 * @param prefix at least the first `8 + header length` bytes of the file
 * @param fileSize the size of the whole file
 * @param source a name for error messages (the file name)
 * @throws {ModelFormatError} when the header breaks any rule of the format
 */
export function parseSafetensorsHeader(prefix: Uint8Array, fileSize: number, source: string): SafetensorsHeader {
  const fail = (what: string): never => {
    throw new ModelFormatError(`Cannot read safetensors file "${source}": ${what}`, {
      hint: "The weight file is malformed; the miner must publish a valid safetensors checkpoint",
    });
  };
  if (fileSize < 8 || prefix.length < 8) fail(`the file has ${fileSize} bytes, fewer than the 8-byte header length`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    fail(`the header length is ${length} bytes, limit is ${MAX_SAFETENSORS_HEADER_BYTES} bytes`);
  }
  const headerLength = Number(length);
  if (8 + headerLength > fileSize) {
    fail(`the header length is ${headerLength} bytes but the file has only ${fileSize - 8} bytes after it`);
  }
  if (prefix.length < 8 + headerLength) throw new RangeError(`Need ${8 + headerLength} header bytes of "${source}"`);
  const rawHeader = prefix.subarray(8, 8 + headerLength);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawHeader));
  } catch (error) {
    fail(`the header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (rawHeader[0] !== 0x7b || typeof json !== "object" || json === null || Array.isArray(json)) {
    fail("the header is not a JSON object");
  }
  const dataStart = 8 + headerLength;
  const bufferLength = fileSize - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  const ranges: { name: string; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = parseMetadata(value, fail);
      continue;
    }
    const entry = parseEntry(name, value, fail);
    if (entry.end > bufferLength) {
      fail(`tensor "${name}" ends at data offset ${entry.end}, beyond the ${bufferLength} data bytes of the file`);
    }
    ranges.push({ name, begin: entry.begin, end: entry.end });
    tensors.set(name, {
      name,
      dtype: entry.dtype,
      shape: entry.shape,
      elements: entry.elements,
      fileOffset: dataStart + entry.begin,
      byteLength: entry.end - entry.begin,
    });
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const range of ranges) {
    if (range.begin < position) {
      fail(`tensor "${range.name}" overlaps the tensor before it (data offset ${range.begin})`);
    }
    if (range.begin > position) fail(`the data bytes ${position}..${range.begin} belong to no tensor`);
    position = range.end;
  }
  if (position !== bufferLength) {
    fail(`the tensors cover ${position} data bytes but the file has ${bufferLength} after the header`);
  }
  return { headerLength, dataStart, fileSize, tensors, metadata, rawHeader };
}

function parseMetadata(value: unknown, fail: (what: string) => never): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`"__metadata__" is not an object`);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== "string") fail(`"__metadata__.${key}" is not a string`);
    out[key] = item as string;
  }
  return out;
}

function parseEntry(
  name: string,
  value: unknown,
  fail: (what: string) => never,
): { dtype: string; shape: number[]; elements: number; begin: number; end: number } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`tensor "${name}" is not an object`);
  const { dtype, shape, data_offsets: offsets, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) fail(`tensor "${name}" has unknown field "${extra[0]}"`);
  if (typeof dtype !== "string") fail(`tensor "${name}" has no "dtype" string`);
  const size = SAFETENSORS_DTYPE_BYTES[dtype as string];
  if (size === undefined) fail(`tensor "${name}" has unknown dtype "${dtype}"`);
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor "${name}" has an invalid "shape"`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor "${name}" has invalid "data_offsets"`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] that end before they begin`);
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(elements * size!)) fail(`tensor "${name}" has a shape too large to address`);
  if (elements * size! !== end - begin) {
    fail(
      `tensor "${name}" of dtype ${dtype} and shape [${shape}] needs ${elements * size!} bytes, ` +
        `its data_offsets span ${end - begin}`,
    );
  }
  return { dtype: dtype as string, shape: [...shape as number[]], elements, begin, end };
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Options of {@linkcode readSafetensorsHeader}. */
export interface ReadHeaderOptions {
  /** Name used in error messages. @default the path */
  name?: string;
}

/**
 * Reads and parses the header of a safetensors file (only the header bytes
 * are read).
 *
 * @throws {ModelFormatError} when the header is malformed
 * @throws {Deno.errors.NotFound} when the file does not exist
 */
export async function readSafetensorsHeader(path: string, options: ReadHeaderOptions = {}): Promise<SafetensorsHeader> {
  const name = options.name ?? path;
  using file = await Deno.open(path, { read: true });
  const { size } = await file.stat();
  const head = await readExactly(file, Math.min(8, size));
  if (head.length < 8) return parseSafetensorsHeader(head, size, name);
  const length = new DataView(head.buffer).getBigUint64(0, true);
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES) || 8 + Number(length) > size) {
    return parseSafetensorsHeader(head, size, name);
  }
  const prefix = new Uint8Array(8 + Number(length));
  prefix.set(head);
  prefix.set(await readExactly(file, Number(length)), 8);
  return parseSafetensorsHeader(prefix, size, name);
}

/** Reads exactly `length` bytes (fewer only at end of file). */
export async function readExactly(file: Deno.FsFile, length: number, into?: Uint8Array): Promise<Uint8Array> {
  const buffer = into ?? new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(buffer.subarray(filled, length));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}
