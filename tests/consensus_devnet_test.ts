/**
 * The consensus view on the embedded chain: four validators with different
 * stakes set real weights with their own hotkeys, first mostly agreeing with
 * ours, then mostly not. The library reading, the validator's monitor (its
 * WARNING after three disagreeing checks) and `deno task consensus` under its
 * permission set all see the same numbers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connectChain } from "../src/chain/mod.ts";
import { RAO_PER_TAO, startDevnet } from "../src/devnet/mod.ts";
import type { Fields, Log } from "../src/log/mod.ts";
import { ValidatorState } from "../src/state/mod.ts";
import { liveChainReader, readConsensus } from "../src/validator/live/mod.ts";
import { ConsensusMonitor } from "../src/validator/mod.ts";
import { setWeightsOrThrow } from "../src/weights/mod.ts";
import { ROOT, task } from "./local_subnet.ts";

const NETUID = 37;

Deno.test("consensus on the local chain: validators agreeing, then disagreeing, with our top uid", async () => {
  const work = await Deno.makeTempDir({ dir: join(ROOT, ".cache"), prefix: "test-consensus-" });
  await using devnet = await startDevnet({
    netuid: NETUID,
    validators: 4,
    miners: 4,
    walletDir: join(work, "wallets"),
    weightsRateLimit: 0,
    minAllowedWeights: 1,
  });
  await using client = await connectChain(devnet.endpoint, { timeoutMs: 15_000 });
  try {
    const validators = devnet.neurons.filter((n) => n.role === "validator");
    // Stakes 1000 (us, uid 0), 600, 300, 100.
    for (const [i, tao] of [1000n, 600n, 300n, 100n].entries()) {
      devnet.setStake(validators[i]!.hotkey.address, tao * RAO_PER_TAO);
    }
    const set = (uid: number, weights: Record<number, number>) =>
      setWeightsOrThrow(
        { uids: Object.keys(weights).map(Number), weights: Object.values(weights) },
        { client, signer: validators[uid]!.hotkey, netuid: NETUID },
      );
    // Miners are uids 4..7. We put everything on 5.
    await set(0, { 5: 1 });
    await set(1, { 5: 1, 6: 0.1 }); // agrees
    await set(2, { 6: 1 }); // another top uid
    await set(3, { 5: 0.4, 6: 0.6 }); // splits, 6 on top

    const agreeing = await readConsensus(client, { netuid: NETUID, uid: 0 });
    assert.equal(agreeing.source, "chain");
    assert.equal(agreeing.ourTopUid, 5);
    assert.equal(agreeing.comparedValidators, 3);
    assert.ok(Math.abs(agreeing.agreeingStakeShare! - 0.6) < 1e-9, String(agreeing.agreeingStakeShare));
    assert.equal(agreeing.majorityTopUid, 5);
    assert.equal(agreeing.disagreesWithMajority, false);
    const byUid = new Map(agreeing.validators.map((v) => [v.uid, v]));
    assert.deepEqual([...byUid.keys()], [0, 1, 2, 3], "by stake");
    assert.equal(byUid.get(0)!.self, true);
    assert.equal(byUid.get(2)!.cosine, 0);
    assert.equal(byUid.get(3)!.agreesOnTop, false);
    assert.ok(byUid.get(1)!.cosine! > 0.99);

    // The 600-stake validator moves to uid 6: every other validator's top uid is now 6.
    await set(1, { 6: 1 });
    const disagreeing = await readConsensus(client, { netuid: NETUID, hotkey: validators[0]!.hotkey.address });
    assert.equal(disagreeing.ourUid, 0);
    assert.equal(disagreeing.majorityTopUid, 6);
    assert.ok(Math.abs(disagreeing.majorityStakeShare! - 1) < 1e-9);
    assert.equal(disagreeing.agreeingStakeShare, 0);
    assert.equal(disagreeing.disagreesWithMajority, true);
    // Their stake-weighted mean: 0.9 on uid 6, plus uid 3's 0.4/0.6 split at a tenth of the stake.
    assert.ok(Math.abs(disagreeing.consensusCosine! - 0.04 / Math.hypot(0.04, 0.96)) < 1e-4);

    // The validator's monitor over the live reader: the third disagreeing check warns.
    const warnings: string[] = [];
    const log = {
      trace() {},
      debug() {},
      info() {},
      success() {},
      warn: (message: string, _fields?: Fields) => void warnings.push(message),
      error() {},
      with: () => log,
    } as Log;
    const stateDir = join(work, "state");
    {
      using state = await ValidatorState.open(stateDir, { netuid: NETUID });
      const chain = liveChainReader(client, NETUID);
      const monitor = new ConsensusMonitor({ chain, state, hotkey: validators[0]!.hotkey.address, log });
      const neurons = (await chain.snapshot()).neurons;
      for (let i = 0; i < 3; i++) await monitor.check(neurons, undefined);
      assert.equal(monitor.streak, 3);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^Our top uid 5 disagrees with the stake-weighted majority's top uid 6 for 3 checks/);
    }

    // deno task consensus, under its permission set: JSON by uid, and the table from the wallet's hotkey.
    const flags = ["--subtensor.chain_endpoint", devnet.endpoint, "--netuid", String(NETUID)];
    const json = await task("consensus", [...flags, "--uid", "0", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const printed = JSON.parse(json.stdout);
    assert.equal(printed.majorityTopUid, 6);
    assert.equal(printed.disagreesWithMajority, true);
    assert.equal(printed.validators.length, 4);
    const table = await task("consensus", [
      ...flags,
      "--wallet.path",
      join(work, "wallets"),
      "--wallet.name",
      validators[0]!.wallet,
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Ours: uid 0, our weights on chain/);
    assert.match(table.stdout, /3 other validators with weights: 0\.0 % of their stake agrees with our top uid/);
    assert.match(table.stdout, /WARNING: our top uid differs from the stake-weighted majority's/);
    assert.match(table.stdout, /^\s+1\s+\S+\s+600\.00\s+60\.0 %\s+0\.000\s+6\s+differs$/m);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
