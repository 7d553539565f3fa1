// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import type { KeyringPair } from "@polkadot/keyring/types";
import { u8aToHex } from "@polkadot/util";
import { type ChainClient, ChainDispatchError, ChainTransactionError, submitExtrinsic } from "../src/chain/mod.ts";
import { deriveKey, DEVNET_PROFILE_NAMES } from "../src/devnet/mod.ts";
import { httpRpc, signedHex, submitError, withDevnet } from "./devnet_helpers.ts";

const NETUID = 37;

function tx(client: ChainClient): any {
  return (client.api as any).tx;
}

async function dispatchFails(client: ChainClient, extrinsic: any, signer: KeyringPair, error: string) {
  await assert.rejects(
    submitExtrinsic(client, extrinsic, signer),
    (e: unknown) => e instanceof ChainDispatchError && e.error === error,
    error,
  );
}

async function poolRefuses(client: ChainClient, extrinsic: any, signer: KeyringPair, code: number, data: string) {
  await assert.rejects(
    submitExtrinsic(client, extrinsic, signer),
    (e: unknown) => e instanceof ChainTransactionError && e.code === code && e.data === data,
    data,
  );
}

for (const profile of DEVNET_PROFILE_NAMES) {
  Deno.test(`[${profile}] a corrupted signature is refused with 1010 bad signature; the node's other pool codes follow`, async () => {
    await withDevnet({ profile, miners: 2, validators: 1 }, async (devnet, client) => {
      const signer = devnet.neurons[0]!.coldkey;
      const hex = await signedHex(tx(client).system.remark("0x01"), signer, { nonce: 0 });
      // The signature starts after length (2 bytes), version (1), address (1 + 32) and signature type (1).
      const at = 2 + (2 + 1 + 1 + 32 + 1 + 10) * 2;
      const corrupted = hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);
      assert.deepEqual(await submitError(client, corrupted), { code: 1010, data: "Transaction has a bad signature" });
      const malformed = await httpRpc(devnet.endpoint, "author_submitExtrinsic", ["0x0102"]);
      assert.deepEqual(malformed.error, {
        code: 1001,
        message: "Extrinsic has invalid format: length prefix does not match the data",
      });
      const unknown = await httpRpc(devnet.endpoint, "author_rotateKeys");
      assert.deepEqual(unknown.error, { code: -32601, message: "Method not found" });
      const transfer = await signedHex(tx(client).balances.transferKeepAlive(signer.address, 1), signer, { nonce: 0 });
      assert.deepEqual(await submitError(client, transfer), { code: 1010, data: "Transaction call is not expected" });
    });
  });
}

Deno.test("nonces: stale is outdated, a gap waits in the future queue, a clash is priority too low", async () => {
  await withDevnet({ miners: 1, validators: 1, blockProduction: "manual" }, async (devnet, client) => {
    const signer = devnet.neurons[0]!.coldkey;
    const api: any = client.api;
    const second = await signedHex(tx(client).system.remark("0x02"), signer, { nonce: 1 });
    await api.rpc.author.submitExtrinsic(second);
    assert.equal((await api.rpc.system.accountNextIndex(signer.address)).toNumber(), 0, "nonce 1 waits for nonce 0");
    const first = await signedHex(tx(client).system.remark("0x01"), signer, { nonce: 0 });
    await api.rpc.author.submitExtrinsic(first);
    assert.equal((await api.rpc.system.accountNextIndex(signer.address)).toNumber(), 2);
    assert.equal((await submitError(client, first)).code, 1013, "already imported");
    const clash = await signedHex(tx(client).system.remark("0x03"), signer, { nonce: 1 });
    const error = await submitError(client, clash);
    assert.equal(error.code, 1014);
    const block = devnet.mine(1);
    assert.equal(block.extrinsics.length, 3, "the inherent and both remarks, in nonce order");
    assert.equal(block.extrinsics[1], first);
    assert.equal(block.extrinsics[2], second);
    assert.deepEqual(await submitError(client, first), { code: 1010, data: "Transaction is outdated" });
  });
});

Deno.test("set_weights follows HEAD's rules: stored max-upscaled, rate limit in the pool (custom error 6)", async () => {
  await withDevnet({ miners: 4, validators: 1, weightsRateLimit: 5, tempo: 1000 }, async (devnet, client) => {
    const validator = devnet.neurons[0]!.hotkey;
    const result = await submitExtrinsic(
      client,
      tx(client).subtensorModule.setWeights(NETUID, [1, 2], [1, 3], 0),
      validator,
    );
    assert.deepEqual(result.events, ["subtensorModule.WeightsSet", "system.ExtrinsicSuccess"]);
    const api: any = client.api;
    assert.deepEqual((await api.query.subtensorModule.weights(NETUID, 0)).toJSON(), [[1, 21845], [2, 65535]]);
    const included = devnet.chain.block(result.blockHash)!.number;
    assert.equal((await api.query.subtensorModule.lastUpdate(NETUID)).toJSON()[0], included);
    const again = tx(client).subtensorModule.setWeights(NETUID, [1], [1], 0);
    await poolRefuses(client, again, validator, 1010, "Custom error: 6");
    devnet.mine(4); // the next block is `included + 5`: exactly the rate limit
    await submitExtrinsic(client, tx(client).subtensorModule.setWeights(NETUID, [3], [7], 0), validator);
    assert.deepEqual((await api.query.subtensorModule.weights(NETUID, 0)).toJSON(), [[3, 65535]]);
  });
});

