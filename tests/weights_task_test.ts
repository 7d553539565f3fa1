/**
 * `deno task weights` as an operator runs it: under the `weights` permission
 * set, against the devnet, with the devnet's wallet files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevnet } from "../src/devnet/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

async function task(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("deno", {
    args: ["task", "--quiet", "weights", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("deno task weights: offline dry run prints exactly {uids, u16}; online dry run, submit, and refusals with exit codes", async () => {
  const dir = await Deno.makeTempDir({ dir: join(ROOT, ".cache"), prefix: "weights-task-test-" });
  try {
    await using devnet = await startDevnet({ netuid: 37, validators: 2, miners: 6, walletDir: join(dir, "wallets") });
    const file = join(dir, "w.json");
    await Deno.writeTextFile(file, JSON.stringify({ "2": 0.5, "3": 1, "4": 0, "5": 1e-6, "6": 0.25 }));
    const chain = ["--subtensor.chain_endpoint", devnet.endpoint, "--wallet.path", join(dir, "wallets")];

    const offline = await task(["--weights", file, "--dry-run", "--offline", "--json"]);
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(offline.stdout, '{"uids":[2,3,6],"u16":[32768,65535,16384]}\n');

    const dry = await task(["--weights", file, "--dry-run", "--json", "--wallet.name", "validator-0", ...chain]);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.wouldSubmit, true);
    assert.equal(plan.call, "SubtensorModule.set_mechanism_weights");
    assert.deepEqual(plan.hotkeys, [2, 3, 6].map((uid) => devnet.neurons[uid]!.hotkey.address));
    assert.deepEqual(plan.prechecks.map((c: { status: string }) => c.status), Array(9).fill("ok"));
    assert.equal(devnet.rpcCalls().get("author_submitAndWatchExtrinsic") ?? 0, 0, "a dry run signs nothing");

    const sent = await task(["--weights", file, "--json", "--wallet.name", "validator-0", ...chain]);
    assert.equal(sent.code, 0, sent.stderr);
    const receipt = JSON.parse(sent.stdout);
    assert.equal(receipt.success, true);
    assert.deepEqual([receipt.uids, receipt.values], [[2, 3, 6], [32768, 65535, 16384]]);

    const again = await task(["--weights", file, "--wallet.name", "validator-0", ...chain]);
    assert.equal(again.code, 6, "refused weights exit with 6");
    assert.match(again.stderr, new RegExp(`rate limited until block ${receipt.block + 100}`));
    assert.match(again.stderr, /Hint: Wait 100 blocks/);

    const miner = await task(["--weights", file, "--json", "--wallet.name", "miner-0", ...chain]);
    assert.equal(miner.code, 6);
    assert.equal(JSON.parse(miner.stdout).error, "NoValidatorPermitError");

    await Deno.writeTextFile(join(dir, "bad.json"), '{"2": 0.5, "3": -1}');
    const bad = await task(["--weights", join(dir, "bad.json"), "--dry-run", "--offline"]);
    assert.equal(bad.code, 2, "a bad weights file is a usage error");
    assert.match(bad.stderr, /Cannot use weights file ".*bad\.json": weight of uid 3 is "-1", it must be non-negative/);

    const noWallet = await task(["--weights", file, "--wallet.name", "nobody", ...chain]);
    assert.equal(noWallet.code, 4, "wallet problems exit with 4");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
