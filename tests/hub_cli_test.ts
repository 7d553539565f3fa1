/**
 * The fetch, gc and hubsim tasks run as users run them: `deno run -P=<set> tasks/<task>.ts`, under
 * their own permission sets, against a local hub on 127.0.0.1, with the model cache inside the
 * project's ./.cache/huggingface (the only place the fetch and gc sets may write).
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startHubsim } from "../src/hubsim/mod.ts";
import { copyFixtures, HASHES, HOTKEY, tempDir, TESTDATA } from "./hub_fixtures.ts";

const PROJECT = resolve(fileURLToPath(new URL("..", import.meta.url)));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runTask(
  permissions: string,
  task: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", `-P=${permissions}`, `tasks/${task}.ts`, ...args],
    cwd: PROJECT,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

async function setup() {
  const root = await tempDir("subvalid-hubroot-");
  await copyFixtures(root.path);
  const hub = await startHubsim({ root: root.path });
  const rel = `./.cache/huggingface/test-hub-${crypto.randomUUID().slice(0, 8)}`;
  const base = join(PROJECT, rel);
  return {
    hub,
    modelDirFlag: `${rel}/hub`,
    modelDir: join(base, "hub"),
    base,
    async [Symbol.asyncDispose]() {
      await hub.close();
      await root[Symbol.asyncDispose]();
      await Deno.remove(base, { recursive: true }).catch(() => {});
    },
  };
}

Deno.test("deno task fetch (-P=fetch) fetches from a local hub and prints the JSON result; a mismatch exits 7", async () => {
  await using s = await setup();
  const expected = HASHES["acme/tiny-onnx"]!;
  const common = ["--model", "acme/tiny-onnx", "--hub.url", s.hub.url, "--validator.model_dir", s.modelDirFlag];
  const ok = await runTask("fetch", "fetch", [
    ...common,
    "--revision",
    "main",
    "--hotkey",
    HOTKEY,
    "--hash",
    expected.secure_hashes[HOTKEY]!,
    "--competition",
    "99",
    "--json",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout);
  assert.equal(result.hash, "ok");
  assert.match(result.commit, /^[0-9a-f]{40}$/);
  assert.equal(result.path, join(s.modelDir, "models--acme--tiny-onnx", "snapshots", result.commit));
  let bytes = 0;
  for (const path of expected.files) bytes += (await Deno.stat(join(TESTDATA, "repos/acme/tiny-onnx", path))).size;
  assert.equal(result.bytes, bytes);
  assert.equal(typeof result.seconds, "number");
  assert.equal(result.modelHash, expected.model_hash);

  const mismatch = await runTask("fetch", "fetch", [
    ...common,
    "--hotkey",
    "5Other",
    "--hash",
    expected.secure_hashes[HOTKEY]!,
    "--json",
  ]);
  assert.equal(mismatch.code, 7);
  const failure = JSON.parse(mismatch.stdout);
  assert.equal(failure.hash, "mismatch");
  assert.equal(failure.reason, "hash_mismatch");
  assert.match(failure.error, /secure hash/);

  const missing = await runTask("fetch", "fetch", [
    "--model",
    "acme/nope",
    "--hub.url",
    s.hub.url,
    "--validator.model_dir",
    s.modelDirFlag,
  ]);
  assert.equal(missing.code, 7);
  assert.match(missing.stderr, /Cannot resolve model "acme\/nope"/);

  const requests = s.hub.requests.count();
  const offline = await runTask("fetch", "fetch", [...common, "--json"], { HF_HUB_OFFLINE: "1" });
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(JSON.parse(offline.stdout).cached, true);
  assert.equal(s.hub.requests.count(), requests, "offline made no request");

  const usage = await runTask("fetch", "fetch", ["--hash", "x"]);
  assert.equal(usage.code, 2);
});

Deno.test("two fetch processes of the same model at once share one download and both succeed", async () => {
  await using s = await setup();
  s.hub.faults.add({ type: "slow", bytesPerSecond: 200_000, route: "resolve", path: "onnx/model.onnx_data", times: 1 });
  const args = ["--model", "acme/tiny-onnx", "--hub.url", s.hub.url, "--validator.model_dir", s.modelDirFlag, "--json"];
  const [a, b] = await Promise.all([runTask("fetch", "fetch", args), runTask("fetch", "fetch", args)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(JSON.parse(a.stdout).modelHash, HASHES["acme/tiny-onnx"]!.model_hash);
  assert.equal(JSON.parse(b.stdout).modelHash, HASHES["acme/tiny-onnx"]!.model_hash);
  assert.equal(s.hub.requests.count((r) => r.path === "onnx/model.onnx_data"), 1);
});

Deno.test("deno task gc (-P=gc) lists with --dry-run, keeps what a references file names, and refuses to run blind", async () => {
  await using s = await setup();
  const fetched = await runTask("fetch", "fetch", [
    "--model",
    "acme/tiny-st",
    "--hub.url",
    s.hub.url,
    "--validator.model_dir",
    s.modelDirFlag,
    "--json",
  ]);
  assert.equal(fetched.code, 0, fetched.stderr);
  const { commit } = JSON.parse(fetched.stdout);
  const gcArgs = ["--validator.model_dir", s.modelDirFlag, "--validator.gc_grace", "0", "--json"];

  const blind = await runTask("gc", "gc", gcArgs);
  assert.equal(blind.code, 2);
  assert.match(blind.stderr, /--references/);

  const dry = await runTask("gc", "gc", [...gcArgs, "--none-referenced", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout);
  assert.equal(plan.dryRun, true);
  assert.ok(plan.deleted.some((d: { kind: string; commit?: string }) => d.kind === "snapshot" && d.commit === commit));
  assert.ok(plan.freedBytes > 0);
  assert.ok((await Deno.stat(join(s.modelDir, "models--acme--tiny-st/snapshots", commit))).isDirectory);

  const chainSnapshot = {
    commitments: [{ uid: 1, hotkey: HOTKEY, modelId: { namespace: "acme", name: "tiny-st", commit } }],
  };
  await Deno.writeTextFile(join(s.base, "chain.json"), JSON.stringify(chainSnapshot));
  const kept = await runTask("gc", "gc", [...gcArgs, "--references", `${s.modelDirFlag}/../chain.json`]);
  assert.equal(kept.code, 0, kept.stderr);
  assert.deepEqual(JSON.parse(kept.stdout).kept, [{ repo: "acme/tiny-st", commit, reason: "referenced" }]);

  const real = await runTask("gc", "gc", [
    "--validator.model_dir",
    s.modelDirFlag,
    "--validator.gc_grace",
    "0",
    "--none-referenced",
  ]);
  assert.equal(real.code, 0, real.stderr);
  assert.match(real.stdout, /Freed .* in \d+ items/);
  await assert.rejects(Deno.stat(join(s.modelDir, "models--acme--tiny-st")), Deno.errors.NotFound);
});

Deno.test("deno task hubsim (-P=hubsim) serves a directory inside the project until SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=hubsim", "tasks/hubsim.ts", "--root", "tests/testdata/hub/repos", "--json"],
    cwd: PROJECT,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const { url } = JSON.parse(text.split("\n")[0]!);
    const info = await fetch(`${url}/api/models/acme/tiny-onnx/revision/main?blobs=true`);
    assert.equal(info.status, 200);
    assert.equal((await info.json()).siblings.length, 10);
    const rows = await fetch(`${url}/rows?dataset=acme/tiny-sft&config=extra&split=test`);
    assert.equal((await rows.json()).rows.length, 5);
  } finally {
    child.kill("SIGTERM");
    assert.equal((await child.status).code, 0);
    await reader.cancel().catch(() => {});
  }
});
