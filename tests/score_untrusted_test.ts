/**
 * Untrusted model files: malformed graphs, external data that escapes the
 * model directory, foreign operator domains and lying tensor sizes score
 * Infinity with a reason; the Hugging Face cache layout (snapshot symlinks
 * into blobs/) scores where the files lie, copying and writing nothing there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeModel, encodeModel, type Model, node } from "../src/onnx/mod.ts";
import { readSamples } from "../src/eval/mod.ts";
import { openOnnxModel } from "../src/onnx/mod.ts";
import { HEAD_VERSION, prepareWrappedGraph, scoreModel } from "../src/score/mod.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const LLAMA = join(FIXTURES, "models/tiny-llama");
const GPT = join(FIXTURES, "models/tiny-gpt");
const samples = await readSamples(join(FIXTURES, "samples/ids.jsonl"));
const reference = JSON.parse(await Deno.readTextFile(join(FIXTURES, "reference.json")));

async function copyModel(from: string, to: string): Promise<void> {
  await Deno.mkdir(join(to, "onnx"), { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isFile) await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
  for await (const e of Deno.readDir(join(from, "onnx"))) {
    await Deno.copyFile(join(from, "onnx", e.name), join(to, "onnx", e.name));
  }
}

async function withTemp(body: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "subvalid-untrusted-" });
  try {
    await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A copy of tiny-llama (or another fixture) whose graph was changed by `edit`. */
async function editedLlama(root: string, edit: (m: Model) => void, from = LLAMA): Promise<string> {
  const dir = join(root, "model");
  await copyModel(from, dir);
  const model = decodeModel(await Deno.readFile(join(dir, "onnx/model.onnx")));
  edit(model);
  await Deno.writeFile(join(dir, "onnx/model.onnx"), encodeModel(model));
  return dir;
}

function setLocation(m: Model, location: string): void {
  for (const t of m.graph.initializer) {
    const entry = t.externalData?.find((e) => e.key === "location");
    if (entry) entry.value = location;
  }
}

async function expectInfinity(dir: string, cacheDir: string, pattern: RegExp): Promise<void> {
  const report = await scoreModel(dir, samples, { cacheDir, device: "cpu" });
  assert.equal(report.loss, Infinity);
  assert.match(report.error ?? "", pattern);
}

Deno.test("scoreModel() gives Infinity with a reason for truncated, garbage and missing graphs", () =>
  withTemp(async (root) => {
    const dir = join(root, "model");
    await copyModel(GPT, dir);
    const bytes = await Deno.readFile(join(dir, "onnx/model.onnx"));
    await Deno.writeFile(join(dir, "onnx/model.onnx"), bytes.subarray(0, bytes.length - 1000));
    await expectInfinity(dir, join(root, "cache"), /Cannot decode ONNX graph .*model\.onnx/);
    await Deno.writeTextFile(join(dir, "onnx/model.onnx"), "this is not protobuf at all");
    await expectInfinity(dir, join(root, "cache"), /Cannot decode ONNX graph/);
    await Deno.remove(join(dir, "onnx"), { recursive: true });
    await expectInfinity(dir, join(root, "cache"), /Cannot find an ONNX graph.*onnx\/model\.onnx, model\.onnx/);
  }));

Deno.test("scoreModel() refuses external data at an absolute path, through .. and through a symlink out", () =>
  withTemp(async (root) => {
    const cache = join(root, "cache");
    const outside = join(root, "elsewhere.bin");
    await Deno.copyFile(join(LLAMA, "onnx/model.onnx_data"), outside);
    await expectInfinity(await editedLlama(join(root, "a"), (m) => setLocation(m, outside)), cache, /is absolute/);
    await expectInfinity(
      await editedLlama(join(root, "b"), (m) => setLocation(m, "../../elsewhere.bin")),
      cache,
      /contains "\.\."/,
    );
    const dir = await editedLlama(join(root, "c"), () => {});
    await Deno.remove(join(dir, "onnx/model.onnx_data"));
    await Deno.symlink(outside, join(dir, "onnx/model.onnx_data"));
    await expectInfinity(dir, cache, /resolves to .*elsewhere\.bin.*outside the model directory/);
  }));

