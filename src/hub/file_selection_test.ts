import assert from "node:assert/strict";
import { codePointCompare, selectModelFiles, walkOrder } from "./file_selection.ts";

const json = (documents: Record<string, unknown>) => (path: string) => Promise.resolve(documents[path]);

Deno.test("selectModelFiles() takes the ONNX model, its external data and the three JSON files, nothing else", async () => {
  const selection = await selectModelFiles([
    "README.md",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "onnx/model.onnx",
    "onnx/model.onnx_data",
    "onnx/model.onnx_data_1",
    "onnx/model_fp16.onnx",
    "onnx/model_fp16.onnx_data",
    "model.safetensors",
  ]);
  assert.equal(selection.layout, "onnx");
  assert.deepEqual(selection.missing, []);
  assert.deepEqual(selection.files, [
    "config.json",
    "onnx/model.onnx",
    "onnx/model.onnx_data",
    "onnx/model.onnx_data_1",
    "tokenizer.json",
    "tokenizer_config.json",
  ]);
  const root = await selectModelFiles(["model.onnx", "model.onnx.data", "config.json"], { layout: "onnx" });
  assert.deepEqual(root.files, ["config.json", "model.onnx", "model.onnx.data"]);
  assert.deepEqual(root.missing, ["tokenizer.json", "tokenizer_config.json"]);
});

Deno.test("selectModelFiles() picks the reference validator's safetensors set from the tokenizer class", async () => {
  const llama = await selectModelFiles([
    "config.json",
    "model.safetensors",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "tokenizer.model",
    "vocab.json",
    "merges.txt",
    "special_tokens_map.json",
    "pytorch_model.bin",
  ], { readJson: json({ "tokenizer_config.json": { tokenizer_class: "LlamaTokenizer" } }) });
  assert.equal(llama.layout, "safetensors");
  assert.deepEqual(llama.files, [
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer.model",
    "tokenizer_config.json",
  ]);
  const gpt2 = await selectModelFiles([
    "config.json",
    "model.safetensors",
    "vocab.json",
    "merges.txt",
    "tokenizer.model",
  ], {
    readJson: json({ "config.json": { model_type: "gpt2" } }),
  });
  assert.deepEqual(gpt2.files, ["config.json", "merges.txt", "model.safetensors", "vocab.json"]);
});

Deno.test("selectModelFiles() follows the safetensors index to its shards and reports missing ones", async () => {
  const index = { "weight_map": { a: "model-1.safetensors", b: "model-2.safetensors", c: "model-1.safetensors" } };
  const sharded = await selectModelFiles(
    ["config.json", "model.safetensors.index.json", "model-1.safetensors"],
    { readJson: json({ "model.safetensors.index.json": index }) },
  );
  assert.deepEqual(sharded.files, ["config.json", "model-1.safetensors", "model.safetensors.index.json"]);
  assert.deepEqual(sharded.missing, ["model-2.safetensors"]);
  const none = await selectModelFiles(["README.md"]);
  assert.ok(none.missing.length > 0);
});

Deno.test("walkOrder() visits a directory's files before its subdirectories, by code point like Python", () => {
  assert.deepEqual(
    walkOrder(["onnx/model.onnx_data", "tokenizer.json", "onnx/model.onnx", "Z/a", "config.json", "a/b/c", "a/a"]),
    ["config.json", "tokenizer.json", "Z/a", "a/a", "a/b/c", "onnx/model.onnx", "onnx/model.onnx_data"],
  );
  assert.ok(codePointCompare("\u{1F600}", "\uFFFF") > 0, "astral characters sort after the BMP");
});

Deno.test("selectModelFiles() with the tokenizer layout takes only tokenizer files and never weights", async () => {
  const repo = await selectModelFiles(
    [".gitattributes", "README.md", "tokenizer.json", "tokenizer_config.json", "model.safetensors", "config.json"],
    { layout: "tokenizer" },
  );
  assert.deepEqual(repo, { layout: "tokenizer", files: ["tokenizer.json", "tokenizer_config.json"], missing: [] });
  const extras = await selectModelFiles(
    ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja", "vocab.json"],
    { layout: "tokenizer" },
  );
  assert.deepEqual(extras.files, [
    "chat_template.jinja",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
  ]);
  assert.deepEqual((await selectModelFiles(["tokenizer.json", "README.md"], { layout: "tokenizer" })).missing, [
    "tokenizer_config.json",
  ]);
  assert.equal((await selectModelFiles(["tokenizer.json", "tokenizer_config.json"])).layout, "onnx", "never by auto");
});
