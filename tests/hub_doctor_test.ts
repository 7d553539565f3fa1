/** The hub stage's doctor checks: cache location and filesystem, free space, hub reachability. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { defineTask, parseConfig } from "../src/config/mod.ts";
import { startHubsim } from "../src/hubsim/mod.ts";
import { HUB_CHECKS, hubCheck, modelCacheCheck, modelDiskCheck } from "../src/doctor/hub_checks.ts";
import { tempDir } from "./hub_fixtures.ts";

const spec = defineTask({ name: "doctor", summary: "", usage: "", groups: [], flags: {} });

async function configFor(args: string[], env: Record<string, string> = {}) {
  const parsed = await parseConfig(args, spec, { env: (name) => env[name] });
  assert.equal(parsed.kind, "config");
  return parsed.kind === "config" ? parsed.config : assert.fail();
}

Deno.test("hub doctor checks report the cache, its filesystem, free space and a reachable local hub", async () => {
  await using dir = await tempDir();
  await using hub = await startHubsim({ root: dir.path });
  const config = await configFor(["--validator.model_dir", join(dir.path, "hub"), "--hub.url", hub.url]);
  const signal = new AbortController().signal;
  const cache = await modelCacheCheck.run(config, signal) as { name: string; status: string; detail: string }[];
  assert.deepEqual(cache.map((r) => [r.name, r.status]), [["model cache", "ok"], ["scoring cache", "ok"]]);
  assert.match(cache[0]!.detail, /will be created/);
  const disk = await modelDiskCheck.run(config, signal) as { status: string; detail: string };
  assert.match(disk.detail, /free; the largest allowed model is 21\.5 GB/);
  const reach = await hubCheck.run(config, signal) as { status: string; detail: string };
  assert.equal(reach.status, "ok", reach.detail);
  assert.equal(hub.requests.count((r) => r.route === "list"), 1);
  assert.equal(HUB_CHECKS.length, 3);
});

Deno.test("the hub check fails for an unreachable hub and is skipped offline", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const down = await configFor(["--hub.url", `http://127.0.0.1:${port}`]);
  const signal = new AbortController().signal;
  const failed = await hubCheck.run(down, signal) as { status: string; hint?: string };
  assert.equal(failed.status, "fail");
  assert.match(failed.hint ?? "", /hub\.url/);
  const offline = await configFor(["--hub.url", `http://127.0.0.1:${port}`], { HF_HUB_OFFLINE: "1" });
  assert.equal((await hubCheck.run(offline, signal) as { status: string }).status, "skip");
});
