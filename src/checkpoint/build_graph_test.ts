import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { DataType, decodeModel, encodeModel, type Model } from "../onnx/mod.ts";
import { copyDir } from "./_testing.ts";
import { type AttentionKind, buildGraph, type BuildGraphOptions, type BuiltGraph } from "./build_graph.ts";
import { type Checkpoint, openCheckpoint } from "./checkpoint.ts";
import { ModelFormatError } from "./errors.ts";

const FIXTURES = new URL("../../tests/fixtures/safetensors/", import.meta.url).pathname;

function external(model: Model, name: string): Record<string, string> | undefined {
  const t = model.graph.initializer.find((i) => i.name === name);
  return t?.externalData && Object.fromEntries(t.externalData.map((e) => [e.key, e.value]));
}

/** Opens a built graph from memory, its external data resolving in the checkpoint's directory. */
async function open(
  dir: string,
  built: BuiltGraph,
): Promise<{ session: ort.InferenceSession; close(): Promise<void> }> {
  const session = await ort.InferenceSession.create(encodeModel(built.model), {
    logSeverityLevel: 3,
    extra: { session: { model_external_initializers_file_folder_path: dir } },
  });
  return { session, close: () => session.release() };
}

async function logits(session: ort.InferenceSession, rows: number[][], mask: number[][]): Promise<Float32Array> {
  const length = rows[0]!.length;
  const flat = (m: number[][]) => BigInt64Array.from(m.flat(), (x) => BigInt(x));
  const out = await session.run({
    input_ids: new ort.Tensor("int64", flat(rows), [rows.length, length]),
    attention_mask: new ort.Tensor("int64", flat(mask), [rows.length, length]),
  });
  return out.logits!.data as Float32Array;
}

Deno.test("buildGraph() points every weight into its safetensors file at 8 + header length + data_offsets[0]", async () => {
  const dir = join(FIXTURES, "llama-tied-sharded");
  const checkpoint = await openCheckpoint(dir);
  const built = buildGraph(checkpoint);
  assert.deepEqual(built.files, ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]);
  const index = JSON.parse(await Deno.readTextFile(join(dir, "model.safetensors.index.json"))).weight_map;
  let weights = 0;
  for (const t of built.model.graph.initializer) {
    const data = external(built.model, t.name);
    if (!data) {
      assert.ok((t.rawData?.byteLength ?? 0) <= 256, `only small constants are inline (${t.name})`);
      continue;
    }
    weights++;
    const file = checkpoint.files.find((f) => f.name === data.location)!;
    const bytes = await Deno.readFile(join(dir, data.location!));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const raw = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)))[t.name];
    assert.equal(data.location, index[t.name]);
    assert.equal(Number(data.offset), 8 + headerLength + raw.data_offsets[0]);
    assert.equal(Number(data.length), raw.data_offsets[1] - raw.data_offsets[0]);
    assert.equal(file.header.headerLength, headerLength);
    assert.equal(t.dataType, raw.dtype === "F16" ? DataType.FLOAT16 : DataType.FLOAT);
  }
  assert.equal(weights, checkpoint.tensors.size, "every parameter is referenced once, the tied head included");
  assert.equal(external(built.model, "lm_head.weight"), undefined);
  const casts = built.model.graph.node.filter((n) => n.opType === "Cast" && n.input[0]?.includes(".weight"));
  assert.equal(casts.length, [...checkpoint.tensors.values()].filter((t) => t.dtype !== "F32").length);
  assert.ok(encodeModel(built.model).length < 100_000, "the graph itself holds no weight bytes");
});

Deno.test("buildGraph() uses GroupQueryAttention with its window and softcap, or the plain form when asked", async () => {
  const checkpoint = await openCheckpoint(join(FIXTURES, "gemma2"));
  const fused = buildGraph(checkpoint);
  const gqa = fused.model.graph.node.filter((n) => n.opType === "GroupQueryAttention");
  assert.equal(gqa.length, 3);
  const attr = (i: number, name: string) => gqa[i]!.attribute.find((a) => a.name === name);
  assert.deepEqual([attr(0, "local_window_size")?.i, attr(1, "local_window_size"), attr(2, "local_window_size")?.i], [
    6,
    undefined,
    6,
  ]);
  assert.equal(attr(0, "softcap")?.f, 2);
  assert.ok(Math.abs(attr(0, "scale")!.f! - 1 / Math.sqrt(24)) < 1e-7);
  assert.deepEqual([fused.attention, fused.paddingSide], ["gqa", "right"]);
  assert.ok(fused.model.metadataProps?.some((p) => p.key === "subvalid.padding_side" && p.value === "right"));
  const plain = buildGraph(checkpoint, { attention: "plain" });
  assert.equal(plain.model.graph.node.filter((n) => n.opType === "GroupQueryAttention").length, 0);
  assert.deepEqual([plain.attention, plain.paddingSide], ["plain", "any"]);
});

Deno.test("buildGraph() falls back to the plain form when head_dim is not a multiple of 16", async () => {
  const checkpoint = await openCheckpoint(join(FIXTURES, "llama"));
  const config = { ...checkpoint.config, "head_dim": 24 };
  const tensors = new Map(checkpoint.tensors);
  for (const [name, t] of tensors) {
    const proj = /(q|k|v|o)_proj\.(weight|bias)$/.exec(name);
    if (!proj || name.endsWith("o_proj.bias")) continue;
    const heads = proj[1] === "q" || proj[1] === "o" ? 4 : 2;
    const shape = proj[1] === "o" ? [t.shape[0]!, heads * 24] : [heads * 24, ...t.shape.slice(1)];
    tensors.set(name, { ...t, shape });
  }
  const built = buildGraph({ ...checkpoint, config, tensors } as Checkpoint);
  assert.equal(built.attention, "plain");
  assert.equal(built.model.graph.node.some((n) => n.opType === "GroupQueryAttention"), false);
});