Deno.test("set_weights failures are ExtrinsicFailed module errors, decoded by name", async () => {
  await withDevnet(
    {
      miners: 4,
      validators: 1,
      weightsRateLimit: 0,
      weightsVersionKey: 10,
      minAllowedWeights: 2,
      maxWeightsLimit: 40000,
    },
    async (devnet, client) => {
      const validator = devnet.neurons[0]!.hotkey;
      const miner = devnet.neurons[1]!.hotkey;
      const sw = (uids: number[], values: number[], key = 10) =>
        tx(client).subtensorModule.setWeights(NETUID, uids, values, key);
      await dispatchFails(client, sw([1, 2], [1, 1], 9), validator, "IncorrectWeightVersionKey");
      await dispatchFails(client, sw([1, 2], [1, 1]), miner, "NeuronNoValidatorPermit");
      await dispatchFails(client, sw([1, 1], [1, 1]), validator, "DuplicateUids");
      await dispatchFails(client, sw([1, 9], [1, 1]), validator, "UidVecContainInvalidOne");
      await dispatchFails(client, sw([1], [1]), validator, "WeightVecLengthIsLow");
      await dispatchFails(client, sw([1, 2], [1, 1, 1]), validator, "WeightVecNotEqualSize");
      await dispatchFails(client, sw([1, 2], [65535, 1]), validator, "MaxWeightExceeded");
      await submitExtrinsic(client, sw([1], [5]), miner); // a self-weight needs no permit and no minimum length
      const stranger = deriveKey("tests", "stranger").pair;
      await dispatchFails(client, sw([1, 2], [1, 1]), stranger, "HotKeyNotRegisteredInSubNet");
      const mech = tx(client).subtensorModule.setMechanismWeights(NETUID, 1, [1, 2], [1, 1], 10);
      await dispatchFails(client, mech, validator, "MechanismDoesNotExist");
      await submitExtrinsic(
        client,
        tx(client).subtensorModule.setMechanismWeights(NETUID, 0, [1, 2], [1, 1], 10),
        validator,
      );
    },
  );
});

Deno.test("the pool refuses weights below the stake threshold with custom error 1", async () => {
  await withDevnet({ miners: 2, validators: 1, stakeThreshold: 10n ** 15n }, async (devnet, client) => {
    const extrinsic = tx(client).subtensorModule.setWeights(NETUID, [1], [1], 0);
    await poolRefuses(client, extrinsic, devnet.neurons[0]!.hotkey, 1010, "Custom error: 1");
  });
});

Deno.test("burned_register, serve_axon and set_commitment apply HEAD's rules", async () => {
  await withDevnet({ miners: 1, validators: 1 }, async (devnet, client) => {
    const api: any = client.api;
    const coldkey = devnet.neurons[1]!.coldkey;
    const newHotkey = deriveKey("tests", "new-hotkey").pair;
    const registered = await submitExtrinsic(
      client,
      tx(client).subtensorModule.burnedRegister(NETUID, newHotkey.address),
      coldkey,
    );
    assert.ok(registered.events.includes("subtensorModule.NeuronRegistered"));
    assert.equal((await api.query.subtensorModule.uids(NETUID, newHotkey.address)).unwrap().toNumber(), 2);
    await dispatchFails(
      client,
      tx(client).subtensorModule.burnedRegister(NETUID, newHotkey.address),
      coldkey,
      "HotKeyAlreadyRegisteredInSubNet",
    );

    const axon = tx(client).subtensorModule.serveAxon(NETUID, 1, 2130706433, 8091, 4, 4, 0, 0);
    const served = await submitExtrinsic(client, axon, newHotkey);
    assert.ok(served.events.includes("subtensorModule.AxonServed"));
    assert.equal((await api.query.subtensorModule.axons(NETUID, newHotkey.address)).unwrap().port.toNumber(), 8091);

    const commit = (fields: unknown[]) => tx(client).commitments.setCommitment(NETUID, { fields });
    const stranger = deriveKey("tests", "stranger").pair;
    await dispatchFails(client, commit([{ Raw3: "0x616263" }]), stranger, "AccountNotAllowedCommit");
    const four = Array.from({ length: 4 }, () => ({ Raw1: "0x61" }));
    await dispatchFails(client, commit(four), newHotkey, "TooManyFieldsInCommitmentInfo");
    devnet.edit((state) => state.write("Commitments", "MaxSpace", [], 250));
    await submitExtrinsic(client, commit([{ Raw3: "0x616263" }]), newHotkey); // charged 100
    await submitExtrinsic(client, commit([{ Raw3: "0x646566" }]), newHotkey); // 200
    await dispatchFails(client, commit([{ Raw3: "0x676869" }]), newHotkey, "SpaceLimitExceeded");
    const stored = (await api.query.commitments.commitmentOf(NETUID, newHotkey.address)).unwrap();
    assert.equal(u8aToHex(stored.info.fields[0].value.toU8a(true)), "0x646566");
  });
});
