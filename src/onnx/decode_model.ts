/**
 * Decodes ONNX protobuf bytes into {@linkcode Model} objects. Tensor bytes are
 * views into the input, never copies.
 *
 * @module
 */
import { ProtoReader } from "./_wire.ts";
import type {
  Attribute,
  Dimension,
  Graph,
  Model,
  Node,
  OpsetId,
  StringEntry,
  Tensor,
  TypeProto,
  ValueInfo,
} from "./types.ts";

/**
 * How deep subgraphs (the `g`/`graphs` attributes of `If`, `Loop`, `Scan`)
 * may nest. Real models nest a few levels; protobuf's default recursion
 * limit (100 messages, 3 per subgraph level) stops ONNX Runtime near 32; and
 * without a limit a few kilobytes of nested graphs decode but overflow the
 * stack of every recursive walk after it (encoding, checks).
 */
export const MAX_SUBGRAPH_DEPTH = 32;

/**
 * Decodes a serialized `ModelProto`.
 *
 * @throws {SyntaxError} when the bytes are not a well-formed ONNX model, or
 * its subgraphs nest deeper than {@linkcode MAX_SUBGRAPH_DEPTH}
 */
export function decodeModel(bytes: Uint8Array): Model {
  try {
    const model = readModel(new ProtoReader(bytes));
    if (model.graph === undefined) throw new RangeError("the model has no graph");
    return model as Model;
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    throw new SyntaxError(`Cannot decode ONNX model: ${(error as Error).message}`, { cause: error });
  }
}

function keep(target: { unknown?: Uint8Array[] }, raw: Uint8Array): void {
  (target.unknown ??= []).push(raw);
}

function readModel(r: ProtoReader): Partial<Model> & { opsetImport: OpsetId[] } {
  const m: Partial<Model> & { opsetImport: OpsetId[] } = { irVersion: 0, opsetImport: [] };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        m.irVersion = r.int64();
        break;
      case 2:
        m.producerName = r.string();
        break;
      case 3:
        m.producerVersion = r.string();
        break;
      case 4:
        m.domain = r.string();
        break;
      case 5:
        m.modelVersion = r.int64();
        break;
      case 6:
        m.docString = r.string();
        break;
      case 7:
        m.graph = readGraph(r.message(), 0);
        break;
      case 8:
        m.opsetImport.push(readOpset(r.message()));
        break;
      case 14:
        (m.metadataProps ??= []).push(readEntry(r.message()));
        break;
      default:
        keep(m, r.skip(wire, start));
    }
  }
  return m;
}

function readOpset(r: ProtoReader): OpsetId {
  const o: OpsetId = { domain: "", version: 0 };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    if (field === 1) o.domain = r.string();
    else if (field === 2) o.version = r.int64();
    else r.skip(wire, start);
  }
  return o;
}

function readEntry(r: ProtoReader): StringEntry {
  const e: StringEntry = { key: "", value: "" };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    if (field === 1) e.key = r.string();
    else if (field === 2) e.value = r.string();
    else r.skip(wire, start);
  }
  return e;
}

/** Decodes a `GraphProto` message nested `depth` subgraphs deep (0 for the main graph). */
export function readGraph(r: ProtoReader, depth: number): Graph {
  if (depth > MAX_SUBGRAPH_DEPTH) throw new RangeError(`subgraphs nest deeper than ${MAX_SUBGRAPH_DEPTH} levels`);
  const g: Graph = { node: [], name: "", initializer: [], input: [], output: [], valueInfo: [] };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        g.node.push(readNode(r.message(), depth));
        break;
      case 2:
        g.name = r.string();
        break;
      case 5:
        g.initializer.push(readTensor(r.message()));
        break;
      case 10:
        g.docString = r.string();
        break;
      case 11:
        g.input.push(readValueInfo(r.message()));
        break;
      case 12:
        g.output.push(readValueInfo(r.message()));
        break;
      case 13:
        g.valueInfo.push(readValueInfo(r.message()));
        break;
      default:
        keep(g, r.skip(wire, start));
    }
  }
  return g;
}

