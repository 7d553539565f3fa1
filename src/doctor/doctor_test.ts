import assert from "node:assert/strict";
import { join } from "node:path";
import { defineTask, parseConfig } from "../config/mod.ts";
import { chainCheck, type CheckResult, type DoctorCheck, runChecks, ulimitCheck, walletCheck } from "./mod.ts";

const spec = defineTask({ name: "doctor", summary: "", usage: "", groups: [], flags: {} });

async function configWith(args: string[]) {
  const parsed = await parseConfig(args, spec, { env: (n) => (n === "HOME" ? "/nonexistent-home" : undefined) });
  if (parsed.kind !== "config") throw new Error("no config");
  return parsed.config;
}

Deno.test("runChecks() reports a crashing check as FAIL and goes on", async () => {
  const config = await configWith([]);
  const crash: DoctorCheck = { name: "boom", run: () => Promise.reject(new Error("kaput")) };
  const fine: DoctorCheck = { name: "fine", run: () => Promise.resolve({ name: "fine", status: "ok", detail: "yes" }) };
  const seen: CheckResult[] = [];
  const results = await runChecks([crash, fine], config, { onResult: (r) => seen.push(r) });
  assert.deepEqual(results.map((r) => [r.name, r.status]), [["boom", "fail"], ["fine", "ok"]]);
  assert.match(results[0]!.detail, /check crashed: kaput/);
  assert.equal(seen.length, 2);
});

Deno.test("walletCheck reads the hotkey file and never opens the coldkey", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wallet = join(dir, "w");
    await Deno.mkdir(join(wallet, "hotkeys"), { recursive: true });
    // A coldkey that is a directory: opening it as a file would throw.
    await Deno.mkdir(join(wallet, "coldkey"));
    const base = ["--wallet.path", dir, "--wallet.name", "w", "--wallet.hotkey", "h"];
    const missing = await walletCheck.run(await configWith(base), AbortSignal.timeout(1000)) as CheckResult;
    assert.equal(missing.status, "fail");
    assert.match(missing.detail, /no hotkey file at .*\/w\/hotkeys\/h/);

    await Deno.writeTextFile(join(wallet, "hotkeys", "h"), JSON.stringify({ ss58Address: "5Fpub" }));
    const publicOnly = await walletCheck.run(await configWith(base), AbortSignal.timeout(1000)) as CheckResult;
    assert.equal(publicOnly.status, "fail");
    assert.match(publicOnly.detail, /holds no secret/);

    await Deno.writeTextFile(join(wallet, "hotkeys", "h"), "garbage");
    const garbage = await walletCheck.run(await configWith(base), AbortSignal.timeout(1000)) as CheckResult;
    assert.equal(garbage.status, "fail");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("chainCheck asks the endpoint for its chain and best block, and fails fast when nothing listens", async () => {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => {
      const call = JSON.parse(event.data);
      const result = call.method === "system_chain" ? "Bittensor" : { number: "0x2a" };
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
    };
    return response;
  });
  try {
    const ok = await chainCheck.run(
      await configWith(["--subtensor.chain_endpoint", `ws://127.0.0.1:${server.addr.port}`]),
      AbortSignal.timeout(5000),
    ) as CheckResult;
    assert.equal(ok.status, "ok");
    assert.match(ok.detail, /answers: Bittensor, best block 42/);
  } finally {
    await server.shutdown();
  }
  const down = await chainCheck.run(
    await configWith(["--subtensor.chain_endpoint", `ws://127.0.0.1:${server.addr.port}`]),
    AbortSignal.timeout(5000),
  ) as CheckResult;
  assert.equal(down.status, "fail");
  assert.match(down.detail, /unreachable/);
  const offline = await chainCheck.run(await configWith(["--offline"]), AbortSignal.timeout(1000)) as CheckResult;
  assert.equal(offline.status, "skip");
});

Deno.test("ulimitCheck reads the open-file limit", async () => {
  const r = await ulimitCheck.run(await configWith([]), AbortSignal.timeout(5000)) as CheckResult;
  assert.ok(r.status === "ok" || r.status === "warn", r.detail);
  assert.match(r.detail, /^open files: soft \d+|unlimited/);
});
