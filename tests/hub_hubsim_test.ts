/**
 * The local hub against the real client library (@huggingface/hub 2.17.5) and raw HTTP: endpoints,
 * shapes, ranges, error codes, commits, faults, the request log and the datasets-server.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { downloadFile, listFiles, modelInfo, pathsInfo, snapshotDownload } from "@huggingface/hub";
import { startHubsim } from "../src/hubsim/mod.ts";
import { copyFixtures, pseudoRandomBytes, tempDir, TESTDATA, writeRepo } from "./hub_fixtures.ts";

const ONNX = "acme/tiny-onnx";

async function fixtureHub(options: { treePageSize?: number; cdnRedirect?: boolean; token?: string } = {}) {
  const dir = await tempDir();
  await copyFixtures(dir.path);
  const hub = await startHubsim({ root: dir.path, ...options });
  return {
    hub,
    root: dir.path,
    async [Symbol.asyncDispose]() {
      await hub.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

Deno.test("hubsim serves repo info with sizes and LFS hashes for ?blobs=true, and only expanded fields for expand=", async () => {
  await using f = await fixtureHub();
  const { body } = await getJson(`${f.hub.url}/api/models/${ONNX}/revision/main?blobs=true`) as {
    body: { sha: string; siblings: { rfilename: string; size: number; blobId: string; lfs?: { sha256: string } }[] };
  };
  assert.match(body.sha, /^[0-9a-f]{40}$/);
  const bytes = await Deno.readFile(join(TESTDATA, "repos", ONNX, "onnx/model.onnx_data"));
  const data = body.siblings.find((s) => s.rfilename === "onnx/model.onnx_data")!;
  assert.equal(data.size, bytes.length);
  assert.equal(data.lfs?.sha256, createHash("sha256").update(bytes).digest("hex"));
  const config = await Deno.readFile(join(TESTDATA, "repos", ONNX, "config.json"));
  const configEntry = body.siblings.find((s) => s.rfilename === "config.json")!;
  assert.equal(configEntry.lfs, undefined);
  assert.equal(configEntry.blobId, createHash("sha1").update(`blob ${config.length}\0`).update(config).digest("hex"));
  assert.equal(body.siblings.length, 10);

  const plain = await getJson(`${f.hub.url}/api/models/${ONNX}`) as { body: { siblings: object[] } };
  assert.deepEqual(Object.keys(plain.body.siblings[0]!), ["rfilename"]);
  const expanded = await getJson(`${f.hub.url}/api/models/${ONNX}/revision/main?expand=sha&expand=likes`);
  assert.deepEqual(Object.keys(expanded.body as object).sort(), ["_id", "id", "likes", "sha"]);
});

Deno.test("hubsim works with @huggingface/hub: paginated listFiles, modelInfo, pathsInfo, downloadFile and snapshotDownload", async () => {
  await using f = await fixtureHub({ treePageSize: 3 });
  await using cache = await tempDir();
  const files: string[] = [];
  for await (const entry of listFiles({ repo: ONNX, recursive: true, hubUrl: f.hub.url })) {
    if (entry.type === "file") files.push(entry.path);
  }
  assert.equal(files.length, 10);
  assert.ok(f.hub.requests.count((r) => r.route === "tree") >= 4, "the tree was paginated");
  const info = await modelInfo({ name: ONNX, hubUrl: f.hub.url, additionalFields: ["sha"] });
  assert.match(info.sha, /^[0-9a-f]{40}$/);
  const [entry] = await pathsInfo({ repo: ONNX, paths: ["onnx/model.onnx"], expand: true, hubUrl: f.hub.url });
  assert.equal(entry?.lastCommit?.id, info.sha);
  assert.equal(await downloadFile({ repo: ONNX, path: "nope.txt", hubUrl: f.hub.url }), null);
  const blob = await downloadFile({ repo: ONNX, path: "onnx/model.onnx", hubUrl: f.hub.url });
  assert.deepEqual(
    new Uint8Array(await blob!.arrayBuffer()),
    await Deno.readFile(join(TESTDATA, "repos", ONNX, "onnx/model.onnx")),
  );
  const snapshot = await snapshotDownload({ repo: ONNX, hubUrl: f.hub.url, cacheDir: cache.path });
  assert.ok(snapshot.endsWith(`snapshots/${info.sha}`));
  assert.deepEqual(
    await Deno.readFile(join(snapshot, "onnx/model.onnx_data")),
    await Deno.readFile(join(TESTDATA, "repos", ONNX, "onnx/model.onnx_data")),
  );
  assert.equal(await Deno.readTextFile(join(cache.path, "models--acme--tiny-onnx/refs/main")), info.sha);
  for (const record of f.hub.requests.list()) {
    assert.notEqual(record.status, 0);
  }
});

Deno.test("hubsim resolve answers ranges with 206/Content-Range, bad ranges with 416, and never the xet content type", async () => {
  await using f = await fixtureHub();
  const url = `${f.hub.url}/${ONNX}/resolve/main/onnx/model.onnx_data`;
  const whole = await Deno.readFile(join(TESTDATA, "repos", ONNX, "onnx/model.onnx_data"));
  const probe = await fetch(url, { headers: { range: "bytes=0-0", accept: "application/vnd.xet-fileinfo+json, */*" } });
  assert.equal(probe.status, 206);
  assert.equal(probe.headers.get("content-range"), `bytes 0-0/${whole.length}`);
  assert.ok(!probe.headers.get("content-type")?.includes("xet"));
  assert.equal(probe.headers.get("x-linked-etag"), `"${createHash("sha256").update(whole).digest("hex")}"`);
  assert.equal(probe.headers.get("x-linked-size"), String(whole.length));
  assert.match(probe.headers.get("x-repo-commit") ?? "", /^[0-9a-f]{40}$/);
  assert.deepEqual(new Uint8Array(await probe.arrayBuffer()), whole.subarray(0, 1));
  const tail = await fetch(url, { headers: { range: "bytes=1000-" } });
  assert.equal(tail.status, 206);
  assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), whole.subarray(1000));
  const bad = await fetch(url, { headers: { range: `bytes=${whole.length}-` } });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers.get("content-range"), `bytes */${whole.length}`);
  await bad.body?.cancel();
  const head = await fetch(url, { method: "HEAD" });
  assert.equal(head.headers.get("content-length"), String(whole.length));
  assert.equal(head.headers.get("etag"), `"${createHash("sha256").update(whole).digest("hex")}"`);
});

