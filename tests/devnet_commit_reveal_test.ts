// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import type { KeyringPair } from "@polkadot/keyring/types";
import { u8aToHex } from "@polkadot/util";
import { ChainDispatchError, ChainTransactionError, submitExtrinsic } from "../src/chain/mod.ts";
import { epochIndex, loadDevnetRuntime, QUICKNET_ROUND_1000, timelockEncrypt } from "../src/devnet/mod.ts";
import { withDevnet } from "./devnet_helpers.ts";

const NETUID = 37;
const TEMPO = 10;

/** SCALE `WeightsTlockPayload { hotkey: Vec<u8>, uids: Vec<u16>, values: Vec<u16>, version_key: u64 }`. */
function payload(hotkey: KeyringPair, uids: number[], values: number[], versionKey = 0): Uint8Array {
  const { registry } = loadDevnetRuntime();
  return registry.createType("(Bytes, Vec<u16>, Vec<u16>, u64)", [u8aToHex(hotkey.publicKey), uids, values, versionKey])
    .toU8a();
}

function commitTx(api: any, ciphertext: Uint8Array, round: number, version = 4) {
  return api.tx.subtensorModule.commitTimelockedWeights(NETUID, u8aToHex(ciphertext), round, version);
}

Deno.test("timelocked commits are stored, and revealed into Weights once the drand pulse of their round is stored", async () => {
  await withDevnet(
    { miners: 3, validators: 2, commitReveal: true, tempo: TEMPO, weightsRateLimit: 0 },
    async (devnet, client) => {
      const api: any = client.api;
      const [v0, v1] = [devnet.neurons[0]!.hotkey, devnet.neurons[1]!.hotkey];
      await assert.rejects(
        submitExtrinsic(client, api.tx.subtensorModule.setWeights(NETUID, [2], [1], 0), v0),
        (e: unknown) => e instanceof ChainDispatchError && e.error === "CommitRevealEnabled",
      );
      const ciphertext = timelockEncrypt(payload(v0, [2, 3], [10, 20]), QUICKNET_ROUND_1000.round);
      await assert.rejects(
        submitExtrinsic(client, commitTx(api, ciphertext, 1000, 3), v0),
        (e: unknown) => e instanceof ChainDispatchError && e.error === "IncorrectCommitRevealVersion",
      );
      const committed = await submitExtrinsic(client, commitTx(api, ciphertext, 1000), v0);
      assert.ok(committed.events.includes("subtensorModule.TimelockedWeightsCommitted"));
      const block = devnet.chain.block(committed.blockHash)!.number;
      const epoch = epochIndex(NETUID, TEMPO, block);
      const queue = await api.query.subtensorModule.timelockedWeightCommits(NETUID, epoch);
      assert.equal(queue.length, 1);
      assert.equal(queue[0][0].toString(), v0.address);
      assert.equal(u8aToHex(queue[0][2].toU8a(true)), u8aToHex(ciphertext));
      assert.equal((await api.query.subtensorModule.lastUpdate(NETUID)).toJSON()[0], block);
      // A commit whose payload names another hotkey is dropped at reveal.
      const forged = timelockEncrypt(payload(v0, [4], [1]), QUICKNET_ROUND_1000.round);
      await submitExtrinsic(client, commitTx(api, forged, 1000), v1);

      while (epochIndex(NETUID, TEMPO, devnet.bestNumber + 1) < epoch + 1) devnet.mine(1);
      devnet.mine(2); // inside the reveal epoch, but no pulse yet
      assert.deepEqual((await api.query.subtensorModule.weights(NETUID, 0)).toJSON(), []);
      devnet.addPulse(QUICKNET_ROUND_1000.round, QUICKNET_ROUND_1000.signature);
      const revealed = devnet.mine(1);
      assert.deepEqual((await api.query.subtensorModule.weights(NETUID, 0)).toJSON(), [[2, 32768], [3, 65535]]);
      assert.deepEqual(
        (await api.query.subtensorModule.weights(NETUID, 1)).toJSON(),
        [],
        "the forged payload is dropped",
      );
      const names = revealed.events.map((e) => `${e.pallet}.${e.name}`);
      assert.ok(names.includes("SubtensorModule.TimelockedWeightsRevealed"));
      assert.equal((await api.query.subtensorModule.timelockedWeightCommits(NETUID, epoch)).length, 0);

      await assert.rejects(
        submitExtrinsic(client, commitTx(api, ciphertext, 999), v0),
        (e: unknown) => e instanceof ChainTransactionError && e.data === "Custom error: 15",
        "a reveal round before the last stored pulse is refused by the pool",
      );
    },
  );
});

Deno.test("timelocked commits without a pulse are dropped once their reveal epoch has passed", async () => {
  await withDevnet(
    { miners: 2, validators: 1, commitReveal: true, tempo: TEMPO, weightsRateLimit: 0 },
    async (devnet, client) => {
      const api: any = client.api;
      const v0 = devnet.neurons[0]!.hotkey;
      const ciphertext = timelockEncrypt(payload(v0, [1], [1]), 5000);
      const committed = await submitExtrinsic(client, commitTx(api, ciphertext, 5000), v0);
      const epoch = epochIndex(NETUID, TEMPO, devnet.chain.block(committed.blockHash)!.number);
      while (epochIndex(NETUID, TEMPO, devnet.bestNumber) < epoch + 2) devnet.mine(1);
      assert.equal((await api.query.subtensorModule.timelockedWeightCommits(NETUID, epoch)).length, 0);
      assert.deepEqual((await api.query.subtensorModule.weights(NETUID, 0)).toJSON(), []);
    },
  );
});
