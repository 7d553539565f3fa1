/**
 * Every task run as `deno task <name>` runs it (the launcher, then the task under its own permission
 * set) with every path its configuration names in a temporary directory outside the project: the
 * model cache (HF_HOME and flags), the scoring cache, model, tokenizer and samples, the wallet, the
 * logs, the weights and references files, the hub root, the devnet wallets, and a YAML config file
 * read under each set. Nothing lands in the system temporary directory (ONNX Runtime's telemetry
 * is off), and the servers stop with exit code 0 on SIGINT. (`validate`, `report`, `data` and
 * `eval` on a local subnet are covered the same way in their own tests, whose working directory,
 * wallets, caches, state and data lie outside the project (tests/local_subnet.ts); `bench` and
 * `setup:cuda`, whose paths are all inside the project, in tests/task_errors_test.ts.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { copyDir as copy } from "./hub_fixtures.ts";
import { type CliRun, ROOT, runCli, spawnCli } from "./task_cli.ts";

const FIXTURES = join(ROOT, "tests", "fixtures");

function ok(run: CliRun, what: string): void {
  assert.equal(run.code, 0, `${what} failed (${run.code}):\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /not granted|Requires \w+ access/, what);
}

async function isEmptyDir(path: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(path))).map((e) => e.name);
}

Deno.test("every task takes paths outside the project that its configuration names, under its own set", async () => {
  const t = await Deno.makeTempDir({ prefix: "subvalid-paths-" });
  assert.ok(!t.startsWith(ROOT), "the temporary directory is outside the project");
  try {
    const tmp = join(t, "tmp");
    await Deno.mkdir(tmp);
    const env = { TMPDIR: tmp };
    await copy(join(FIXTURES, "models", "tiny-gpt"), join(t, "model"));
    await Deno.copyFile(join(FIXTURES, "samples", "chat.jsonl"), join(t, "s.jsonl"));
    await copy(join(ROOT, "tests", "testdata", "hub", "repos"), join(t, "hubroot"));
    await Deno.writeTextFile(join(t, "refs.json"), "[]");
    await Deno.writeTextFile(join(t, "w.json"), JSON.stringify({ uids: [1, 2], weights: [1, 0.5] }));
    // One YAML file for every task: common keys, and a section only the score task reads.
    const config = join(t, "config.yaml");
    await Deno.writeTextFile(config, "netuid: 37\nvalidator: { device: cpu }\nscore: { batch-tokens: 4096 }\n");
    const yaml = ["--config", config];

    const scoring = async () => {
      const score = await runCli("score", [
        ...yaml,
        ...["--model", join(t, "model"), "--samples", join(t, "s.jsonl"), "--tokenizer", join(t, "model")],
        ...["--validator.cache_dir", join(t, "score-cache"), "--json"],
        ...["--logging.record_log", "--logging.logging_dir", join(t, "logs")],
      ], { env });
      ok(score, "score");
      assert.ok(Number.isFinite(JSON.parse(score.stdout).loss));
      assert.ok((await isEmptyDir(join(t, "score-cache"))).length > 0, "the scoring cache is written");
      assert.deepEqual(await isEmptyDir(join(t, "logs")), ["subvalid-score.log"]);
      // Relative paths resolve where `deno task` was typed.
      const evaluated = await runCli("eval", [
        ...yaml,
        ...["--model", "model", "--samples", "s.jsonl", "--validator.cache_dir", "eval-cache", "--json"],
      ], { env, cwd: t });
      ok(evaluated, "eval");
      assert.ok(Number.isFinite(JSON.parse(evaluated.stdout).loss));
    };

    const hub = async () => {
      await using hubsim = spawnCli("hubsim", [...yaml, "--root", join(t, "hubroot"), "--port", "0", "--json"], {
        env,
      });
      const { url } = JSON.parse(await hubsim.firstLine);
      const hfEnv = { ...env, HF_HOME: join(t, "hf") };
      const fetched = await runCli("fetch", [...yaml, "--model", "acme/tiny-onnx", "--hub.url", url, "--json"], {
        env: hfEnv,
      });
      ok(fetched, "fetch");
      assert.ok(JSON.parse(fetched.stdout).path.startsWith(join(t, "hf", "hub")), "HF_HOME holds the model cache");
      const collected = await runCli("gc", [...yaml, "--references", join(t, "refs.json"), "--dry-run", "--json"], {
        env: hfEnv,
      });
      ok(collected, "gc");
      hubsim.kill("SIGINT");
      const stopped = await hubsim.done();
      assert.equal(stopped.code, 0, `hubsim stops with 0 on SIGINT: ${stopped.stderr}`);
      assert.match(stopped.stderr, /Local hub stopped/);
      await assert.rejects(fetch(url), "the hub's port is closed");
      return url as string;
    };

    const chain = async () => {
      const wallets = join(t, "wallets");
      await using devnet = spawnCli("devnet", [
        ...yaml,
        ...["--port", "0", "--wallet-dir", wallets, "--miners", "2", "--validators", "1", "--json"],
      ], { env });
      const description = JSON.parse(await devnet.firstLine);
      const endpoint: string = description.endpoint;
      assert.equal(description.walletDir, wallets);
      // The chain endpoint from a YAML config file, read under the chain-read set.
      const chainYaml = join(t, "chain.yaml");
      await Deno.writeTextFile(chainYaml, `subtensor:\n  chain_endpoint: ${endpoint}\n`);
      const read = await runCli("chain:read", ["--config", chainYaml, "--json"], { env });
      ok(read, "chain:read");
      assert.equal(JSON.parse(read.stdout).neurons.length, 3);
      const walletFlags = ["--wallet.path", wallets, "--subtensor.chain_endpoint", endpoint];
      const committed = await runCli("commit", [
        ...yaml,
        ...walletFlags,
        ...["--wallet.name", "miner-0", "--model", "me/tiny", "--revision", "0123abcd", "--hash", "Q3Qe2tZk="],
        ...["--competition", "4", "--json"],
      ], { env });
      ok(committed, "commit");
      const weights = await runCli("weights", [
        ...yaml,
        ...walletFlags,
        ...["--wallet.name", "validator-0", "--weights", join(t, "w.json"), "--dry-run", "--json"],
      ], { env });
      assert.ok([0, 6].includes(weights.code), `weights --dry-run: ${weights.stderr}`);
      assert.ok(Array.isArray(JSON.parse(weights.stdout).prechecks), "the dry run read the chain with the hotkey");
      const doctor = await runCli("doctor", [
        ...yaml,
        ...walletFlags,
        ...["--wallet.name", "validator-0", "--validator.model_dir", join(t, "doctor-hf", "hub"), "--json"],
        ...["--hub.url", "http://127.0.0.1:9"],
      ], { env });
      assert.ok([0, 9].includes(doctor.code), `doctor: ${doctor.code} ${doctor.stderr}`);
      const checks = JSON.parse(doctor.stdout) as { name: string; status: string; detail: string }[];
      const hotkey = checks.find((c) => c.name === "hotkey validator-0/default");
      assert.equal(hotkey?.status, "ok", JSON.stringify(hotkey));
      assert.equal(checks.find((c) => c.name === "chain")?.status, "ok");
      assert.ok(checks.every((c) => !/not granted/.test(c.detail)), JSON.stringify(checks));
      devnet.kill("SIGINT");
      const stopped = await devnet.done();
      assert.equal(stopped.code, 0, `devnet stops with 0 on SIGINT: ${stopped.stderr}`);
      assert.match(stopped.stderr, /Devnet stopped/);
    };

    const demo = async () => {
      const run = await runCli("demo", [...yaml, "--steps", "1", "--json"], {
        env: { ...env, HF_HOME: join(t, "demo-hf") },
      });
      ok(run, "demo");
      // Exit 0: the chain stored the step's weights.
      assert.equal(JSON.parse(run.stdout).length, 1);
      assert.ok((await isEmptyDir(join(t, "demo-hf", "hub"))).length > 0, "the demo fetched into HF_HOME");
    };

    await Promise.all([scoring(), hub(), chain(), demo()]);
    assert.deepEqual(await isEmptyDir(tmp), [], "nothing was written to the temporary directory");
  } finally {
    await Deno.remove(t, { recursive: true }).catch(() => {});
  }
});