Deno.test("hubsim answers 404 with X-Error-Code EntryNotFound, RepoNotFound and RevisionNotFound", async () => {
  await using f = await fixtureHub();
  const entry = await fetch(`${f.hub.url}/${ONNX}/resolve/main/missing.bin`);
  assert.equal(entry.status, 404);
  assert.equal(entry.headers.get("x-error-code"), "EntryNotFound");
  await entry.body?.cancel();
  const repo = await getJson(`${f.hub.url}/api/models/acme/nope/revision/main`);
  assert.equal(repo.status, 404);
  assert.equal(repo.headers.get("x-error-code"), "RepoNotFound");
  const revision = await getJson(`${f.hub.url}/api/models/${ONNX}/revision/${"0".repeat(40)}`);
  assert.equal(revision.status, 404);
  assert.equal(revision.headers.get("x-error-code"), "RevisionNotFound");
  const traversal = await getJson(`${f.hub.url}/api/models/..%2F../x/revision/main`);
  assert.equal(traversal.status, 404);
});

Deno.test("hubsim gives a changed repository a new commit and keeps serving the older commit seen before", async () => {
  await using dir = await tempDir();
  await writeRepo(dir.path, "acme/evolving", { "config.json": '{"v":1}', "weights.bin": pseudoRandomBytes(4096, 1) });
  await using hub = await startHubsim({ root: dir.path });
  const info = async (rev: string) =>
    (await getJson(`${hub.url}/api/models/acme/evolving/revision/${rev}?blobs=true`)).body as { sha: string };
  const first = (await info("main")).sha;
  assert.equal((await info("main")).sha, first, "the commit is deterministic");
  await writeRepo(dir.path, "acme/evolving", { "config.json": '{"v":2}' });
  const second = (await info("main")).sha;
  assert.notEqual(second, first);
  assert.equal((await info(first)).sha, first, "the older commit resolves");
  const old = await fetch(`${hub.url}/acme/evolving/resolve/${first}/config.json`);
  assert.equal(await old.text(), '{"v":1}');
  const now = await fetch(`${hub.url}/acme/evolving/resolve/${second}/config.json`);
  assert.equal(await now.text(), '{"v":2}');
});

