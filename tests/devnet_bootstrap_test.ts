// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { ApiPromise, WsProvider } from "@polkadot/api";
import { blake2AsHex } from "@polkadot/util-crypto";
import { submitExtrinsic } from "../src/chain/mod.ts";
import { signedHex, submitError, withDevnet } from "./devnet_helpers.ts";

Deno.test("@polkadot/api bootstraps against the devnet with the calls a node gets, and knows the HEAD extensions", async () => {
  await withDevnet({ miners: 2, validators: 1 }, (devnet, client) => {
    const calls = devnet.rpcCalls();
    for (
      const method of [
        "chain_getBlockHash",
        "state_getRuntimeVersion",
        "system_chain",
        "system_properties",
        "rpc_methods",
        "state_call",
      ]
    ) assert.ok(calls.has(method), method);
    assert.equal(calls.get("state_getMetadata"), undefined, "metadata comes through Metadata_metadata_at_version");
    const api = client.api as any;
    assert.equal(api.genesisHash.toHex(), devnet.genesisHash);
    assert.equal(api.runtimeVersion.specVersion.toNumber(), 233);
    assert.ok(api.registry.signedExtensions.includes("ChargeTransactionPaymentWrapper"));
    assert.equal(api.registry.chainSS58, 42);
    return Promise.resolve();
  });
});

Deno.test("every block hash is the blake2-256 of its SCALE header, linked to its parent", async () => {
  await withDevnet({ miners: 1, validators: 1, blockProduction: "manual" }, async (devnet, client) => {
    devnet.mine(3);
    const api = client.api as any;
    let parent = "";
    for (let n = 0; n <= 3; n++) {
      const hash = (await api.rpc.chain.getBlockHash(n)).toHex();
      const header = await api.rpc.chain.getHeader(hash);
      assert.equal(blake2AsHex(header.toU8a()), hash, `block ${n}`);
      assert.equal(header.number.toNumber(), n);
      if (n > 0) assert.equal(header.parentHash.toHex(), parent);
      parent = hash;
    }
    assert.equal((await api.rpc.chain.getFinalizedHead()).toHex(), parent);
    assert.equal((await api.query.system.number()).toNumber(), 3);
  });
});

Deno.test("an included transaction shows in chain_getBlock after the timestamp inherent, with decodable events", async () => {
  await withDevnet({ miners: 1, validators: 1 }, async (devnet, client) => {
    const api = client.api as any;
    const tx = api.tx.system.remark("0x1234");
    const result = await submitExtrinsic(client, tx, devnet.neurons[0]!.coldkey);
    assert.deepEqual(result.events, ["system.ExtrinsicSuccess"]);
    const block = await api.rpc.chain.getBlock(result.blockHash);
    const extrinsics = block.block.extrinsics;
    assert.equal(extrinsics.length, 2);
    assert.equal(`${extrinsics[0]!.method.section}.${extrinsics[0]!.method.method}`, "timestamp.set");
    assert.equal(extrinsics[1]!.hash.toHex(), result.txHash);
    const events = await (await api.at(result.blockHash)).query.system.events();
    const names = events.map((r: any) => `${r.event.section}.${r.event.method}`);
    assert.deepEqual(names, ["system.ExtrinsicSuccess", "system.ExtrinsicSuccess"]);
  });
});

Deno.test("storage and new-head subscriptions get the initial value and each change", async () => {
  await withDevnet({ miners: 1, validators: 1, blockProduction: "manual" }, async (devnet, client) => {
    const api = client.api as any;
    const numbers: number[] = [];
    const heads: number[] = [];
    const unsubNumber = await api.query.system.number((n: { toNumber(): number }) => numbers.push(n.toNumber()));
    const unsubHeads = await api.rpc.chain.subscribeNewHeads((h: any) => heads.push(h.number.toNumber()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    devnet.mine(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    unsubNumber();
    unsubHeads();
    assert.deepEqual(numbers, [0, 1, 2]);
    assert.deepEqual(heads, [0, 1, 2]);
  });
});

Deno.test("without the ChargeTransactionPaymentWrapper declaration polkadot.js drops the tip and the devnet refuses the transaction", async () => {
  await withDevnet({ miners: 1, validators: 1 }, async (devnet, client) => {
    const provider = new WsProvider(devnet.endpoint, false);
    await provider.connect();
    const naive = await ApiPromise.create({ provider: provider as any, noInitWarn: true });
    try {
      const hex = await signedHex((naive as any).tx.system.remark("0x01"), devnet.neurons[0]!.coldkey);
      const error = await submitError(client, hex);
      assert.deepEqual(error, { code: 1010, data: "Transaction has a bad signature" });
      const good = await signedHex((client.api as any).tx.system.remark("0x01"), devnet.neurons[0]!.coldkey);
      assert.equal(hex.length + 2, good.length, "exactly the tip byte is missing");
    } finally {
      await naive.disconnect();
    }
  });
});

Deno.test("a query at a block whose state is pruned fails as on a pruned node", async () => {
  await withDevnet({ miners: 1, validators: 1, blockProduction: "manual", stateHistory: 4 }, async (devnet, client) => {
    const old = devnet.mine(1).hash;
    devnet.mine(8);
    const api = client.api as any;
    await assert.rejects(api.rpc.state.getStorage(api.query.system.number.key(), old), /State already discarded/);
    assert.ok(await api.rpc.state.getStorage(api.query.system.number.key(), devnet.chain.best.hash));
  });
});

Deno.test("with a finality lag, a watched transaction is in a block first and finalized only when finality catches up", async () => {
  await withDevnet({ miners: 1, validators: 1, finalityLag: 2 }, async (devnet, client) => {
    const api = client.api as any;
    let settled = false;
    const submitted = submitExtrinsic(client, api.tx.system.remark("0x05"), devnet.neurons[0]!.coldkey, {
      waitForFinalization: true,
    }).finally(() => settled = true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(devnet.bestNumber, 1, "included in block 1");
    assert.equal(settled, false, "not finalized yet");
    assert.equal((await api.rpc.chain.getFinalizedHead()).toHex(), devnet.genesisHash);
    devnet.mine(2);
    const result = await submitted;
    assert.equal(result.finalized, true);
    assert.equal(result.blockHash, devnet.chain.block(1)!.hash);
  });
});
