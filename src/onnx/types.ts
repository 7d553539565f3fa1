/**
 * The ONNX protobuf messages subvalid reads and writes, as plain objects.
 * Field names follow onnx.proto in camelCase. Fields this code does not
 * model are kept raw in `unknown` and written back unchanged.
 *
 * @module
 */

/** `TensorProto.DataType`. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
} as const;

/** Bits per element of each fixed-size data type (strings are variable). */
export const DATA_TYPE_BITS: Readonly<Record<number, number>> = {
  1: 32,
  2: 8,
  3: 8,
  4: 16,
  5: 16,
  6: 32,
  7: 64,
  9: 8,
  10: 16,
  11: 64,
  12: 32,
  13: 64,
  14: 64,
  15: 128,
  16: 16,
  17: 8,
  18: 8,
  19: 8,
  20: 8,
  21: 4,
  22: 4,
};

/** `AttributeProto.AttributeType`. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** Raw encoded fields this code does not model (tag included). */
export interface HasUnknown {
  unknown?: Uint8Array[];
}

/** `StringStringEntryProto`. */
export interface StringEntry {
  key: string;
  value: string;
}

/** `TensorProto`. Bulk data stays a view into the source bytes. */
export interface Tensor extends HasUnknown {
  dims: number[];
  dataType: number;
  name: string;
  docString?: string;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  uint64Data?: number[];
  stringData?: Uint8Array[];
  externalData?: StringEntry[];
  /** 0 = DEFAULT (inline), 1 = EXTERNAL. */
  dataLocation?: number;
}

/** `TensorShapeProto.Dimension`. */
export interface Dimension {
  dimValue?: number;
  dimParam?: string;
}

/** `TypeProto`; only tensor types are modelled, others stay raw. */
export interface TypeProto extends HasUnknown {
  tensorType?: { elemType: number; shape?: Dimension[] };
}

/** `ValueInfoProto`. */
export interface ValueInfo extends HasUnknown {
  name: string;
  type?: TypeProto;
  docString?: string;
}

/** `AttributeProto`. */
export interface Attribute extends HasUnknown {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: Tensor;
  g?: Graph;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: Tensor[];
  graphs?: Graph[];
  refAttrName?: string;
  docString?: string;
}

/** `NodeProto`. */
export interface Node extends HasUnknown {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute: Attribute[];
  docString?: string;
}

/** `GraphProto`. */
export interface Graph extends HasUnknown {
  node: Node[];
  name: string;
  initializer: Tensor[];
  docString?: string;
  input: ValueInfo[];
  output: ValueInfo[];
  valueInfo: ValueInfo[];
}

/** `OperatorSetIdProto`. */
export interface OpsetId {
  domain: string;
  version: number;
}

/** `ModelProto`. Model-local functions are kept raw in `unknown`. */
export interface Model extends HasUnknown {
  irVersion: number;
  opsetImport: OpsetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: Graph;
  metadataProps?: StringEntry[];
}