Deno.test("scoreModel() refuses foreign operator domains and tensors larger than their bytes", () =>
  withTemp(async (root) => {
    const cache = join(root, "cache");
    await expectInfinity(
      await editedLlama(join(root, "a"), (m) => {
        m.opsetImport.push({ domain: "evil.ops", version: 1 });
      }),
      cache,
      /imports operator domain "evil\.ops"/,
    );
    await expectInfinity(
      await editedLlama(join(root, "b"), (m) => {
        m.graph.node.push(node("Custom", ["input_ids"], ["x"], {}, { domain: "ai.onnx.ml" }));
      }),
      cache,
      /operator "Custom" of domain "ai\.onnx\.ml"/,
    );
    await expectInfinity(
      await editedLlama(join(root, "c"), (m) => {
        const t = m.graph.initializer.find((t) => t.externalData !== undefined)!;
        t.dims = [t.dims[0]! * 1000, ...t.dims.slice(1)];
        t.externalData = t.externalData!.filter((e) => e.key !== "length");
      }),
      cache,
      /declares dims .* but "model\.onnx_data" has \d+ bytes/,
    );
    await expectInfinity(
      await editedLlama(join(root, "d"), (m) => {
        const t = m.graph.initializer.find((t) => t.rawData !== undefined && t.rawData.byteLength > 4)!;
        t.dims = [...t.dims, 2];
      }, GPT),
      cache,
      /declares dims .* but holds/,
    );
  }));

Deno.test("scoreModel() scores a Hugging Face cache snapshot (symlinks into blobs/) in place, writing nothing there", () =>
  withTemp(async (root) => {
    const repo = join(root, "hub/models--acme--tiny-llama");
    const snapshot = join(repo, "snapshots/0123456789abcdef0123456789abcdef01234567");
    await Deno.mkdir(join(snapshot, "onnx"), { recursive: true });
    await Deno.mkdir(join(repo, "blobs"), { recursive: true });
    for (
      const file of [
        "config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "onnx/model.onnx",
        "onnx/model.onnx_data",
      ]
    ) {
      const blob = join(repo, "blobs", file.replaceAll("/", "_"));
      await Deno.copyFile(join(LLAMA, file), blob);
      await Deno.symlink(
        file.startsWith("onnx/") ? `../../../blobs/${file.replace("/", "_")}` : `../../blobs/${file}`,
        join(snapshot, file),
      );
    }
    const cacheDir = join(root, "subvalid-score");
    const report = await scoreModel(snapshot, samples, { cacheDir, device: "cpu" });
    assert.equal(report.error, undefined);
    const expected = reference.models["tiny-llama"].ids as { loss: number }[];
    report.samples.forEach((s, i) => assert.ok(Math.abs(s.loss - expected[i]!.loss) < 1e-4));

    const source = await openOnnxModel(snapshot);
    const graph = await prepareWrappedGraph(source, cacheDir);
    assert.ok(graph.cached, "the wrapped graph is cached by the original's hash");
    assert.equal(graph.cacheEntry, join(cacheDir, `${HEAD_VERSION}-${source.key}`));
    assert.equal(graph.folder, await Deno.realPath(join(repo, "blobs")), "external data resolves in the blobs");
    const blob = await Deno.stat(join(repo, "blobs/onnx_model.onnx_data"));
    assert.equal(blob.nlink, 1, "no link was made to the weights");
    const opened = decodeModel(graph.bytes);
    const locations = new Set(
      opened.graph.initializer.flatMap((t) => t.externalData?.filter((e) => e.key === "location") ?? []).map((e) =>
        e.value
      ),
    );
    assert.deepEqual([...locations], ["onnx_model.onnx_data"], "locations point at the blob, relative to the folder");
    const entries = await Array.fromAsync(Deno.readDir(repo));
    assert.deepEqual(
      entries.map((e) => e.name).sort(),
      ["blobs", "snapshots"],
      "nothing was written in the model cache",
    );
    const wrapped = (await Deno.stat(join(graph.cacheEntry, "model.onnx"))).size;
    assert.ok(wrapped < 100_000, `the wrapped graph holds no weights (${wrapped} bytes)`);
  }));

Deno.test("openOnnxModel() references large inline weights in the original file instead of copying them", () =>
  withTemp(async (root) => {
    const source = await openOnnxModel(GPT);
    assert.deepEqual(source.links.map((l) => l.location), ["subvalid-original.onnx"]);
    const graph = await prepareWrappedGraph(source, join(root, "cache"));
    const size = (await Deno.stat(join(graph.cacheEntry, "model.onnx"))).size;
    assert.ok(size < 50_000, `wrapped graph is ${size} bytes, the original 622 KB`);
    assert.equal(
      graph.folder,
      await Deno.realPath(join(GPT, "onnx")),
      "the weights are read from the original file in place",
    );
    const report = await scoreModel(source, samples, { cacheDir: join(root, "cache"), device: "cpu" });
    const expected = reference.models["tiny-gpt"].ids as { loss: number }[];
    report.samples.forEach((s, i) => assert.ok(Math.abs(s.loss - expected[i]!.loss) < 1e-4));
  }));