Deno.test("hubsim faults: status, rate-limit with Retry-After, not-found, truncate, corrupt and slow apply as matched and counted", async () => {
  await using f = await fixtureHub();
  const url = `${f.hub.url}/${ONNX}/resolve/main/onnx/model.onnx`;
  const bytes = await Deno.readFile(join(TESTDATA, "repos", ONNX, "onnx/model.onnx"));
  const fiveHundred = f.hub.faults.add({ type: "status", status: 503, route: "resolve", path: "onnx/*", times: 1 });
  let response = await fetch(url);
  assert.equal(response.status, 503);
  await response.body?.cancel();
  assert.equal(fiveHundred.hits, 1);
  assert.equal(fiveHundred.active, false);

  f.hub.faults.add({ type: "rate-limit", retryAfter: 7, route: "resolve", times: 1 });
  response = await fetch(url);
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "7");
  await response.body?.cancel();

  f.hub.faults.add({ type: "not-found", code: "RevisionNotFound", route: "model-info", repo: ONNX, times: 1 });
  const info = await getJson(`${f.hub.url}/api/models/${ONNX}/revision/main`);
  assert.equal(info.headers.get("x-error-code"), "RevisionNotFound");

  f.hub.faults.add({ type: "truncate", afterBytes: 100, route: "resolve", times: 1 });
  response = await fetch(url);
  assert.equal(response.headers.get("content-length"), String(bytes.length));
  await assert.rejects(() => response.arrayBuffer());

  f.hub.faults.add({ type: "corrupt", route: "resolve", times: 1 });
  const corrupt = new Uint8Array(await (await fetch(url)).arrayBuffer());
  assert.equal(corrupt.length, bytes.length);
  assert.notDeepEqual(corrupt, bytes);

  f.hub.faults.add({ type: "slow", delayMs: 300, route: "resolve", times: 1 });
  const started = performance.now();
  assert.deepEqual(new Uint8Array(await (await fetch(url)).arrayBuffer()), bytes);
  assert.ok(performance.now() - started >= 290);

  assert.deepEqual(new Uint8Array(await (await fetch(url)).arrayBuffer()), bytes, "every fault is spent");
  assert.deepEqual(
    f.hub.requests.list((r) => r.route === "resolve").map((r) => r.fault ?? "none"),
    ["status", "rate-limit", "truncate", "corrupt", "slow", "none"],
  );
  assert.throws(() => f.hub.faults.add({ type: "status", status: 200 }), TypeError);
});

Deno.test("hubsim control endpoints add faults and list requests over HTTP", async () => {
  await using f = await fixtureHub();
  const added = await getJson(`${f.hub.url}/_hubsim/faults`, {
    method: "POST",
    body: JSON.stringify({ type: "status", status: 502, route: "model-info", times: 1 }),
  });
  assert.equal(added.status, 200);
  assert.equal((await getJson(`${f.hub.url}/api/models/${ONNX}`)).status, 502);
  assert.equal((await getJson(`${f.hub.url}/api/models/${ONNX}`)).status, 200);
  const log = (await getJson(`${f.hub.url}/_hubsim/requests`)).body as { route: string; status: number }[];
  assert.deepEqual(log.map((r) => [r.route, r.status]), [["model-info", 502], ["model-info", 200]]);
  const rejected = await getJson(`${f.hub.url}/_hubsim/faults`, { method: "POST", body: '{"type":"boom"}' });
  assert.equal(rejected.status, 400);
});

