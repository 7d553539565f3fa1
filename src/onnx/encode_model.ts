/**
 * Encodes {@linkcode Model} objects as ONNX protobuf bytes. Large tensor data
 * is copied once, into the final buffer.
 *
 * @module
 */
import { ProtoWriter } from "./_wire.ts";
import type { Attribute, Graph, Model, Node, StringEntry, Tensor, TypeProto, ValueInfo } from "./types.ts";

/** Encodes a model as a serialized `ModelProto`. */
export function encodeModel(model: Model): Uint8Array<ArrayBuffer> {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  if (model.producerName !== undefined) w.string(2, model.producerName);
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion);
  if (model.domain !== undefined) w.string(4, model.domain);
  if (model.modelVersion !== undefined) w.int(5, model.modelVersion);
  if (model.docString !== undefined) w.string(6, model.docString);
  w.message(7, writeGraph(model.graph));
  for (const opset of model.opsetImport) {
    const o = new ProtoWriter();
    o.string(1, opset.domain);
    o.int(2, opset.version);
    w.message(8, o);
  }
  for (const entry of model.metadataProps ?? []) w.message(14, writeEntry(entry));
  w.rawFields(model.unknown);
  return w.finish();
}

function writeEntry(entry: StringEntry): ProtoWriter {
  return new ProtoWriter().string(1, entry.key).string(2, entry.value);
}

/** Encodes a `GraphProto` message. */
export function writeGraph(graph: Graph): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.node) w.message(1, writeNode(node));
  w.string(2, graph.name);
  for (const tensor of graph.initializer) w.message(5, writeTensor(tensor));
  if (graph.docString !== undefined) w.string(10, graph.docString);
  for (const value of graph.input) w.message(11, writeValueInfo(value));
  for (const value of graph.output) w.message(12, writeValueInfo(value));
  for (const value of graph.valueInfo) w.message(13, writeValueInfo(value));
  w.rawFields(graph.unknown);
  return w;
}

function writeNode(node: Node): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.input) w.string(1, input);
  for (const output of node.output) w.string(2, output);
  if (node.name !== undefined) w.string(3, node.name);
  w.string(4, node.opType);
  for (const attribute of node.attribute) w.message(5, writeAttribute(attribute));
  if (node.docString !== undefined) w.string(6, node.docString);
  if (node.domain !== undefined && node.domain !== "") w.string(7, node.domain);
  w.rawFields(node.unknown);
  return w;
}

function writeAttribute(a: Attribute): ProtoWriter {
  const w = new ProtoWriter();
  w.string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  if (a.i !== undefined) w.int(3, a.i);
  if (a.s !== undefined) w.bytes(4, a.s);
  if (a.t !== undefined) w.message(5, writeTensor(a.t));
  if (a.g !== undefined) w.message(6, writeGraph(a.g));
  if (a.floats !== undefined) w.packedFloats(7, a.floats);
  if (a.ints !== undefined) w.packedInts(8, a.ints);
  for (const s of a.strings ?? []) w.bytes(9, s);
  for (const t of a.tensors ?? []) w.message(10, writeTensor(t));
  for (const g of a.graphs ?? []) w.message(11, writeGraph(g));
  if (a.docString !== undefined) w.string(13, a.docString);
  w.int(20, a.type);
  if (a.refAttrName !== undefined) w.string(21, a.refAttrName);
  w.rawFields(a.unknown);
  return w;
}

/** Encodes a `TensorProto` message. */
export function writeTensor(t: Tensor): ProtoWriter {
  const w = new ProtoWriter();
  w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  if (t.floatData) w.packedFloats(4, t.floatData);
  if (t.int32Data) w.packedInts(5, t.int32Data);
  for (const s of t.stringData ?? []) w.bytes(6, s);
  if (t.int64Data) w.packedInts(7, t.int64Data);
  if (t.name !== "") w.string(8, t.name);
  if (t.rawData !== undefined) w.bytes(9, t.rawData);
  if (t.doubleData) w.packedDoubles(10, t.doubleData);
  if (t.uint64Data) w.packedInts(11, t.uint64Data);
  if (t.docString !== undefined) w.string(12, t.docString);
  for (const entry of t.externalData ?? []) w.message(13, writeEntry(entry));
  if (t.dataLocation !== undefined) w.int(14, t.dataLocation);
  w.rawFields(t.unknown);
  return w;
}

function writeValueInfo(v: ValueInfo): ProtoWriter {
  const w = new ProtoWriter();
  w.string(1, v.name);
  if (v.type !== undefined) w.message(2, writeType(v.type));
  if (v.docString !== undefined) w.string(3, v.docString);
  w.rawFields(v.unknown);
  return w;
}

function writeType(t: TypeProto): ProtoWriter {
  const w = new ProtoWriter();
  if (t.tensorType !== undefined) {
    const tensor = new ProtoWriter().int(1, t.tensorType.elemType);
    if (t.tensorType.shape !== undefined) {
      const shape = new ProtoWriter();
      for (const dim of t.tensorType.shape) {
        const d = new ProtoWriter();
        if (dim.dimValue !== undefined) d.int(1, dim.dimValue);
        if (dim.dimParam !== undefined) d.string(2, dim.dimParam);
        shape.message(1, d);
      }
      tensor.message(2, shape);
    }
    w.message(1, tensor);
  }
  w.rawFields(t.unknown);
  return w;
}
