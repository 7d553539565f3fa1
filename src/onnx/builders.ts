/**
 * Small constructors for ONNX graph pieces: nodes, attributes, tensors and
 * value infos.
 *
 * @module
 */
import {
  type Attribute,
  AttributeType,
  DataType,
  type Dimension,
  type Node,
  type StringEntry,
  type Tensor,
  type ValueInfo,
} from "./types.ts";

/** An attribute value accepted by {@linkcode node}. */
export type AttributeValue = number | string | readonly number[] | Tensor | { float: number } | {
  floats: readonly number[];
};

/** Options of {@linkcode node}. */
export interface NodeOptions {
  /** Node name. */
  name?: string;
  /** Operator domain (`""` for the standard one, `"com.microsoft"`). @default "" */
  domain?: string;
}

/**
 * Builds a node. Integer attributes are numbers (`{float: x}` forces a float),
 * arrays of integers become INTS (`{floats: [...]}` forces FLOATS), strings
 * become STRING and tensors TENSOR.
 *
 * @example
 * ```ts
 * import { node } from "./builders.ts";
 * const n = node("Gather", ["embed", "input_ids"], ["hidden"], { axis: 0 });
 * console.assert(n.attribute[0]?.i === 0);
 * ```
 */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>> = {},
  options: NodeOptions = {},
): Node {
  const n: Node = {
    input: [...inputs],
    output: [...outputs],
    opType,
    attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
  };
  if (options.name !== undefined) n.name = options.name;
  if (options.domain) n.domain = options.domain;
  return n;
}

/** Builds one attribute from a value (see {@linkcode node}). */
export function attribute(name: string, value: AttributeValue): Attribute {
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? { name, type: AttributeType.INT, i: value }
      : { name, type: AttributeType.FLOAT, f: value };
  }
  if (typeof value === "string") return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: [...value] };
  if ("float" in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ("floats" in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.TENSOR, t: value as Tensor };
}

/** A tensor value info; `dims` entries are sizes or symbolic names. */
export function valueInfo(name: string, elemType: number, dims?: readonly (number | string)[]): ValueInfo {
  const shape: Dimension[] | undefined = dims?.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d });
  return { name, type: { tensorType: shape ? { elemType, shape } : { elemType } } };
}

/** An inline tensor from typed data. */
export function tensor(
  name: string,
  dims: readonly number[],
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array,
  dataType?: number,
): Tensor {
  const inferred = data instanceof Float32Array
    ? DataType.FLOAT
    : data instanceof BigInt64Array
    ? DataType.INT64
    : data instanceof Int32Array
    ? DataType.INT32
    : undefined;
  const type = dataType ?? inferred;
  if (type === undefined) throw new TypeError(`Cannot build tensor "${name}": give a data type for this array`);
  return {
    name,
    dims: [...dims],
    dataType: type,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** An int64 tensor (scalar when `dims` is empty). */
export function int64Tensor(
  name: string,
  values: readonly number[],
  dims: readonly number[] = [values.length],
): Tensor {
  return tensor(name, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
}

/** A float32 tensor (scalar when `dims` is empty). */
export function floatTensor(
  name: string,
  values: readonly number[],
  dims: readonly number[] = [values.length],
): Tensor {
  return tensor(name, dims, Float32Array.from(values));
}

/** A tensor whose bytes live in an external file, at an offset. */
export function externalTensor(
  name: string,
  dims: readonly number[],
  dataType: number,
  location: string,
  offset: number,
  length: number,
): Tensor {
  const externalData: StringEntry[] = [
    { key: "location", value: location },
    { key: "offset", value: String(offset) },
    { key: "length", value: String(length) },
  ];
  return { name, dims: [...dims], dataType, externalData, dataLocation: 1 };
}
