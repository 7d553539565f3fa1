/**
 * The fetcher against the local hub: full fetches with hashes checked against independent references,
 * the cheap checks (size, files, disk) before any weight byte, the cache layout, offline mode,
 * quarantine on a hash mismatch, and per-miner errors that never stop the caller.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ModelId as ChainModelId, ModelRef } from "../src/mechanism/mod.ts";
import { startHubsim } from "../src/hubsim/mod.ts";
import { DiskSpaceError, fetchModel, fetchModels, MinerModelError } from "../src/hub/mod.ts";
import {
  copyFixtures,
  HASHES,
  HOTKEY,
  independentSecureHash,
  onnxModelFiles,
  tempDir,
  writeRepo,
} from "./hub_fixtures.ts";

const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

async function setup() {
  const root = await tempDir("subvalid-hubroot-");
  const cache = await tempDir("subvalid-cache-");
  await copyFixtures(root.path);
  const hub = await startHubsim({ root: root.path });
  const modelDir = join(cache.path, "hub");
  return {
    hub,
    root: root.path,
    modelDir,
    options: { modelDir, hubUrl: hub.url, progress: false, retry: FAST_RETRY },
    async [Symbol.asyncDispose]() {
      await hub.close();
      await root[Symbol.asyncDispose]();
      await cache[Symbol.asyncDispose]();
    },
  };
}

const ref = (repo: string, commit = "main", extra: Partial<ModelRef> = {}): ModelRef => ({
  namespace: repo.split("/")[0]!,
  name: repo.split("/")[1]!,
  commit,
  ...extra,
});

async function rejectsWith(promise: Promise<unknown>, reason: string): Promise<MinerModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MinerModelError, `expected a MinerModelError, got ${error}`);
    assert.equal(error.reason, reason, error.message);
    return error;
  }
  assert.fail(`expected a MinerModelError with reason "${reason}"`);
}

Deno.test("fetchModel fetches the ONNX layout at the exact commit and its secure hash equals the Python reference", async () => {
  await using s = await setup();
  const expected = HASHES["acme/tiny-onnx"]!;
  const model = await fetchModel(
    ref("acme/tiny-onnx", "main", { secureHash: expected.secure_hashes[HOTKEY], competitionId: 99 }),
    { ...s.options, hotkey: HOTKEY, uid: 3 },
  );
  assert.equal(model.hash, "ok");
  assert.equal(model.modelHash, expected.model_hash);
  assert.equal(model.layout, "onnx");
  assert.deepEqual(model.files.map((f) => f.path), expected.files);
  assert.match(model.commit, /^[0-9a-f]{40}$/);
  assert.equal(model.dir, join(s.modelDir, "models--acme--tiny-onnx", "snapshots", model.commit));
  assert.equal(await Deno.readTextFile(join(s.modelDir, "models--acme--tiny-onnx/refs/main")), model.commit);

  // Only the needed files were requested: 1 info request + 5 files, no README/quantized/safetensors.
  assert.deepEqual(
    s.hub.requests.list((r) => r.route === "resolve").map((r) => r.path).sort(),
    [...expected.files].sort(),
  );
  assert.equal(s.hub.requests.count(), 1 + expected.files.length);

  // Snapshot entries are real files hard-linked to blobs: no symlinks, no second copy.
  for (const file of model.files) {
    const entry = await Deno.lstat(join(model.dir, file.path));
    const blob = await Deno.stat(join(s.modelDir, "models--acme--tiny-onnx/blobs", file.blob));
    assert.ok(entry.isFile && !entry.isSymlink);
    assert.equal(entry.ino, blob.ino);
    assert.ok((entry.nlink ?? 0) >= 2);
    assert.equal(entry.size, file.size);
  }
  // Offline, the cache alone serves the same snapshot.
  const cached = await fetchModel(ref("acme/tiny-onnx"), { ...s.options, offline: true });
  assert.equal(cached.dir, model.dir);
  assert.deepEqual(cached.files.map((f) => f.path), expected.files);
});

Deno.test("fetchModel fetches exactly the reference validator's safetensors file set and hashes it like Python", async () => {
  await using s = await setup();
  const expected = HASHES["acme/tiny-st"]!;
  const model = await fetchModel(
    ref("acme/tiny-st", "main", { secureHash: expected.secure_hashes["5Hotkey"] }),
    { ...s.options, hotkey: "5Hotkey" },
  );
  assert.equal(model.layout, "safetensors");
  assert.deepEqual(model.files.map((f) => f.path), expected.files);
  assert.equal(model.modelHash, expected.model_hash);
  assert.equal(model.hash, "ok");
  const fetched = s.hub.requests.list((r) => r.route === "resolve").map((r) => r.path!);
  for (const skipped of ["vocab.json", "pytorch_model.bin", "README.md", ".gitattributes"]) {
    assert.ok(!fetched.includes(skipped), `${skipped} must not be fetched`);
  }
});

Deno.test("fetchModel's secure hash matches one computed independently in the test, with the hotkey bound in", async () => {
  await using s = await setup();
  await writeRepo(s.root, "gen/model-a", onnxModelFiles(300_000, 7));
  const model = await fetchModel(ref("gen/model-a"), { ...s.options, hotkey: HOTKEY });
  assert.equal(model.hash, "unchecked");
  const walk = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/model.onnx_data"];
  const independent = await independentSecureHash(model.dir, walk, HOTKEY);
  assert.equal(model.modelHash, independent.modelHash);
  assert.equal(model.secureHash, independent.secureHash);
  const again = await fetchModel(ref("gen/model-a", model.commit, { secureHash: independent.secureHash }), {
    ...s.options,
    hotkey: HOTKEY,
  });
  assert.equal(again.hash, "ok");
  assert.equal(again.cached, true);
  assert.equal(s.hub.requests.count((r) => r.route === "resolve"), walk.length, "the second fetch downloads nothing");
});

Deno.test("a secure hash mismatch is a per-miner error; the files stay quarantined and the model is ineligible", async () => {
  await using s = await setup();
  const expected = HASHES["acme/tiny-onnx"]!;
  const error = await rejectsWith(
    fetchModel(ref("acme/tiny-onnx", "main", { secureHash: expected.secure_hashes[HOTKEY] }), {
      ...s.options,
      hotkey: "5SomeoneElse",
      uid: 12,
    }),
    "hash_mismatch",
  );
  assert.equal(error.uid, 12);
  assert.equal(error.hotkey, "5SomeoneElse");
  assert.equal(error.permanent, true);
  const quarantine = String(error.details.quarantine);
  const reason = JSON.parse(await Deno.readTextFile(join(quarantine, "reason.json")));
  assert.equal(reason.expectedSecureHash, expected.secure_hashes[HOTKEY]);
  assert.equal(reason.modelHash, expected.model_hash);
  for (const path of expected.files) assert.ok((await Deno.stat(join(quarantine, "files", path))).isFile);

  const required = await rejectsWith(
    fetchModel(ref("acme/tiny-onnx", "main"), { ...s.options, hotkey: HOTKEY, requireHash: true }),
    "hash_mismatch",
  );
  assert.equal(required.details.expected, null);
});

Deno.test("an oversize model is rejected before any file byte is requested", async () => {
  await using s = await setup();
  await writeRepo(s.root, "gen/big", onnxModelFiles(2_000_000, 2));
  const error = await rejectsWith(
    fetchModel(ref("gen/big", "main", { competitionId: 99 }), { ...s.options, maxBytes: 1_000_000 }),
    "too_large",
  );
  assert.match(error.message, /size is \d+ bytes, limit is 1000000 bytes/);
  assert.equal(s.hub.requests.count((r) => r.route === "resolve" || r.route === "cdn"), 0);
  assert.equal(s.hub.requests.bytes((r) => r.route === "resolve"), 0);
});

Deno.test("a model missing needed files is rejected, naming them, before any weight byte", async () => {
  await using s = await setup();
  const files = onnxModelFiles(50_000, 3);
  delete files["tokenizer.json"];
  await writeRepo(s.root, "gen/incomplete", files);
  const error = await rejectsWith(fetchModel(ref("gen/incomplete"), s.options), "missing_files");
  assert.deepEqual(error.details.missing, ["tokenizer.json"]);
  assert.equal(s.hub.requests.count((r) => r.route === "resolve"), 0);

  await writeRepo(s.root, "gen/no-model", { "config.json": "{}", "README.md": "x" });
  const none = await rejectsWith(fetchModel(ref("gen/no-model"), s.options), "missing_files");
  assert.match(none.message, /onnx\/model\.onnx \(or model\.safetensors\)/);
});

Deno.test("unknown repositories, revisions, competitions and malformed ids are typed per-miner errors", async () => {
  await using s = await setup();
  await rejectsWith(fetchModel(ref("acme/nope"), s.options), "repo_not_found");
  await rejectsWith(fetchModel(ref("acme/tiny-onnx", "f".repeat(40)), s.options), "revision_not_found");
  await rejectsWith(fetchModel(ref("acme/tiny-onnx", "main", { competitionId: 42 }), s.options), "unknown_competition");
  await rejectsWith(fetchModel(ref("acme/../etc"), s.options), "invalid_id");
  await rejectsWith(fetchModel({ namespace: "a", name: "b", commit: "../x" }, s.options), "invalid_id");
  await rejectsWith(fetchModel({ namespace: "acme", name: "tiny-onnx", commit: null }, s.options), "invalid_id");
  assert.equal(s.hub.requests.count((r) => r.route !== "model-info"), 0);
});

Deno.test("fetchModel accepts the chain stage's parsed model ids as they are", async () => {
  await using s = await setup();
  const expected = HASHES["acme/tiny-onnx"]!;
  const id: ChainModelId = {
    namespace: "acme",
    name: "tiny-onnx",
    commit: "main",
    secureHash: expected.secure_hashes[HOTKEY]!,
    competitionId: 99,
  };
  const model = await fetchModel(id, { ...s.options, hotkey: HOTKEY });
  assert.equal(model.hash, "ok");
});

Deno.test("a download that would not fit the disk is refused before any weight byte", async () => {
  await using s = await setup();
  await assert.rejects(
    fetchModel(ref("acme/tiny-onnx"), { ...s.options, freeSpaceMarginBytes: 1e18 }),
    (error: unknown) => error instanceof DiskSpaceError && /margin/.test(error.message),
  );
  assert.equal(s.hub.requests.count((r) => r.route === "resolve"), 0);
});

Deno.test("offline mode serves a cached model with no request, and refuses an uncached one", async () => {
  await using s = await setup();
  const online = await fetchModel(ref("acme/tiny-onnx"), { ...s.options, hotkey: HOTKEY });
  await s.hub.close();
  const count = s.hub.requests.count();
  const offline = await fetchModel(ref("acme/tiny-onnx", "main", { secureHash: online.secureHash }), {
    modelDir: s.modelDir,
    offline: true,
    hotkey: HOTKEY,
  });
  assert.equal(offline.commit, online.commit);
  assert.equal(offline.hash, "ok");
  assert.equal(offline.cached, true);
  const rehashed = await fetchModel(ref("acme/tiny-onnx", online.commit), {
    modelDir: s.modelDir,
    offline: true,
    rehash: true,
  });
  assert.equal(rehashed.modelHash, online.modelHash);
  assert.equal(s.hub.requests.count(), count);
  await rejectsWith(fetchModel(ref("acme/tiny-st"), { modelDir: s.modelDir, offline: true }), "not_cached");

  // A snapshot laid out by another tool (no manifest) is selected and hashed from disk.
  await Deno.remove(join(s.modelDir, "models--acme--tiny-onnx/.subvalid"), { recursive: true });
  const foreign = await fetchModel(ref("acme/tiny-onnx"), { modelDir: s.modelDir, offline: true });
  assert.equal(foreign.modelHash, HASHES["acme/tiny-onnx"]!.model_hash);
});

Deno.test("fetchModels returns one outcome per miner: a bad model never stops the others", async () => {
  await using s = await setup();
  const outcomes = await fetchModels([
    { uid: 1, hotkey: "5A", model: ref("acme/nope") },
    {
      uid: 2,
      hotkey: HOTKEY,
      model: ref("acme/tiny-onnx", "main", { secureHash: HASHES["acme/tiny-onnx"]!.secure_hashes[HOTKEY] }),
    },
    { uid: 3, hotkey: "5C", model: ref("acme/tiny-st", "main", { secureHash: "bad" }) },
  ], { ...s.options, parallel: 2 });
  assert.deepEqual(outcomes.map((o) => [o.uid, o.ok]), [[1, false], [2, true], [3, false]]);
  const [first, , third] = outcomes;
  assert.ok(!first!.ok && first!.error instanceof MinerModelError && first!.error.reason === "repo_not_found");
  assert.ok(!third!.ok && third!.error instanceof MinerModelError && third!.error.reason === "hash_mismatch");
  assert.equal(outcomes[1]!.ok && outcomes[1]!.model.hash, "ok");
});

Deno.test("HF_TOKEN is sent to the hub: a token-protected hub refuses without it and serves with it", async () => {
  await using root = await tempDir();
  await using cache = await tempDir();
  await copyFixtures(root.path);
  await using hub = await startHubsim({ root: root.path, token: "hf_test", cdnRedirect: true });
  const options = { modelDir: cache.path, hubUrl: hub.url, progress: false, retry: FAST_RETRY };
  await rejectsWith(fetchModel(ref("acme/tiny-onnx"), options), "repo_not_found");
  const model = await fetchModel(ref("acme/tiny-onnx"), { ...options, token: "hf_test" });
  assert.equal(model.modelHash, HASHES["acme/tiny-onnx"]!.model_hash);
  assert.ok(hub.requests.count((r) => r.route === "cdn") > 0, "LFS files came through the redirect");
  assert.ok(hub.requests.list((r) => r.route !== undefined).slice(1).every((r) => r.authorized));
});

Deno.test("HF_TOKEN never leaves the hub's origin: LFS redirects to a CDN on another host name carry no Authorization", async () => {
  await using root = await tempDir();
  await using cache = await tempDir();
  await copyFixtures(root.path);
  // The CDN: another local hub over the same repositories, reached as "localhost" (the hub is 127.0.0.1).
  await using cdn = await startHubsim({ root: root.path, hostname: "127.0.0.1" });
  const cdnUrl = `http://localhost:${cdn.port}`;
  await using hub = await startHubsim({ root: root.path, token: "hf_secret_token", cdnRedirect: true, cdnUrl });
  assert.ok(hub.url.startsWith("http://127.0.0.1:"));
  const model = await fetchModel(ref("acme/tiny-onnx"), {
    modelDir: cache.path,
    hubUrl: hub.url,
    progress: false,
    retry: FAST_RETRY,
    token: "hf_secret_token",
  });
  assert.equal(model.modelHash, HASHES["acme/tiny-onnx"]!.model_hash);
  const cdnRequests = cdn.requests.list((r) => r.route === "cdn");
  assert.ok(cdnRequests.length > 0, "LFS files came from the other host");
  assert.deepEqual(cdnRequests.filter((r) => r.authorized), [], "no request to the CDN host carried Authorization");
  assert.ok(hub.requests.list((r) => r.route !== undefined).every((r) => r.authorized), "the hub got the token");
  assert.equal(hub.requests.count((r) => r.route === "cdn"), 0, "the hub itself served no LFS bytes");
});
