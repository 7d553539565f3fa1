/**
 * Garbage collection of the model cache: referenced and fresh models stay, the rest goes (blobs shared
 * with kept models stay), holds protect models in use, stale holds do not, dry runs delete nothing and
 * report the bytes they would free, quarantines expire.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startHubsim } from "../src/hubsim/mod.ts";
import { collectGarbage, fetchModel, holdModel, holdsDir, listHeldDirs } from "../src/hub/mod.ts";
import type { ModelRef } from "../src/mechanism/mod.ts";
import { onnxModelFiles, tempDir, writeRepo } from "./hub_fixtures.ts";

const HOUR = 3_600_000;

async function setup() {
  const root = await tempDir("subvalid-hubroot-");
  const cache = await tempDir("subvalid-cache-");
  await writeRepo(root.path, "gen/keep", onnxModelFiles(100_000, 21));
  await writeRepo(root.path, "gen/drop", onnxModelFiles(120_000, 22));
  await writeRepo(root.path, "gen/fresh", onnxModelFiles(90_000, 23));
  const hub = await startHubsim({ root: root.path });
  const modelDir = join(cache.path, "hub");
  const cacheDir = join(cache.path, "subvalid-score");
  const options = { modelDir, hubUrl: hub.url, progress: false };
  const keep = await fetchModel(ref("gen/keep"), options);
  const drop = await fetchModel(ref("gen/drop"), options);
  const fresh = await fetchModel(ref("gen/fresh"), options);
  return {
    root: root.path,
    hubUrl: hub.url,
    modelDir,
    cacheDir,
    keep,
    drop,
    fresh,
    async [Symbol.asyncDispose]() {
      await hub.close();
      await root[Symbol.asyncDispose]();
      await cache[Symbol.asyncDispose]();
    },
  };
}

function ref(repo: string, commit = "main"): ModelRef {
  return { namespace: repo.split("/")[0]!, name: repo.split("/")[1]!, commit };
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry.name);
  return out;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** Makes every file of a snapshot tree look `ageMs` old. */
async function age(dir: string, ageMs: number): Promise<void> {
  const when = new Date(Date.now() - ageMs);
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) await age(path, ageMs);
    await Deno.utime(path, when, when);
  }
  await Deno.utime(dir, when, when);
}

Deno.test("gc keeps referenced and fresh models, deletes the rest, and keeps blobs a kept commit shares", async () => {
  await using s = await setup();
  // A second commit of gen/keep that shares its weight blobs with the first.
  await writeRepo(s.root, "gen/keep", { "config.json": JSON.stringify({ model_type: "llama", second: true }) });
  const second = await fetchModel(ref("gen/keep"), { modelDir: s.modelDir, hubUrl: s.hubUrl, progress: false });
  assert.notEqual(second.commit, s.keep.commit);
  assert.equal(
    second.receivedBytes,
    second.files.find((f) => f.path === "config.json")!.size,
    "only config.json was new",
  );
  await age(join(s.modelDir, "models--gen--keep"), HOUR);
  await age(join(s.modelDir, "models--gen--drop"), HOUR);
  const references = [{ hotkey: "5A", repo: "gen/keep", commit: s.keep.commit }];

  const plan = await collectGarbage({ modelDir: s.modelDir, references, graceMs: 300_000, dryRun: true });
  const dropBytes = s.drop.files.reduce((sum, f) => sum + f.size, 0);
  const secondOnly = second.files.find((f) => f.path === "config.json")!.size;
  assert.equal(plan.freedBytes, dropBytes + secondOnly, "blobs shared with the kept commit free nothing");
  assert.deepEqual(plan.kept.map((k) => [k.repo, k.reason]).sort(), [["gen/fresh", "fresh"], [
    "gen/keep",
    "referenced",
  ]]);
  assert.ok(plan.deleted.some((d) => d.kind === "snapshot" && d.commit === second.commit));
  assert.ok(await exists(s.drop.dir) && await exists(second.dir), "a dry run deletes nothing");

  const report = await collectGarbage({ modelDir: s.modelDir, references, graceMs: 300_000 });
  assert.equal(report.freedBytes, plan.freedBytes);
  assert.deepEqual(report.deleted, plan.deleted);
  assert.equal(await exists(join(s.modelDir, "models--gen--drop")), false);
  assert.equal(await exists(join(s.modelDir, ".locks/models--gen--drop")), false);
  assert.equal(await exists(second.dir), false);
  assert.equal(
    await exists(join(s.modelDir, "models--gen--keep/refs/main")),
    false,
    "the ref to the deleted commit went",
  );
  for (const model of [s.keep, s.fresh]) {
    for (const file of model.files) {
      assert.equal((await Deno.stat(join(model.dir, file.path))).size, file.size);
    }
  }
  const blobs = (await names(join(s.modelDir, "models--gen--keep/blobs"))).sort();
  assert.deepEqual(blobs, s.keep.files.map((f) => f.blob).sort());
});