Deno.test("hubsim with a token answers 401 without it and serves with it", async () => {
  await using f = await fixtureHub({ token: "hf_secret" });
  const denied = await getJson(`${f.hub.url}/api/models/${ONNX}`);
  assert.equal(denied.status, 401);
  const allowed = await getJson(`${f.hub.url}/api/models/${ONNX}`, { headers: { authorization: "Bearer hf_secret" } });
  assert.equal(allowed.status, 200);
});

Deno.test("hubsim datasets-server: /size lists configs and splits, /rows pages with offset and length <= 100", async () => {
  await using f = await fixtureHub();
  const size = await getJson(`${f.hub.url}/size?dataset=acme/tiny-sft`) as {
    body: { size: { splits: { config: string; split: string; num_rows: number }[] } };
  };
  assert.deepEqual(size.body.size.splits.map((s) => [s.config, s.split, s.num_rows]), [
    ["default", "train", 230],
    ["extra", "test", 5],
  ]);
  const page = await getJson(
    `${f.hub.url}/rows?dataset=acme/tiny-sft&config=default&split=train&offset=150&length=100`,
  ) as {
    body: {
      rows: { row_idx: number; row: { problem_id: string } }[];
      num_rows_total: number;
      features: { name: string }[];
    };
  };
  assert.equal(page.body.num_rows_total, 230);
  assert.equal(page.body.rows.length, 80);
  assert.equal(page.body.rows[0]!.row_idx, 150);
  assert.equal(page.body.rows[0]!.row.problem_id, "p0150");
  assert.deepEqual(page.body.features.map((x) => x.name), ["messages", "task_type", "problem_id", "score"]);
  const ignoredLimit = await getJson(
    `${f.hub.url}/rows?dataset=acme/tiny-sft&config=default&split=train&offset=0&limit=150`,
  ) as {
    body: { rows: unknown[] };
  };
  assert.equal(ignoredLimit.body.rows.length, 100, "limit is ignored; length defaults to 100");
  const tooLong = await getJson(`${f.hub.url}/rows?dataset=acme/tiny-sft&config=default&split=train&length=101`);
  assert.equal(tooLong.status, 422);
  const missing = await getJson(`${f.hub.url}/size?dataset=acme/nope`);
  assert.equal(missing.status, 404);
  f.hub.faults.add({ type: "rate-limit", route: "rows", times: 1 });
  assert.equal((await getJson(`${f.hub.url}/rows?dataset=acme/tiny-sft&config=extra&split=test`)).status, 429);
  assert.equal((await getJson(`${f.hub.url}/rows?dataset=acme/tiny-sft&config=extra&split=test`)).status, 200);
});

Deno.test("hubsim with cdnRedirect sends LFS files through a redirect, and the redirected body honours Range", async () => {
  await using f = await fixtureHub({ cdnRedirect: true });
  const url = `${f.hub.url}/${ONNX}/resolve/main/onnx/model.onnx_data`;
  const manual = await fetch(url, { redirect: "manual" });
  assert.equal(manual.status, 302);
  assert.match(
    manual.headers.get("location") ?? "",
    /^\/_cdn\/model\/acme\/tiny-onnx\/[0-9a-f]{40}\/onnx\/model.onnx_data$/,
  );
  await manual.body?.cancel();
  const whole = await Deno.readFile(join(TESTDATA, "repos", ONNX, "onnx/model.onnx_data"));
  const ranged = await fetch(url, { headers: { range: "bytes=10-19" } });
  assert.equal(ranged.status, 206);
  assert.deepEqual(new Uint8Array(await ranged.arrayBuffer()), whole.subarray(10, 20));
  const small = await fetch(`${f.hub.url}/${ONNX}/resolve/main/config.json`, { redirect: "manual" });
  assert.equal(small.status, 200, "non-LFS files are served directly");
  await small.body?.cancel();
});
