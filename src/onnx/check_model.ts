/**
 * Checks on an untrusted ONNX model before a runtime opens it: operator
 * domains limited to the standard ones and `com.microsoft`, no model-local
 * functions, training info or sparse tensors, external-data locations that
 * are plain relative paths, and every tensor's declared size consistent
 * with the bytes that back it (inline, or in its external file).
 *
 * @module
 */
import { ProtoReader } from "./_wire.ts";
import { DATA_TYPE_BITS, DataType, type Graph, type Model, type Node, type Tensor } from "./types.ts";

/** The operator domains a checked model may use. */
export const ALLOWED_DOMAINS: readonly string[] = ["", "ai.onnx", "com.microsoft"];

/** A model that fails a check. The message names the problem. */
export class UnsafeModelError extends Error {
  override get name(): string {
    return "UnsafeModelError";
  }
}

/** One tensor whose bytes live in an external file. */
export interface ExternalTensorRef {
  /** The tensor. */
  readonly tensor: Tensor;
  /** The `location` entry as written. */
  readonly location: string;
  /** Byte offset in the file. */
  readonly offset: number;
  /** The `length` entry, if present. */
  readonly length: number | undefined;
  /** Bytes the tensor's dims and type need. */
  readonly byteSize: number;
}

/** Calls `visit` for every tensor of a graph: initializers and attribute tensors, subgraphs included. */
export function forEachTensor(graph: Graph, visit: (tensor: Tensor) => void): void {
  for (const t of graph.initializer) visit(t);
  for (const n of graph.node) {
    for (const a of n.attribute) {
      if (a.t) visit(a.t);
      for (const t of a.tensors ?? []) visit(t);
      if (a.g) forEachTensor(a.g, visit);
      for (const g of a.graphs ?? []) forEachTensor(g, visit);
    }
  }
}

/** Calls `visit` for every node of a graph, subgraph nodes included. */
export function forEachNode(graph: Graph, visit: (node: Node) => void): void {
  for (const n of graph.node) {
    visit(n);
    for (const a of n.attribute) {
      if (a.g) forEachNode(a.g, visit);
      for (const g of a.graphs ?? []) forEachNode(g, visit);
    }
  }
}

function fieldsOf(unknown: readonly Uint8Array[] | undefined): number[] {
  return (unknown ?? []).map((raw) => new ProtoReader(raw).tag().field);
}

/** Elements of a tensor's dims, or an error for negative or absurd dims. */
function elementCount(t: Tensor): number {
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new UnsafeModelError(`Tensor "${t.name}" has a bad dimension ${d}`);
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER / 16) {
      throw new UnsafeModelError(`Tensor "${t.name}" declares dims [${t.dims.join(", ")}], far too large`);
    }
  }
  return n;
}

/** Bytes a tensor's dims and type need (strings: 0). */
export function tensorByteSize(t: Tensor): number {
  const n = elementCount(t);
  if (t.dataType === DataType.STRING) return 0;
  const bits = DATA_TYPE_BITS[t.dataType];
  if (bits === undefined) throw new UnsafeModelError(`Tensor "${t.name}" has an unknown data type ${t.dataType}`);
  return Math.ceil((n * bits) / 8);
}

/** Whether a tensor's bytes live in an external file. */
export function isExternal(t: Tensor): boolean {
  return t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0;
}

/**
 * Checks an external-data location: a non-empty relative path without `..`,
 * backslashes, NUL or a drive letter.
 *
 * @throws {UnsafeModelError} naming the location and what is wrong with it
 */
export function checkLocation(location: string, tensorName: string): void {
  const what = `External data location "${location}" of tensor "${tensorName}"`;
  if (location === "") throw new UnsafeModelError(`${what} is empty`);
  if (location.startsWith("/") || /^[A-Za-z]:/.test(location)) throw new UnsafeModelError(`${what} is absolute`);
  if (location.includes("\\") || location.includes("\0")) {
    throw new UnsafeModelError(`${what} contains a backslash or NUL`);
  }
  if (location.split("/").some((part) => part === "..")) throw new UnsafeModelError(`${what} contains ".."`);
}