Deno.test("gc never deletes a model a scoring process holds, and ignores holds whose holder is gone", async () => {
  await using s = await setup();
  await age(join(s.modelDir, "models--gen--drop"), HOUR);
  const hold = await holdModel(s.drop.dir);
  assert.ok(hold.file.startsWith(holdsDir(s.cacheDir)), "the default hold directory is in the default scoring cache");
  assert.deepEqual([...await listHeldDirs(s.cacheDir)], [s.drop.dir]);
  let report = await collectGarbage({ modelDir: s.modelDir, references: [], graceMs: 300_000 });
  assert.ok(report.kept.some((k) => k.repo === "gen/drop" && k.reason === "held"));
  assert.ok(await exists(s.drop.dir));
  await hold.release();

  // A hold file left by a process that died (no lock on it) protects nothing and is cleaned up.
  await Deno.writeTextFile(join(holdsDir(s.cacheDir), "dead.hold"), JSON.stringify({ dir: s.drop.dir, pid: 1 }));
  report = await collectGarbage({ modelDir: s.modelDir, references: [], graceMs: 300_000 });
  assert.ok(report.deleted.some((d) => d.kind === "snapshot" && d.repo === "gen/drop"));
  assert.equal(await exists(s.drop.dir), false);
  assert.equal(await exists(join(holdsDir(s.cacheDir), "dead.hold")), false);
});

Deno.test("a hold held by another process protects the model until that process exits", async () => {
  await using s = await setup();
  await age(join(s.modelDir, "models--gen--keep"), HOUR);
  const script = `
    import { holdModel } from ${JSON.stringify(new URL("../src/hub/mod.ts", import.meta.url).href)};
    const hold = await holdModel(${JSON.stringify(s.keep.dir)});
    console.log("held");
    await new Promise((r) => setTimeout(r, 60_000));
  `;
  const child = new Deno.Command(Deno.execPath(), { args: ["eval", script], stdout: "piped", stderr: "null" }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assert.equal(new TextDecoder().decode(first.value).trim(), "held");
  let report = await collectGarbage({ modelDir: s.modelDir, references: [], graceMs: 1000, dryRun: true });
  assert.ok(report.kept.some((k) => k.repo === "gen/keep" && k.reason === "held"));
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  report = await collectGarbage({ modelDir: s.modelDir, references: [], graceMs: 1000 });
  assert.ok(
    report.deleted.some((d) => d.kind === "snapshot" && d.repo === "gen/keep"),
    "the dead holder's hold is stale",
  );
});

Deno.test("gc resolves branch references through refs/ and removes stale partial downloads of unreferenced repos", async () => {
  await using s = await setup();
  await age(join(s.modelDir, "models--gen--keep"), HOUR);
  await age(join(s.modelDir, "models--gen--drop"), HOUR);
  const partial = join(s.modelDir, "models--gen--drop/blobs", `${"a".repeat(64)}.incomplete`);
  await Deno.writeFile(partial, new Uint8Array(1000));
  await Deno.utime(partial, new Date(Date.now() - HOUR), new Date(Date.now() - HOUR));
  const report = await collectGarbage({
    modelDir: s.modelDir,
    references: [{ repo: "gen/keep", commit: s.keep.commit }, { repo: "gen/fresh", commit: "main" }],
    graceMs: 300_000,
  });
  assert.ok(report.deleted.some((d) => d.kind === "incomplete" && d.path === partial));
  assert.ok(report.kept.some((k) => k.repo === "gen/keep" && k.reason === "referenced"));
  assert.ok(await exists(join(s.modelDir, "models--gen--keep/refs/main")), "a ref to a kept commit stays");
});

Deno.test("gc deletes quarantined files after the retention period only", async () => {
  await using s = await setup();
  await assert.rejects(fetchModel({ ...ref("gen/keep"), secureHash: "wrong" }, {
    modelDir: s.modelDir,
    offline: true,
    hotkey: "5X",
  }));
  const quarantineRoot = join(s.modelDir, "models--gen--keep/.subvalid/quarantine");
  const [name] = await names(quarantineRoot);
  const references = [{ repo: "gen/keep", commit: "main" }];
  let report = await collectGarbage({ modelDir: s.modelDir, references, quarantineRetentionMs: HOUR });
  assert.ok(!report.deleted.some((d) => d.kind === "quarantine"));
  await age(join(quarantineRoot, name!), 2 * HOUR);
  report = await collectGarbage({ modelDir: s.modelDir, references, quarantineRetentionMs: HOUR });
  assert.ok(report.deleted.some((d) => d.kind === "quarantine"));
  assert.ok(await exists(s.keep.dir), "the referenced snapshot itself stays");
});
