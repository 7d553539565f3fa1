/**
 * The devnet, chain:read and commit tasks as operators run them: separate
 * processes under their own permission sets from deno.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDevnet } from "../src/devnet/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function deno(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await deno(args).output();
  const text = new TextDecoder();
  return { code: output.code, stdout: text.decode(output.stdout), stderr: text.decode(output.stderr) };
}

async function scratchDir(): Promise<string> {
  const dir = join(ROOT, ".cache", "devnet", `test-${crypto.randomUUID()}`);
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

Deno.test("chain:read --json prints exactly the snapshot's fields; commit signs with a wallet the devnet wrote", async () => {
  const walletDir = await scratchDir();
  const devnet = await startDevnet({ miners: 2, validators: 1, walletDir });
  try {
    const endpoint = ["--subtensor.chain_endpoint", devnet.endpoint, "--netuid", "37"];
    const commit = await run([
      "run",
      "-P=commit",
      "tasks/commit.ts",
      ...endpoint,
      "--wallet.path",
      walletDir,
      "--wallet.name",
      "miner-1",
      "--model",
      "org/tiny",
      "--revision",
      "0123abcd",
      "--hash",
      "c2VjdXJl",
      "--competition",
      "4",
      "--json",
    ]);
    assert.equal(commit.code, 0, commit.stderr);
    assert.equal(JSON.parse(commit.stdout).commitment, "org:tiny:0123abcd:c2VjdXJl:4");

    const read = await run(["run", "-P=chain-read", "tasks/chain_read.ts", ...endpoint, "--json"]);
    assert.equal(read.code, 0, read.stderr);
    const snapshot = JSON.parse(read.stdout);
    assert.deepEqual(Object.keys(snapshot), [
      "block",
      "blockHash",
      "netuid",
      "hyperparameters",
      "neurons",
      "commitments",
    ]);
    assert.deepEqual(Object.keys(snapshot.neurons[0]), [
      "uid",
      "hotkey",
      "coldkey",
      "stake",
      "validatorPermit",
      "lastUpdate",
      "active",
    ]);
    assert.deepEqual(snapshot.commitments, [{
      uid: 2,
      hotkey: devnet.neurons[2]!.hotkey.address,
      block: 1,
      raw: "org:tiny:0123abcd:c2VjdXJl:4",
      modelId: { namespace: "org", name: "tiny", commit: "0123abcd", secureHash: "c2VjdXJl", competitionId: 4 },
    }]);

    const missing = await run(["run", "-P=commit", "tasks/commit.ts", ...endpoint, "--model", "org/tiny"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing --revision, --hash, --competition/);
    const noWallet = await run([
      "run",
      "-P=commit",
      "tasks/commit.ts",
      ...endpoint,
      "--wallet.path",
      walletDir,
      "--wallet.name",
      "nobody",
      "--model",
      "o/n",
      "--revision",
      "r",
      "--hash",
      "h",
      "--competition",
      "1",
    ]);
    assert.equal(noWallet.code, 4, noWallet.stderr);
    assert.match(noWallet.stderr, /Cannot load hotkey "nobody\/default": no file at/);
  } finally {
    await devnet.close();
    await Deno.remove(walletDir, { recursive: true });
  }
});

Deno.test("deno task devnet --profile legacy serves a subnet, writes its wallets and stops on SIGTERM", async () => {
  const walletDir = await scratchDir();
  const child = deno([
    "run",
    "-P=devnet",
    "tasks/devnet.ts",
    "--port",
    "0",
    "--miners",
    "3",
    "--validators",
    "1",
    "--commit-reveal",
    "--block-time",
    "100ms",
    "--wallet-dir",
    walletDir,
    "--profile",
    "legacy",
    "--json",
  ]).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const description = JSON.parse(text.split("\n")[0]!);
    assert.equal(description.neurons.length, 4);
    assert.equal(description.profile, "legacy");
    assert.match(description.endpoint, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const manifest = JSON.parse(await Deno.readTextFile(join(walletDir, "devnet.json")));
    assert.equal(manifest.endpoint, description.endpoint);
    const keyfile = JSON.parse(await Deno.readTextFile(join(walletDir, "miner-0", "hotkeys", "default")));
    assert.equal(keyfile.ss58Address, description.neurons[1].hotkey);
    await Deno.stat(join(walletDir, "miner-0", "coldkeypub.txt"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const read = await run([
      "run",
      "-P=chain-read",
      "tasks/chain_read.ts",
      "--subtensor.chain_endpoint",
      description.endpoint,
      "--json",
    ]);
    assert.equal(read.code, 0, read.stderr);
    const snapshot = JSON.parse(read.stdout);
    assert.ok(snapshot.block >= 1, "the timer produced blocks");
    assert.equal(snapshot.hyperparameters.commitRevealEnabled, true);
    reader.releaseLock();
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(walletDir, { recursive: true });
  }
});
