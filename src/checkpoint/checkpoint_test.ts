import assert from "node:assert/strict";
import { join } from "node:path";
import { copyDir, encodeSafetensors } from "./_testing.ts";
import { hasSafetensorsCheckpoint, openCheckpoint, SAFETENSORS_INDEX_FILE } from "./checkpoint.ts";
import { ModelFormatError } from "./errors.ts";

const FIXTURES = new URL("../../tests/fixtures/safetensors/", import.meta.url).pathname;
const SHARDED = join(FIXTURES, "llama-tied-sharded");

async function withCopy(from: string, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await copyDir(from);
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function editIndex(dir: string, edit: (map: Record<string, string>) => void): Promise<void> {
  const path = join(dir, SAFETENSORS_INDEX_FILE);
  const index = JSON.parse(await Deno.readTextFile(path));
  edit(index.weight_map);
  await Deno.writeTextFile(path, JSON.stringify(index));
}

Deno.test("openCheckpoint() follows the index's weight_map across shards", async () => {
  const checkpoint = await openCheckpoint(SHARDED);
  assert.equal(checkpoint.sharded, true);
  assert.deepEqual(checkpoint.files.map((f) => f.name), [
    "model-00001-of-00002.safetensors",
    "model-00002-of-00002.safetensors",
  ]);
  const index = JSON.parse(await Deno.readTextFile(join(SHARDED, SAFETENSORS_INDEX_FILE)));
  assert.equal(checkpoint.tensors.size, Object.keys(index.weight_map).length);
  for (const [name, file] of Object.entries(index.weight_map)) assert.equal(checkpoint.tensors.get(name)?.file, file);
  assert.equal(checkpoint.tensors.get("model.layers.1.mlp.up_proj.weight")?.dtype, "F32");
  assert.equal(checkpoint.tensors.get("model.layers.0.mlp.up_proj.weight")?.dtype, "F16");
  assert.equal(checkpoint.config.model_type, "llama");
});

Deno.test("openCheckpoint() prefers model.safetensors over an index, as transformers does", async () => {
  await withCopy(join(FIXTURES, "gemma"), async (dir) => {
    await Deno.writeTextFile(
      join(dir, SAFETENSORS_INDEX_FILE),
      JSON.stringify({ weight_map: { x: "nope.safetensors" } }),
    );
    const checkpoint = await openCheckpoint(dir);
    assert.equal(checkpoint.sharded, false);
    assert.deepEqual(checkpoint.files.map((f) => f.name), ["model.safetensors"]);
  });
});

Deno.test("openCheckpoint() rejects shard names that are not plain file names", async () => {
  for (
    const bad of ["../model-00001-of-00002.safetensors", "sub/model.safetensors", "/etc/passwd.safetensors", "x.bin"]
  ) {
    await withCopy(SHARDED, async (dir) => {
      await editIndex(dir, (map) => map["model.norm.weight"] = bad);
      await assert.rejects(openCheckpoint(dir), (error: unknown) => {
        assert.ok(error instanceof ModelFormatError);
        assert.match(error.message, /maps "model\.norm\.weight" to .*, not a plain \.safetensors file name/);
        return true;
      });
    });
  }
});

Deno.test("openCheckpoint() rejects an index naming a missing shard or a tensor its shard lacks", async () => {
  await withCopy(SHARDED, async (dir) => {
    await editIndex(dir, (map) => map["model.norm.weight"] = "model-00003-of-00003.safetensors");
    await assert.rejects(openCheckpoint(dir), /shard "model-00003-of-00003\.safetensors" named in .* is missing/);
  });
  await withCopy(SHARDED, async (dir) => {
    await editIndex(dir, (map) => map["model.norm.weight"] = "model-00001-of-00002.safetensors");
    await assert.rejects(
      openCheckpoint(dir),
      /maps "model\.norm\.weight" to shard "model-00001-of-00002\.safetensors", which does not hold it/,
    );
  });
});

Deno.test("openCheckpoint() rejects a missing or malformed config.json and a directory without weights", async () => {
  await withCopy(join(FIXTURES, "gemma"), async (dir) => {
    await Deno.writeTextFile(join(dir, "config.json"), "{model_type: gemma}");
    await assert.rejects(openCheckpoint(dir), /config\.json is not valid JSON/);
    await Deno.remove(join(dir, "config.json"));
    assert.equal(await hasSafetensorsCheckpoint(dir), false);
    await assert.rejects(openCheckpoint(dir), /config\.json" is missing/);
  });
  await withCopy(join(FIXTURES, "gemma"), async (dir) => {
    await Deno.remove(join(dir, "model.safetensors"));
    assert.equal(await hasSafetensorsCheckpoint(dir), false);
    await assert.rejects(openCheckpoint(dir), /neither model\.safetensors nor model\.safetensors\.index\.json exists/);
  });
});

Deno.test("openCheckpoint() passes a malformed shard header on as a ModelFormatError", async () => {
  await withCopy(SHARDED, async (dir) => {
    const bytes = encodeSafetensors({ w: { dtype: "F32", shape: [2], values: 1 } });
    await Deno.writeFile(join(dir, "model-00002-of-00002.safetensors"), bytes.subarray(0, bytes.length - 1));
    await assert.rejects(openCheckpoint(dir), /"model-00002-of-00002\.safetensors": tensor "w" ends at data offset 8/);
  });
});
