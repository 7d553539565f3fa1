/**
 * The README's "Evaluate your model before you commit it" examples run as
 * written: `deno task demo --serve` keeps its chain and hub up and `deno task
 * eval --compare top:3` scores a model beside the demo's leaders on them; the
 * `deno run` script over the public API (examples/score_on_competition.ts)
 * gives the score `deno task eval` gives for the same seed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { localSubnet, ROOT, task } from "./local_subnet.ts";

const LOCAL = ["--validator.schedule", "local", "--validator.sync_genesis", "0", "--validator.sync_cadence", "10"];

Deno.test("the deno run example over mod.ts scores a model as deno task eval does for the same seed", async () => {
  await using s = await localSubnet();
  const hf = join(s.work, "hf");
  const script = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(ROOT, "examples", "score_on_competition.ts"),
      ...["--model", "tests/fixtures/models/tiny-llama", "--competition", "99", "--seed", "5", "--local"],
      ...["--hub", s.hub.url, "--datasets", s.hub.url, "--cache", hf],
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ORT_DISABLE_TELEMETRY: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  const out = new TextDecoder().decode(script.stdout);
  assert.equal(script.code, 0, new TextDecoder().decode(script.stderr));
  const printed = Number(/^score: (\d+\.\d+) \(seed 5\)$/m.exec(out)?.[1]);
  assert.ok(Number.isFinite(printed), out);
  assert.match(out, /^SYNTHETIC_1_SFT: \d+\.\d{4}$/m);

  const run = await task("eval", [
    ...["--model", "tests/fixtures/models/tiny-llama", "--seed", "5", "--commit-block", "0", "--json"],
    ...["--hub.url", s.hub.url, "--hub.datasets_url", s.hub.url, "--validator.model_dir", join(hf, "hub")],
    ...["--validator.data_dir", join(s.work, "eval-data"), "--validator.cache_dir", join(hf, "subvalid-score")],
    ...["--validator.device", "cpu", ...LOCAL],
  ]);
  assert.equal(run.code, 0, run.stderr);
  const score: number = JSON.parse(run.stdout).models[0].score;
  assert.equal(printed.toFixed(4), score.toFixed(4));
});

Deno.test("deno task demo --serve keeps its chain and hub up for deno task eval --compare top:3, and stops with 0", async () => {
  const hf = await Deno.makeTempDir({ prefix: "subvalid-serve-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "demo", "--steps", "1", "--serve", "--chain-port", "0", "--hub-port", "0", "--json"],
    cwd: ROOT,
    env: { NO_COLOR: "1", HF_HOME: hf },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let stdout = "";
  let stderr = "";
  const reading = Promise.all([
    (async () => {
      for await (const chunk of child.stdout) stdout += decoder.decode(chunk, { stream: true });
    })(),
    (async () => {
      for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
    })(),
  ]);
  try {
    const deadline = Date.now() + 240_000;
    while (stdout.split("\n").length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const [reports, where] = stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(reports.length, 1, stderr);
    const { chain, hub } = where as { chain: string; hub: string };
    // The README's command, with the ports the demo took.
    const run = await task("eval", [
      ...["--model", "tests/fixtures/safetensors/mistral", "--compare", "top:3"],
      ...["--subtensor.chain_endpoint", chain, "--hub.url", hub, "--hub.datasets_url", hub, ...LOCAL],
      ...["--validator.device", "cpu"],
    ], { env: { HF_HOME: hf } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Competition 99, block hash 0x[0-9a-f]{64}/);
    assert.match(run.stdout, /uid 3/, "the demo's leader is compared");
    assert.match(run.stdout, /would win [0-3] of \d pairs .* must be under \d+\.\d{4}/s);
  } finally {
    child.kill("SIGINT");
    const status = await child.status;
    await reading;
    await Deno.remove(hf, { recursive: true }).catch(() => {});
    assert.equal(status.code, 0, `demo --serve stops with 0 on SIGINT:\n${stderr}`);
  }
});