function readNode(r: ProtoReader, depth: number): Node {
  const n: Node = { input: [], output: [], opType: "", attribute: [] };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        n.input.push(r.string());
        break;
      case 2:
        n.output.push(r.string());
        break;
      case 3:
        n.name = r.string();
        break;
      case 4:
        n.opType = r.string();
        break;
      case 5:
        n.attribute.push(readAttribute(r.message(), depth));
        break;
      case 6:
        n.docString = r.string();
        break;
      case 7:
        n.domain = r.string();
        break;
      default:
        keep(n, r.skip(wire, start));
    }
  }
  return n;
}

function readAttribute(r: ProtoReader, depth: number): Attribute {
  const a: Attribute = { name: "", type: 0 };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        a.name = r.string();
        break;
      case 2:
        a.f = r.float();
        break;
      case 3:
        a.i = r.int64();
        break;
      case 4:
        a.s = r.bytes();
        break;
      case 5:
        a.t = readTensor(r.message());
        break;
      case 6:
        a.g = readGraph(r.message(), depth + 1);
        break;
      case 7:
        r.repeated(wire, (x) => x.float(), a.floats ??= []);
        break;
      case 8:
        r.repeated(wire, (x) => x.int64(), a.ints ??= []);
        break;
      case 9:
        (a.strings ??= []).push(r.bytes());
        break;
      case 10:
        (a.tensors ??= []).push(readTensor(r.message()));
        break;
      case 11:
        (a.graphs ??= []).push(readGraph(r.message(), depth + 1));
        break;
      case 13:
        a.docString = r.string();
        break;
      case 20:
        a.type = r.varint();
        break;
      case 21:
        a.refAttrName = r.string();
        break;
      default:
        keep(a, r.skip(wire, start));
    }
  }
  return a;
}

/** Decodes a `TensorProto` message. */
export function readTensor(r: ProtoReader): Tensor {
  const t: Tensor = { dims: [], dataType: 0, name: "" };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        r.repeated(wire, (x) => x.int64(), t.dims);
        break;
      case 2:
        t.dataType = r.varint();
        break;
      case 4:
        r.repeated(wire, (x) => x.float(), t.floatData ??= []);
        break;
      case 5:
        r.repeated(wire, (x) => x.int64(), t.int32Data ??= []);
        break;
      case 6:
        (t.stringData ??= []).push(r.bytes());
        break;
      case 7:
        r.repeated(wire, (x) => x.int64(), t.int64Data ??= []);
        break;
      case 8:
        t.name = r.string();
        break;
      case 9:
        t.rawData = r.bytes();
        break;
      case 10:
        r.repeated(wire, (x) => x.double(), t.doubleData ??= []);
        break;
      case 11:
        r.repeated(wire, (x) => x.varint(), t.uint64Data ??= []);
        break;
      case 12:
        t.docString = r.string();
        break;
      case 13:
        (t.externalData ??= []).push(readEntry(r.message()));
        break;
      case 14:
        t.dataLocation = r.varint();
        break;
      default:
        keep(t, r.skip(wire, start));
    }
  }
  return t;
}

function readValueInfo(r: ProtoReader): ValueInfo {
  const v: ValueInfo = { name: "" };
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    if (field === 1) v.name = r.string();
    else if (field === 2) v.type = readType(r.message());
    else if (field === 3) v.docString = r.string();
    else keep(v, r.skip(wire, start));
  }
  return v;
}

function readType(r: ProtoReader): TypeProto {
  const t: TypeProto = {};
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    if (field === 1) {
      const inner = r.message();
      const tensorType: { elemType: number; shape?: Dimension[] } = { elemType: 0 };
      while (!inner.done) {
        const s = inner.position;
        const tag = inner.tag();
        if (tag.field === 1) tensorType.elemType = inner.varint();
        else if (tag.field === 2) tensorType.shape = readShape(inner.message());
        else inner.skip(tag.wire, s);
      }
      t.tensorType = tensorType;
    } else {
      keep(t, r.skip(wire, start));
    }
  }
  return t;
}

function readShape(r: ProtoReader): Dimension[] {
  const dims: Dimension[] = [];
  while (!r.done) {
    const start = r.position;
    const { field, wire } = r.tag();
    if (field !== 1) {
      r.skip(wire, start);
      continue;
    }
    const inner = r.message();
    const dim: Dimension = {};
    while (!inner.done) {
      const s = inner.position;
      const tag = inner.tag();
      if (tag.field === 1) dim.dimValue = inner.int64();
      else if (tag.field === 2) dim.dimParam = inner.string();
      else inner.skip(tag.wire, s);
    }
    dims.push(dim);
  }
  return dims;
}
