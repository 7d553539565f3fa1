/**
 * `deno task doctor` on this machine, under its real permission set: every
 * check reports, CUDA is reported unavailable with the reason (no GPU here),
 * and nothing crashes.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname!, "..");

Deno.test("deno task doctor --json reports every check, CUDA unavailable with a reason, no crash", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "doctor", "--json", "--subtensor.chain_endpoint", "ws://127.0.0.1:9"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const results = JSON.parse(stdout) as { name: string; status: string; detail: string; hint?: string }[];
  const byName = new Map(results.map((r) => [r.name, r]));
  assert.equal(byName.get("deno")?.status, "ok");
  assert.equal(byName.get("onnxruntime")?.status, "ok");
  assert.equal(byName.get("provider cpu")?.status, "ok");
  const cuda = byName.get("provider cuda");
  if (cuda?.status !== "ok") {
    assert.equal(cuda?.status, "warn");
    assert.match(cuda!.detail, /unavailable: .+/);
    assert.match(cuda!.hint ?? "", /setup:cuda/);
  }
  assert.equal(byName.get("chain")?.status, "fail", "nothing listens on port 9");
  for (const r of results) assert.doesNotMatch(r.detail, /check crashed/, r.name);
  assert.ok(results.some((r) => r.name.startsWith("gpu")));
  assert.ok(byName.has("model disk") && byName.has("ulimit -n"));
  assert.equal(output.code, results.some((r) => r.status === "fail") ? 9 : 0);
});
