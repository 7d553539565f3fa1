/**
 * The permission sets in deno.json grant each stage only what it needs: run
 * a probe under each set and check what it may and may not do.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import denoConfig from "../deno.json" with { type: "json" };
import { permissionSetOf, TASK_NAMES } from "../src/config/mod.ts";
import { TASKS } from "../tasks/specs/mod.ts";

const ROOT = resolve(import.meta.dirname!, "..");
const PROBE = join(ROOT, "tests", "testdata", "permission_probe.ts");
const HOME = Deno.env.get("HOME") ?? "/root";
const HOTKEY = join(HOME, ".bittensor", "wallets", "default", "hotkeys", "default");

type Probe = Record<string, unknown> & { kind: string };

async function probeUnder(set: string, probes: Probe[], extraFlags: string[] = []): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", `-P=${set}`, ...extraFlags, "--config", join(ROOT, "deno.json"), PROBE, JSON.stringify(probes)],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.ok(output.success, `probe under ${set} failed: ${new TextDecoder().decode(output.stderr)}`);
  return JSON.parse(stdout);
}

async function withListener<T>(body: (port: number) => Promise<T>): Promise<T> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })();
  try {
    return await body((listener.addr as Deno.NetAddr).port);
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
}

Deno.test("the score set cannot open a network connection, read ~/.bittensor, spawn, or write the model cache", async () => {
  const scoreCache = join(ROOT, ".cache", "huggingface", "subvalid-score");
  const modelCache = join(ROOT, ".cache", "huggingface", "hub");
  await Deno.mkdir(scoreCache, { recursive: true });
  await Deno.mkdir(modelCache, { recursive: true });
  await withListener(async (port) => {
    const results = await probeUnder("score", [
      { kind: "read", path: join(ROOT, "deno.json") },
      { kind: "write", path: join(scoreCache, "probe.txt") },
      { kind: "net", hostname: "127.0.0.1", port },
      { kind: "fetch", url: `http://127.0.0.1:${port}/` },
      { kind: "read", path: HOTKEY },
      { kind: "read", path: join(HOME, ".bittensor") },
      { kind: "write", path: join(modelCache, "probe.txt") },
      { kind: "run", command: "sh" },
      { kind: "env", name: "HF_TOKEN" },
      { kind: "read", path: "/etc/hostname" },
      { kind: "read", path: join(ROOT, ".env") },
      { kind: "write", path: join(ROOT, "src", "probe.txt") },
    ]);
    assert.deepEqual(results, ["ok", "ok", ...Array(10).fill("denied")]);
  });
});

Deno.test("the weights task line reads the wallet dir but the set reaches only chain hosts", async () => {
  await withListener(async (port) => {
    const results = await probeUnder("weights", [
      { kind: "read", path: HOTKEY },
      { kind: "net", hostname: "127.0.0.1", port },
      { kind: "net", hostname: "10.255.255.1", port: 9944 },
      { kind: "fetch", url: "https://huggingface.co/" },
      { kind: "run", command: "sh" },
    ], [`--allow-read=./,${join(HOME, ".bittensor", "wallets")}`]);
    assert.notEqual(results[0], "denied", "the hotkey path is readable (missing file is NotFound)");
    assert.deepEqual(results.slice(1), ["ok", "denied", "denied", "denied"]);
  });
});

Deno.test("the fetch set reaches the hub and writes the model cache but never reads wallets", async () => {
  const results = await probeUnder("fetch", [
    { kind: "write", path: join(ROOT, ".cache", "huggingface", "hub", "probe.txt") },
    { kind: "read", path: HOTKEY },
    { kind: "net", hostname: "10.255.255.1", port: 443 },
    { kind: "env", name: "HF_TOKEN" },
    { kind: "env", name: "PATH" },
  ]);
  assert.deepEqual(results, ["ok", "denied", "denied", "ok", "denied"]);
});

Deno.test("every task line runs the launcher, which knows the task, its module and its permission set", async () => {
  const sets = Object.keys(denoConfig.permissions);
  for (const [name, task] of Object.entries(denoConfig.tasks)) {
    const command = (task as { command: string }).command;
    if (!command.startsWith("deno run")) continue;
    assert.equal(command, `deno run -q -P=launch tasks/launch.ts ${name}`, `task ${name} runs through the launcher`);
    const entry = TASKS[name];
    assert.ok(entry, `the launcher knows task ${name}`);
    const set = permissionSetOf(entry.spec);
    assert.ok(sets.includes(set), `task ${name} uses a defined permission set ("${set}")`);
    const stat = await Deno.stat(join(ROOT, entry.module)).catch(() => undefined);
    assert.ok(stat?.isFile, `task ${name}: ${entry.module} exists`);
  }
  assert.deepEqual(
    Object.keys(TASKS).sort(),
    TASK_NAMES.filter((name) => name in denoConfig.tasks).sort(),
    "the launcher's tasks are the project's",
  );
});

Deno.test("the launcher's own set reads and runs, but never writes, reaches the network or loads native code", () => {
  assert.deepEqual(denoConfig.permissions.launch, { read: true, env: true, run: true });
});
