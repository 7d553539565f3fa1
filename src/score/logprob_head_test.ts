import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { DataType, encodeModel, floatTensor, type Model, node, valueInfo } from "../onnx/mod.ts";
import { addLogProbHead, LABELS_INPUT, LOGPROB_OUTPUT } from "./logprob_head.ts";
import { ModelError } from "../errors/mod.ts";

const V = 4;
const table = [0.5, -1, 2, 0, 3, 3, -2, 1, 0, 0, 0, 0, -4, 8, 1, 2];

/** logits = table[input_ids], plus a `present` output the head must drop. */
function lm(): Model {
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "lm",
      node: [node("Gather", ["table", "input_ids"], ["logits"], { axis: 0 }), node("Neg", ["table"], ["present"])],
      initializer: [floatTensor("table", table, [V, V])],
      input: [valueInfo("input_ids", DataType.INT64, ["batch", "sequence"])],
      output: [
        valueInfo("logits", DataType.FLOAT, ["batch", "sequence", V]),
        valueInfo("present", DataType.FLOAT, [V, V]),
      ],
      valueInfo: [],
    },
  };
}

Deno.test("addLogProbHead() outputs log_softmax(logits)[labels] only, computed in the graph", async () => {
  const wrapped = addLogProbHead(lm());
  assert.deepEqual(wrapped.graph.input.map((v) => v.name), ["input_ids", LABELS_INPUT]);
  assert.deepEqual(wrapped.graph.output.map((v) => v.name), [LOGPROB_OUTPUT]);
  assert.ok(!wrapped.graph.node.some((n) => n.opType === "Neg"), "nodes that only fed dropped outputs are pruned");
  const session = await ort.InferenceSession.create(encodeModel(wrapped));
  const ids = [0, 1, 3, 2, 2, 0];
  const labels = [2, 0, 1, 3, 1, 2];
  const out = await session.run({
    input_ids: new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [2, 3]),
    labels: new ort.Tensor("int32", Int32Array.from(labels), [2, 3]),
  });
  await session.release();
  const got = out[LOGPROB_OUTPUT]!;
  assert.deepEqual(got.dims, [2, 3]);
  ids.forEach((id, i) => {
    const row = table.slice(id * V, id * V + V);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    assert.ok(Math.abs((got.data as Float32Array)[i]! - (row[labels[i]!]! - lse)) < 1e-6);
  });
});

Deno.test("addLogProbHead() refuses graphs without logits, with a labels input, or older than opset 13", () => {
  const noLogits = lm();
  noLogits.graph.output = noLogits.graph.output.slice(1);
  assert.throws(
    () => addLogProbHead(noLogits),
    (e: unknown) => e instanceof ModelError && /no output "logits"/.test(e.message),
  );
  const labels = lm();
  labels.graph.input.push(valueInfo("labels", DataType.INT64, ["b"]));
  assert.throws(() => addLogProbHead(labels), /already has an input "labels"/);
  assert.throws(
    () => addLogProbHead({ ...lm(), opsetImport: [{ domain: "", version: 11 }] }),
    /opset 11 is older than 13/,
  );
});

Deno.test("addLogProbHead() computes a MatMul head only at the selected positions, and falls back to the full head", async () => {
  const d = 3;
  const embed = [1, 0, -1, 0.5, 2, 0, -1, 1, 1, 0, 0, 3];
  const w = [0.2, -1, 0.5, 2, 1, 0, -0.5, 1, 0.3, 0.3, 2, -2];
  const model: Model = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "mm",
      node: [
        node("Gather", ["embed", "input_ids"], ["hidden"], { axis: 0 }),
        node("MatMul", ["hidden", "w"], ["raw"]),
        node("Mul", ["raw", "scale"], ["logits"]),
      ],
      initializer: [floatTensor("embed", embed, [V, d]), floatTensor("w", w, [d, V]), floatTensor("scale", [0.5], [])],
      input: [valueInfo("input_ids", DataType.INT64, ["batch", "sequence"])],
      output: [valueInfo("logits", DataType.FLOAT, ["batch", "sequence", V])],
      valueInfo: [valueInfo("raw", DataType.FLOAT, ["batch", "sequence", V])],
    },
  };
  const selected = addLogProbHead(model);
  assert.deepEqual(selected.graph.input.map((v) => v.name), ["input_ids", "positions", LABELS_INPUT]);
  assert.deepEqual(addLogProbHead(model, { select: false }).graph.input.map((v) => v.name), [
    "input_ids",
    LABELS_INPUT,
  ]);
  const ids = [3, 1, 0, 2, 2, 1];
  const positions = [1, 2, 5];
  const labels = [0, 3, 2];
  const session = await ort.InferenceSession.create(encodeModel(selected));
  const out = await session.run({
    input_ids: new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [2, 3]),
    positions: new ort.Tensor("int64", BigInt64Array.from(positions, BigInt), [3]),
    labels: new ort.Tensor("int32", Int32Array.from(labels), [3]),
  });
  await session.release();
  const got = out[LOGPROB_OUTPUT]!.data as Float32Array;
  assert.equal(got.length, 3);
  positions.forEach((p, k) => {
    const h = embed.slice(ids[p]! * d, ids[p]! * d + d);
    const row = Array.from({ length: V }, (_, v) => 0.5 * h.reduce((s, x, i) => s + x * w[i * V + v]!, 0));
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    assert.ok(Math.abs(got[k]! - (row[labels[k]!]! - lse)) < 1e-5);
  });
});