Deno.test("buildGraph() in bfloat16 casts each weight once and keeps norms, activations and logits in float32", async () => {
  const checkpoint = await openCheckpoint(join(FIXTURES, "llama-tied-sharded"));
  const built = buildGraph(checkpoint, { computeDtype: "bfloat16" });
  const graph = decodeModel(encodeModel(built.model)).graph;
  const castTo = (type: number) => graph.node.filter((n) => n.opType === "Cast" && n.attribute[0]?.i === type);
  const weightCasts = castTo(DataType.BFLOAT16).filter((n) => n.input[0]!.endsWith(".weight"));
  assert.equal(weightCasts.length, checkpoint.tensors.size, "every F16 and F32 weight → bf16 once (the tied head too)");
  assert.ok(graph.node.some((n) => n.opType === "Sigmoid"), "SiLU");
  assert.equal(graph.output[0]?.type?.tensorType?.elemType, DataType.FLOAT);
  assert.ok(castTo(DataType.FLOAT).length > 0, "float32 islands");
  assert.ok(built.model.metadataProps?.some((p) => p.key === "subvalid.compute_dtype" && p.value === "bfloat16"));
});

Deno.test("buildGraph() refuses a checkpoint whose tensors do not match config.json", async () => {
  const checkpoint = await openCheckpoint(join(FIXTURES, "mistral"));
  const tensors = new Map(checkpoint.tensors);
  tensors.delete("lm_head.weight");
  assert.throws(
    () => buildGraph({ ...checkpoint, tensors } as Checkpoint, { name: "m" }),
    (e: unknown) => e instanceof ModelFormatError && /tensor "lm_head\.weight" is missing/.test(e.message),
  );
  tensors.set("lm_head.weight", { ...checkpoint.tensors.get("lm_head.weight")!, shape: [272, 32] });
  assert.throws(
    () => buildGraph({ ...checkpoint, tensors } as Checkpoint),
    /has shape \[272,32\], config\.json implies \[272,64\]/,
  );
  tensors.set("lm_head.weight", { ...checkpoint.tensors.get("lm_head.weight")!, dtype: "I8" });
  assert.throws(() => buildGraph({ ...checkpoint, tensors } as Checkpoint), /has dtype I8; supported: BF16, F16, F32/);
});

for (
  const [model, attention, sides] of [
    ["mistral", "plain", ["left", "right"]],
    ["gemma2", "plain", ["left", "right"]],
    ["mistral", "gqa", ["right"]],
    ["gemma2", "gqa", ["right"]],
  ] as [string, AttentionKind, ("left" | "right")[]][]
) {
  Deno.test(`buildGraph() ${model} ${attention}: ${sides.join(" and ")}-padded rows equal unpadded runs`, async () => {
    const dir = join(FIXTURES, model);
    const options: BuildGraphOptions = { attention };
    const built = buildGraph(await openCheckpoint(dir), options);
    const { session, close } = await open(dir, built);
    try {
      const long = Array.from({ length: 21 }, (_, i) => (i * 37 + 5) % 260);
      const short = long.slice(3, 15);
      const vocab = built.arch.vocabSize;
      const alone = await logits(session, [short], [short.map(() => 1)]);
      for (const side of sides) {
        const pad = long.length - short.length;
        const row = side === "left" ? [...Array(pad).fill(0), ...short] : [...short, ...Array(pad).fill(0)];
        const mask = side === "left"
          ? [...Array(pad).fill(0), ...short.map(() => 1)]
          : [...short.map(() => 1), ...Array(pad).fill(0)];
        const batch = await logits(session, [long, row], [long.map(() => 1), mask]);
        const start = long.length * vocab + (side === "left" ? pad * vocab : 0);
        let worst = 0;
        for (let i = 0; i < short.length * vocab; i++) worst = Math.max(worst, Math.abs(batch[start + i]! - alone[i]!));
        assert.ok(worst < 1e-4, `${side} padding: max |Δ logit| ${worst}`);
      }
    } finally {
      await close();
    }
  });
}

Deno.test("buildGraph() graphs read bf16 weights at odd, unaligned file offsets", async () => {
  const dir = await copyDir(join(FIXTURES, "gemma"));
  try {
    const path = join(dir, "model.safetensors");
    const bytes = await Deno.readFile(path);
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const shifted = new Uint8Array(bytes.length + 1);
    new DataView(shifted.buffer).setBigUint64(0, BigInt(length + 1), true);
    shifted.set(bytes.subarray(8, 8 + length), 8);
    shifted[8 + length] = 0x20; // one more space of header padding: every tensor now starts at an odd offset
    shifted.set(bytes.subarray(8 + length), 9 + length);
    await Deno.writeFile(path, shifted);
    const checkpoint = await openCheckpoint(dir);
    assert.ok([...checkpoint.tensors.values()].every((t) => t.fileOffset % 2 === 1));
    const reference = await openCheckpoint(join(FIXTURES, "gemma"));
    const [a, b] = [buildGraph(checkpoint), buildGraph(reference)];
    const [x, y] = [await open(dir, a), await open(join(FIXTURES, "gemma"), b)];
    try {
      const ids = [[1, 2, 3, 250, 7]];
      const mask = [[1, 1, 1, 1, 1]];
      assert.deepEqual(await logits(x.session, ids, mask), await logits(y.session, ids, mask));
    } finally {
      await x.close();
      await y.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
