/**
 * `deno task score` on safetensors checkpoints: a Hugging Face cache snapshot (files are symlinks into
 * `blobs/`) scored through the model-directory hook, the CLI under the `score` permission set for all
 * four architectures, Infinity with a reason for unsupported or malformed checkpoints, and the build
 * cache.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildKey, openCheckpoint, openSafetensorsModel } from "../src/checkpoint/mod.ts";
import { readSamples } from "../src/eval/mod.ts";
import { scoreModel } from "../src/score/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const FIXTURES = join(ROOT, "tests/fixtures/safetensors");
const SAMPLES = join(FIXTURES, "samples.jsonl");
const samples = await readSamples(SAMPLES);
const reference = async (model: string): Promise<{ samples: { loss: number }[] }> =>
  JSON.parse(await Deno.readTextFile(join(FIXTURES, model, "reference.json")));

/** Lays a fixture out as an HF cache repo: blobs named by content hash, snapshot files as relative symlinks. */
async function hfSnapshot(root: string, model: string): Promise<string> {
  const repo = join(root, `models--test--${model}`);
  const snapshot = join(repo, "snapshots", "0123456789abcdef0123456789abcdef01234567");
  await Deno.mkdir(join(repo, "blobs"), { recursive: true });
  await Deno.mkdir(snapshot, { recursive: true });
  for await (const entry of Deno.readDir(join(FIXTURES, model))) {
    if (entry.name === "reference.json") continue;
    const bytes = await Deno.readFile(join(FIXTURES, model, entry.name));
    const digest = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    await Deno.writeFile(join(repo, "blobs", digest), bytes);
    await Deno.symlink(join("..", "..", "blobs", digest), join(snapshot, entry.name));
  }
  return snapshot;
}

async function scoreTask(
  model: string,
  extraDir?: string,
  flags: readonly string[] = [],
): Promise<{ code: number; json: Record<string, unknown> }> {
  const extra = extraDir === undefined ? "" : `,${extraDir}`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-P=score",
      ...(extraDir === undefined ? [] : [`--allow-read=./${extra}`]),
      "tasks/score.ts",
      "--model",
      model,
      "--samples",
      SAMPLES,
      "--device",
      "cpu",
      "--json",
      ...flags,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(text.trim().startsWith("{"), `JSON on stdout: ${text}\n${new TextDecoder().decode(out.stderr)}`);
  return { code: out.code, json: JSON.parse(text) };
}

Deno.test("scoreModel() scores a safetensors checkpoint straight from a Hugging Face cache snapshot", async () => {
  const root = await Deno.makeTempDir({ prefix: "subvalid-hf-" });
  try {
    const snapshot = await hfSnapshot(join(root, "hub"), "gemma2");
    const report = await scoreModel(snapshot, samples, { cacheDir: join(root, "score"), device: "cpu" });
    assert.equal(report.error, undefined);
    const expected = await reference("gemma2");
    report.samples.forEach((s, i) => assert.ok(Math.abs(s.loss - expected.samples[i]!.loss) < 1e-4));
    const built = await Array.fromAsync(Deno.readDir(join(root, "score", "built")));
    assert.equal(built.length, 1, "one cached build");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("deno task score --json scores safetensors checkpoints of all four architectures", async () => {
  for (const model of ["llama", "llama-tied-sharded", "mistral", "gemma", "gemma2"]) {
    const { code, json } = await scoreTask(`tests/fixtures/safetensors/${model}`);
    assert.equal(code, 0, `${model}: ${json.error}`);
    const expected = await reference(model);
    (json.samples as { loss: number }[]).forEach((s, i) =>
      assert.ok(Math.abs(s.loss - expected.samples[i]!.loss) < 1e-4, `${model} sample ${i}`)
    );
  }
});

Deno.test("deno task score gives Infinity naming the field for an unsupported config, and the reason for a bad header", async () => {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-bad-" });
  try {
    for await (const entry of Deno.readDir(join(FIXTURES, "gemma"))) {
      await Deno.copyFile(join(FIXTURES, "gemma", entry.name), join(dir, entry.name));
    }
    const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
    await Deno.writeTextFile(
      join(dir, "config.json"),
      JSON.stringify({ ...config, rope_scaling: { rope_type: "yarn", factor: 4 } }),
    );
    const unsupported = await scoreTask(dir, dir);
    assert.equal(unsupported.code, 8);
    assert.equal(unsupported.json.loss, null);
    assert.match(String(unsupported.json.error), /config\.json field "rope_scaling\.rope_type" is "yarn"/);

    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
    const bytes = await Deno.readFile(join(dir, "model.safetensors"));
    await Deno.writeFile(join(dir, "model.safetensors"), bytes.subarray(0, bytes.length - 2));
    const truncated = await scoreTask(dir, dir);
    assert.equal(truncated.code, 8);
    assert.match(
      String(truncated.json.error),
      /Cannot read safetensors file "model\.safetensors": tensor ".*" ends at data offset/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openSafetensorsModel() reuses the cached build while config and headers are unchanged", async () => {
  const root = await Deno.makeTempDir({ prefix: "subvalid-cache-" });
  try {
    const dir = join(root, "model");
    await Deno.mkdir(dir);
    for await (const entry of Deno.readDir(join(FIXTURES, "mistral"))) {
      await Deno.copyFile(join(FIXTURES, "mistral", entry.name), join(dir, entry.name));
    }
    const cacheDir = join(root, "score");
    const first = await openSafetensorsModel(dir, { cacheDir });
    const second = await openSafetensorsModel(dir, { cacheDir });
    assert.deepEqual([first.cached, second.cached], [false, true]);
    assert.equal(second.buildKey, first.buildKey);
    assert.deepEqual(second.model.graph.node.length, first.model.graph.node.length);

    // New weight bytes under the same header: same build, still cached.
    const bytes = await Deno.readFile(join(dir, "model.safetensors"));
    bytes[bytes.length - 1]! ^= 1;
    await Deno.writeFile(join(dir, "model.safetensors"), bytes);
    assert.equal((await openSafetensorsModel(dir, { cacheDir })).cached, true);

    // Another config, or other build options: another build.
    const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ ...config, sliding_window: 4 }));
    const changed = await openSafetensorsModel(dir, { cacheDir });
    assert.equal(changed.cached, false);
    assert.notEqual(changed.buildKey, first.buildKey);
    const checkpoint = await openCheckpoint(dir);
    assert.notEqual(await buildKey(checkpoint, { attention: "plain" }), await buildKey(checkpoint));
    assert.equal((await openSafetensorsModel(dir, { cacheDir, computeDtype: "bfloat16" })).cached, false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("deno task score --competition checks the checkpoint first: a tiny model fails competition 4 with the numbers", async () => {
  const failed = await scoreTask("tests/fixtures/safetensors/llama", undefined, ["--competition", "4"]);
  assert.equal(failed.code, 8);
  assert.equal(failed.json.loss, null);
  assert.match(String(failed.json.error), /parameter/i);
  assert.match(String(failed.json.error), /3200000000|3\.2/);
  const demo = await scoreTask("tests/fixtures/safetensors/llama", undefined, ["--competition", "99"]);
  assert.equal(demo.code, 0, String(demo.json.error));
});