function externalRef(t: Tensor): ExternalTensorRef {
  const entries = new Map((t.externalData ?? []).map((e) => [e.key, e.value]));
  const location = entries.get("location");
  if (location === undefined) throw new UnsafeModelError(`Tensor "${t.name}" is external but has no location`);
  checkLocation(location, t.name);
  const number = (key: string): number | undefined => {
    const text = entries.get(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
      throw new UnsafeModelError(`Tensor "${t.name}" has a bad external-data ${key} "${text}"`);
    }
    return value;
  };
  const byteSize = tensorByteSize(t);
  const length = number("length");
  if (length !== undefined && length !== byteSize) {
    throw new UnsafeModelError(
      `Tensor "${t.name}" declares dims [${t.dims.join(", ")}] (${byteSize} bytes) but external length ${length}`,
    );
  }
  return { tensor: t, location, offset: number("offset") ?? 0, length, byteSize };
}

function checkInline(t: Tensor): void {
  const n = elementCount(t);
  const size = tensorByteSize(t);
  const declared = `declares dims [${t.dims.join(", ")}]`;
  if (t.rawData !== undefined) {
    if (t.rawData.byteLength !== size) {
      throw new UnsafeModelError(`Tensor "${t.name}" ${declared} (${size} bytes) but holds ${t.rawData.byteLength}`);
    }
    return;
  }
  const lists = [t.floatData, t.int32Data, t.int64Data, t.doubleData, t.uint64Data, t.stringData];
  const held = lists.reduce((sum, list) => sum + (list?.length ?? 0), 0);
  const expected = t.dataType === DataType.COMPLEX64 || t.dataType === DataType.COMPLEX128 ? 2 * n : n;
  const packed = t.dataType === DataType.INT4 || t.dataType === DataType.UINT4 ? Math.ceil(n / 2) : expected;
  if (held !== expected && held !== packed) {
    throw new UnsafeModelError(`Tensor "${t.name}" ${declared} (${n} elements) but holds ${held}`);
  }
}

/**
 * Checks the model's structure and lists its external tensors. File sizes
 * are checked separately by {@linkcode checkExternalSizes}.
 *
 * @throws {UnsafeModelError} naming the first problem found
 */
export function checkModel(model: Model): ExternalTensorRef[] {
  for (const field of fieldsOf(model.unknown)) {
    if (field === 25) throw new UnsafeModelError("The model has model-local functions, which are not allowed");
    if (field === 20) throw new UnsafeModelError("The model has training info, which is not allowed");
  }
  for (const opset of model.opsetImport) {
    if (!ALLOWED_DOMAINS.includes(opset.domain)) {
      throw new UnsafeModelError(
        `The model imports operator domain "${opset.domain}"; only the standard domain and "com.microsoft" are allowed`,
      );
    }
  }
  const checkGraphFields = (g: Graph) => {
    if (fieldsOf(g.unknown).includes(15)) {
      throw new UnsafeModelError(`Graph "${g.name}" has sparse initializers, which are not allowed`);
    }
  };
  checkGraphFields(model.graph);
  forEachNode(model.graph, (n) => {
    const domain = n.domain ?? "";
    if (!ALLOWED_DOMAINS.includes(domain)) {
      throw new UnsafeModelError(
        `Node "${
          n.name ?? n.opType
        }" uses operator "${n.opType}" of domain "${domain}"; only the standard domain and "com.microsoft" are allowed`,
      );
    }
    for (const a of n.attribute) {
      const fields = fieldsOf(a.unknown);
      if (fields.includes(22) || fields.includes(23)) {
        throw new UnsafeModelError(`Node "${n.name ?? n.opType}" has a sparse tensor attribute, which is not allowed`);
      }
      if (a.g) checkGraphFields(a.g);
      for (const g of a.graphs ?? []) checkGraphFields(g);
    }
  });
  const refs: ExternalTensorRef[] = [];
  forEachTensor(model.graph, (t) => {
    if (isExternal(t)) refs.push(externalRef(t));
    else checkInline(t);
  });
  return refs;
}

/**
 * Checks that every external tensor fits in its file.
 *
 * @param sizes file size in bytes by location
 * @throws {UnsafeModelError} for a tensor that runs past the end of its file
 */
export function checkExternalSizes(refs: readonly ExternalTensorRef[], sizes: ReadonlyMap<string, number>): void {
  for (const ref of refs) {
    const size = sizes.get(ref.location);
    if (size === undefined) throw new UnsafeModelError(`External data file "${ref.location}" was not found`);
    if (ref.offset + ref.byteSize > size) {
      throw new UnsafeModelError(
        `Tensor "${ref.tensor.name}" declares dims [${
          ref.tensor.dims.join(", ")
        }] (${ref.byteSize} bytes at offset ${ref.offset}) but "${ref.location}" has ${size} bytes`,
      );
    }
  }
}
