/**
 * The fetcher when the hub misbehaves: rate limits with Retry-After, server errors until the retries
 * run out, bodies cut short (resumed with Range, never left looking complete), wrong bytes, stalls, and
 * several fetches of the same model at once.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { startHubsim } from "../src/hubsim/mod.ts";
import { fetchModel, MinerModelError } from "../src/hub/mod.ts";
import type { ModelRef } from "../src/mechanism/mod.ts";
import { onnxModelFiles, tempDir, writeRepo } from "./hub_fixtures.ts";

const WEIGHTS = "onnx/model.onnx_data";
const SIZE = 400_000;

async function setup(retry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }) {
  const root = await tempDir("subvalid-hubroot-");
  const cache = await tempDir("subvalid-cache-");
  await writeRepo(root.path, "gen/model", onnxModelFiles(SIZE, 11));
  const hub = await startHubsim({ root: root.path });
  const modelDir = join(cache.path, "hub");
  return {
    hub,
    modelDir,
    options: { modelDir, hubUrl: hub.url, progress: false, retry },
    blobsDir: join(modelDir, "models--gen--model", "blobs"),
    async [Symbol.asyncDispose]() {
      await hub.close();
      await root[Symbol.asyncDispose]();
      await cache[Symbol.asyncDispose]();
    },
  };
}

const REF: ModelRef = { namespace: "gen", name: "model", commit: "main" };

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("a 429 with Retry-After is waited out as asked, then the download succeeds", async () => {
  await using s = await setup({ attempts: 3, baseDelayMs: 5, maxDelayMs: 20 });
  s.hub.faults.add({ type: "rate-limit", retryAfter: 1, route: "resolve", path: WEIGHTS, times: 1 });
  const model = await fetchModel(REF, s.options);
  const tries = s.hub.requests.list((r) => r.path === WEIGHTS);
  assert.deepEqual(tries.map((r) => r.status), [429, 200]);
  assert.ok(
    tries[1]!.time - tries[0]!.time >= 1000,
    `waited ${tries[1]!.time - tries[0]!.time} ms, Retry-After was 1 s`,
  );
  assert.equal(model.files.find((f) => f.path === WEIGHTS)?.size, SIZE);
});

Deno.test("server errors on every attempt exhaust the bounded retries into a typed, retryable error", async () => {
  await using s = await setup();
  const fault = s.hub.faults.add({ type: "status", status: 503, route: "resolve", path: WEIGHTS });
  let caught: unknown;
  try {
    await fetchModel(REF, { ...s.options, uid: 5, hotkey: "5Hk" });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof MinerModelError);
  assert.equal(caught.reason, "download_failed");
  assert.equal(caught.permanent, false);
  assert.equal(caught.uid, 5);
  assert.match(caught.message, /503/);
  assert.equal(fault.hits, 3, "exactly the configured attempts");
  const weightsBlob = createHash("sha256").update(onnxModelFiles(SIZE, 11)[WEIGHTS] as Uint8Array).digest("hex");
  assert.ok(!(await listDir(s.blobsDir)).includes(weightsBlob), "no complete weight blob");
  assert.ok((await listDir(s.blobsDir)).includes(`${weightsBlob}.incomplete`));
  assert.equal(await exists(join(s.modelDir, "models--gen--model/.subvalid/manifests")), false);

  // Metadata requests retry too, and give up the same way.
  s.hub.faults.clear();
  s.hub.faults.add({ type: "status", status: 500, route: "model-info" });
  await assert.rejects(
    fetchModel(REF, s.options),
    (e: unknown) => e instanceof MinerModelError && e.reason === "download_failed",
  );
  assert.equal(s.hub.requests.count((r) => r.route === "model-info" && r.status === 500), 3);
});

Deno.test("a truncated body is resumed with Range from the bytes already on disk", async () => {
  await using s = await setup();
  s.hub.faults.add({ type: "truncate", afterBytes: 150_000, route: "resolve", path: WEIGHTS, times: 1 });
  const model = await fetchModel(REF, s.options);
  const tries = s.hub.requests.list((r) => r.path === WEIGHTS);
  assert.equal(tries.length, 2);
  assert.equal(tries[0]!.range, undefined);
  assert.equal(tries[1]!.range, "bytes=150000-");
  assert.equal(tries[1]!.bytes, SIZE - 150_000);
  const expected = onnxModelFiles(SIZE, 11)[WEIGHTS] as Uint8Array;
  assert.deepEqual(await Deno.readFile(join(model.dir, WEIGHTS)), expected);
  assert.equal(model.receivedBytes, model.bytes, "no byte was fetched twice");
});

Deno.test("a body cut short on every attempt is never left looking complete, and a later fetch resumes it", async () => {
  await using s = await setup();
  s.hub.faults.add({ type: "truncate", afterBytes: 100_000, route: "resolve", path: WEIGHTS, times: 1 });
  s.hub.faults.add({ type: "truncate", afterBytes: 50_000, route: "resolve", path: WEIGHTS, times: 2 });
  await assert.rejects(
    fetchModel(REF, s.options),
    (e: unknown) => e instanceof MinerModelError && e.reason === "download_failed",
  );
  const names = await listDir(s.blobsDir);
  const partial = names.filter((n) => n.endsWith(".incomplete"));
  assert.equal(partial.length, 1);
  assert.ok(!names.includes(partial[0]!.replace(".incomplete", "")), "the partial blob has no final name");
  assert.equal((await Deno.stat(join(s.blobsDir, partial[0]!))).size, 200_000);
  const snapshots = join(s.modelDir, "models--gen--model/snapshots");
  for (const commit of await listDir(snapshots)) {
    assert.equal(await exists(join(snapshots, commit, WEIGHTS)), false, "no snapshot entry for the partial file");
  }
  assert.equal(
    await fetchModel(REF, { ...s.options, modelDir: s.modelDir, offline: true }).catch((e) => e.reason),
    "not_cached",
  );

  const model = await fetchModel(REF, s.options);
  const last = s.hub.requests.list((r) => r.path === WEIGHTS).at(-1)!;
  assert.equal(last.range, "bytes=200000-");
  assert.deepEqual(await Deno.readFile(join(model.dir, WEIGHTS)), onnxModelFiles(SIZE, 11)[WEIGHTS]);
  assert.ok(!(await listDir(s.blobsDir)).some((n) => n.endsWith(".incomplete")));
});

Deno.test("wrong bytes are detected by hash, discarded and fetched again; wrong bytes every time are a typed error", async () => {
  await using s = await setup();
  s.hub.faults.add({ type: "corrupt", route: "resolve", path: WEIGHTS, times: 1 });
  const model = await fetchModel(REF, s.options);
  assert.deepEqual(await Deno.readFile(join(model.dir, WEIGHTS)), onnxModelFiles(SIZE, 11)[WEIGHTS]);
  assert.deepEqual(s.hub.requests.list((r) => r.path === WEIGHTS).map((r) => r.range), [undefined, undefined]);

  await writeRepo(s.hub.root, "gen/model", { "config.json": '{"changed":true}' });
  s.hub.faults.add({ type: "corrupt", route: "resolve", path: "config.json" });
  await assert.rejects(
    fetchModel(REF, s.options),
    (e: unknown) => e instanceof MinerModelError && e.reason === "corrupt_download" && /git blob id/.test(e.message),
  );
});

Deno.test("a stalled body hits the idle deadline and is retried", async () => {
  await using s = await setup();
  // 4 bytes a second: one byte every 250 ms, longer than the 150 ms idle deadline.
  s.hub.faults.add({ type: "slow", bytesPerSecond: 4, route: "resolve", path: WEIGHTS, times: 1 });
  const model = await fetchModel(REF, { ...s.options, idleTimeoutMs: 150 });
  const tries = s.hub.requests.list((r) => r.path === WEIGHTS);
  assert.equal(tries.length, 2);
  assert.equal(tries[0]!.fault, "slow");
  assert.deepEqual(await Deno.readFile(join(model.dir, WEIGHTS)), onnxModelFiles(SIZE, 11)[WEIGHTS]);
});

Deno.test("concurrent fetches of the same model download each file once and do not corrupt each other", async () => {
  await using s = await setup();
  s.hub.faults.add({ type: "slow", bytesPerSecond: 2_000_000, route: "resolve", path: WEIGHTS, times: 1 });
  const results = await Promise.all([1, 2, 3, 4].map((uid) => fetchModel(REF, { ...s.options, uid })));
  assert.equal(new Set(results.map((r) => r.dir)).size, 1);
  assert.equal(new Set(results.map((r) => r.modelHash)).size, 1);
  assert.equal(s.hub.requests.count((r) => r.path === WEIGHTS), 1, "one download of the weights");
  assert.equal(results.reduce((sum, r) => sum + r.receivedBytes, 0), results[0]!.bytes);
  assert.deepEqual(await Deno.readFile(join(results[0]!.dir, WEIGHTS)), onnxModelFiles(SIZE, 11)[WEIGHTS]);
  assert.ok(!(await listDir(s.blobsDir)).some((n) => n.endsWith(".incomplete")));
});
