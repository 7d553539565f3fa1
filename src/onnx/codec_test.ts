import assert from "node:assert/strict";
import {
  AttributeType,
  DataType,
  decodeModel,
  encodeModel,
  floatTensor,
  int64Tensor,
  MAX_SUBGRAPH_DEPTH,
  node,
  valueInfo,
} from "./mod.ts";

const fixture = await Deno.readFile(new URL("./testdata/codec_fixture.onnx", import.meta.url));

Deno.test("decodeModel() reads every modelled field of a model written by python onnx", () => {
  const model = decodeModel(fixture);
  assert.equal(model.irVersion, 8);
  assert.equal(model.modelVersion, 3);
  assert.equal(model.producerName, "subvalid-fixture");
  assert.equal(model.docString, "model doc");
  assert.deepEqual(model.opsetImport, [{ domain: "", version: 17 }, { domain: "com.microsoft", version: 1 }]);
  assert.deepEqual(model.metadataProps, [{ key: "k", value: "v" }]);
  assert.equal(model.unknown?.length, 1, "the model-local function is kept raw");
  const g = model.graph;
  assert.equal(g.name, "fixture");
  assert.equal(g.docString, "graph doc");
  assert.deepEqual(g.node.map((n) => n.opType), ["MatMul", "ReduceSum", "Softmax", "LeakyRelu", "Custom"]);
  assert.deepEqual(g.input[0]?.type?.tensorType?.shape, [{ dimParam: "batch" }, { dimValue: 2 }]);
  assert.deepEqual(g.output[0]?.type?.tensorType?.shape, [{ dimParam: "batch" }, {}]);
  const [w, ext, axes] = g.initializer;
  assert.deepEqual(w?.dims, [2, 3]);
  assert.deepEqual([...new Float32Array(w!.rawData!.slice().buffer)], [0, 1, 2, 3, 4, 5]);
  assert.equal(ext?.dataType, DataType.BFLOAT16);
  assert.equal(ext?.dataLocation, 1);
  assert.deepEqual(ext?.externalData, [
    { key: "location", value: "weights.bin" },
    { key: "offset", value: "174" },
    { key: "length", value: "8" },
  ]);
  assert.deepEqual(axes?.int64Data ?? [...new BigInt64Array(axes!.rawData!.slice().buffer)].map(Number), [-1, 7]);
  assert.equal(g.node[2]?.attribute[0]?.i, -1, "negative int64 attribute");
  assert.equal(g.node[3]?.attribute.find((a) => a.name === "alpha")?.f, 0.125);
  const custom = g.node[4]!;
  assert.equal(custom.domain, "com.microsoft");
  const attr = (name: string) => custom.attribute.find((a) => a.name === name)!;
  assert.deepEqual(attr("floats").floats, [0.5, -2]);
  assert.deepEqual(attr("ints").ints, [-3, 4, 2 ** 40]);
  assert.deepEqual(attr("strs").strings?.map((s) => new TextDecoder().decode(s)), ["a", "bé"]);
  assert.equal(new TextDecoder().decode(attr("label").s), "hello");
  assert.equal(attr("t").type, AttributeType.TENSOR);
  assert.equal(attr("branch").g?.node[0]?.opType, "Identity");
});

Deno.test("encodeModel() round-trips a decoded model to equal objects", () => {
  const model = decodeModel(fixture);
  const again = decodeModel(encodeModel(model));
  assert.deepEqual(again, model);
});

Deno.test("encodeModel() output of built nodes decodes to the same graph", () => {
  const model = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "built",
      node: [
        node("Unsqueeze", ["labels", "axes"], ["labels3"]),
        node("LogSoftmax", ["logits"], ["logp"], { axis: -1 }),
        node("GatherElements", ["logp", "labels3"], ["picked"], { axis: -1 }),
        node("Mul", ["picked", "scale"], ["scaled"], {}, { name: "mul", domain: "com.microsoft" }),
      ],
      initializer: [int64Tensor("axes", [-1]), floatTensor("scale", [0.5], [])],
      input: [valueInfo("logits", DataType.FLOAT, ["b", "t", 32]), valueInfo("labels", DataType.INT64, ["b", "t"])],
      output: [valueInfo("scaled", DataType.FLOAT, ["b", "t", 1])],
      valueInfo: [],
    },
  };
  const decoded = decodeModel(encodeModel(model));
  assert.equal(decoded.graph.node[1]?.attribute[0]?.i, -1);
  assert.equal(decoded.graph.node[3]?.domain, "com.microsoft");
  assert.deepEqual(decoded.graph.input.map((v) => v.name), ["logits", "labels"]);
  assert.deepEqual([...new BigInt64Array(decoded.graph.initializer[0]!.rawData!.slice().buffer)], [-1n]);
  assert.deepEqual(decoded.graph.initializer[1]?.dims, []);
});

Deno.test("decodeModel() rejects truncated and garbage bytes with a SyntaxError", () => {
  assert.throws(() => decodeModel(fixture.subarray(0, fixture.length - 9)), SyntaxError);
  assert.throws(() => decodeModel(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0x0f, 1, 2])), /runs past the end/);
  assert.throws(() => decodeModel(new TextEncoder().encode("not a model at all")), SyntaxError);
});

Deno.test("decodeModel() refuses subgraphs nested deeper than 32 levels (2000 levels decoded, then overflowed encodeModel)", () => {
  const wrap = (tag: number, inner: Uint8Array): Uint8Array => {
    const length: number[] = [];
    let n = inner.length;
    do {
      length.push(n >= 0x80 ? (n & 0x7f) | 0x80 : n);
      n = Math.floor(n / 128);
    } while (n > 0);
    const out = new Uint8Array(1 + length.length + inner.length);
    out.set([tag, ...length]);
    out.set(inner, 1 + length.length);
    return out;
  };
  const nested = (depth: number) => {
    let graph: Uint8Array = new Uint8Array();
    // graph.node[0].attribute[0].g = graph, `depth` times
    for (let i = 0; i < depth; i++) graph = wrap(0x0a, wrap(0x2a, wrap(0x32, graph)));
    return wrap(0x3a, graph);
  };
  const ok = decodeModel(nested(MAX_SUBGRAPH_DEPTH));
  assert.deepEqual(decodeModel(encodeModel(ok)), ok);
  assert.throws(() => decodeModel(nested(MAX_SUBGRAPH_DEPTH + 1)), /subgraphs nest deeper than 32 levels/);
  assert.throws(() => decodeModel(nested(2000)), SyntaxError);
});
