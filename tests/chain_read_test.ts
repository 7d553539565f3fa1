// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { ChainError, readBlockHash, readChainSnapshot, submitExtrinsic } from "../src/chain/mod.ts";
import { deriveKey, type Devnet, type State } from "../src/devnet/mod.ts";
import { withDevnet } from "./devnet_helpers.ts";

const NETUID = 37;

function writeCommitment(state: State, hotkey: string, fields: unknown[], block = 0): void {
  const runtime = state.runtime;
  state.setRaw(
    runtime.key("Commitments", "CommitmentOf", NETUID, hotkey),
    runtime.encodeValue("Commitments", "CommitmentOf", { deposit: 0, block, info: { fields } }),
  );
}

function raw(text: string): Record<string, string> {
  const bytes = new TextEncoder().encode(text);
  return { [`Raw${bytes.length}`]: `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}` };
}

function rpcTotal(devnet: Devnet): number {
  return [...devnet.rpcCalls().values()].reduce((a, b) => a + b, 0);
}

Deno.test("readChainSnapshot() reads 256 neurons in as few RPC calls as 16 neurons", async () => {
  const counts: number[] = [];
  for (const miners of [14, 254]) {
    await withDevnet({ miners, validators: 2 }, async (devnet, client) => {
      devnet.edit((state) => {
        for (const n of devnet.neurons) writeCommitment(state, n.hotkey.address, [raw(`ns:m${n.uid}:c:h:4`)], n.uid);
      });
      devnet.resetRpcCalls();
      const snapshot = await readChainSnapshot(client, { netuid: NETUID });
      counts.push(rpcTotal(devnet));
      assert.equal(snapshot.neurons.length, miners + 2);
      assert.equal(snapshot.commitments.length, miners + 2);
      assert.deepEqual(snapshot.neurons.map((n) => n.uid), Array.from({ length: miners + 2 }, (_, i) => i));
      const validator = snapshot.neurons[0]!;
      assert.equal(validator.hotkey, devnet.neurons[0]!.hotkey.address);
      assert.equal(validator.coldkey, devnet.neurons[0]!.coldkey.address);
      assert.equal(validator.stake, 1000);
      assert.equal(validator.validatorPermit, true);
      assert.equal(snapshot.neurons[2]!.validatorPermit, false);
      const c = snapshot.commitments[miners + 1]!;
      assert.ok("modelId" in c);
      assert.equal(c.modelId.name, `m${miners + 1}`);
      assert.equal(c.block, miners + 1);
    });
  }
  assert.equal(counts[0], counts[1], `RPC calls for 16 and 256 neurons: ${counts.join(" and ")}`);
  assert.ok(counts[1]! <= 10, `${counts[1]} RPC calls`);
});

Deno.test("malformed commitments are recorded per miner with the reason, never thrown", async () => {
  await withDevnet({ miners: 9, validators: 1 }, async (devnet, client) => {
    const hotkeys = devnet.neurons.map((n) => n.hotkey.address);
    const gone = deriveKey("tests", "deregistered").pair.address;
    devnet.edit((state) => {
      writeCommitment(state, hotkeys[1]!, [raw("org:good:0123abcd:c2VjdXJl:4")], 7);
      writeCommitment(state, hotkeys[2]!, [raw("org:legacy:0123abcd:c2VjdXJl")]);
      writeCommitment(state, hotkeys[3]!, [raw("org:bad:0123abcd:c2VjdXJl:four")]);
      writeCommitment(state, hotkeys[4]!, [{ Raw3: "0xfffefd" }]);
      writeCommitment(state, hotkeys[5]!, [{ Sha256: `0x${"ab".repeat(32)}` }]);
      writeCommitment(state, hotkeys[6]!, [{ TimelockEncrypted: { encrypted: "0x0102", revealRound: 9 } }]);
      writeCommitment(state, hotkeys[7]!, []);
      writeCommitment(state, hotkeys[8]!, [{ BigRaw: "0x6f72673a6269673a613a623a34" }, raw("ignored")]);
      writeCommitment(state, hotkeys[9]!, ["None"]);
      writeCommitment(state, gone, [raw("org:gone:a:b:4")]);
    });
    const snapshot = await readChainSnapshot(client, { netuid: NETUID });
    const byUid = new Map(snapshot.commitments.map((c) => [c.uid, c]));
    assert.equal(snapshot.commitments.length, 9, "the deregistered hotkey's commitment is skipped");
    const good = byUid.get(1)!;
    assert.deepEqual(good, {
      uid: 1,
      hotkey: hotkeys[1],
      block: 7,
      raw: "org:good:0123abcd:c2VjdXJl:4",
      modelId: { namespace: "org", name: "good", commit: "0123abcd", secureHash: "c2VjdXJl", competitionId: 4 },
    });
    const error = (uid: number) => {
      const c = byUid.get(uid)!;
      return "error" in c ? c.error : "(valid)";
    };
    assert.match(error(2), /has 4 fields/);
    assert.match(error(3), /competition id "four" is not an integer/);
    assert.equal(error(4), "the commitment is not valid UTF-8");
    assert.equal(byUid.get(4)!.raw, "0xfffefd");
    assert.equal(error(5), "the commitment is not valid UTF-8");
    assert.equal(error(6), "the commitment is timelock-encrypted and not revealed");
    assert.equal(error(7), "the commitment has no fields");
    assert.equal(error(8), "(valid)", "BigRaw's bytes are read like Raw's");
    assert.equal(error(9), "the commitment is empty (Data::None)");
  });
});

Deno.test("without the runtime APIs the reader falls back to storage and reads the same metagraph", async () => {
  await withDevnet({ miners: 5, validators: 2, weightsRateLimit: 0 }, async (devnet, client) => {
    const api: any = client.api;
    await submitExtrinsic(client, api.tx.subtensorModule.setWeights(NETUID, [3], [1], 0), devnet.neurons[1]!.hotkey);
    const fromApis = await readChainSnapshot(client, { netuid: NETUID });
    devnet.faults.missingRuntimeApis(["*"]);
    devnet.mine(1); // a new head: cached runtime-API answers do not apply
    const fromStorage = await readChainSnapshot(client, { netuid: NETUID });
    assert.deepEqual(fromApis.sources, { metagraph: "runtime-api", hyperparameters: "runtime-api" });
    assert.deepEqual(fromStorage.sources, { metagraph: "storage", hyperparameters: "storage" });
    assert.deepEqual(fromStorage.neurons, fromApis.neurons);
    assert.deepEqual(fromStorage.hyperparameters, fromApis.hyperparameters);
    assert.equal(fromStorage.neurons[1]!.lastUpdate, 1);
  });
});

Deno.test("a snapshot pinned to an older block sees that block's state; block hashes of any block are readable", async () => {
  await withDevnet({ miners: 2, validators: 1, blockProduction: "manual" }, async (devnet, client) => {
    devnet.mine(2);
    const before = devnet.chain.best;
    devnet.edit((state) => state.write("SubtensorModule", "Tempo", [NETUID], 99)); // a fixture edit of the best block
    devnet.mine(1);
    devnet.edit((state) => state.write("SubtensorModule", "Tempo", [NETUID], 7));
    const old = await readChainSnapshot(client, { netuid: NETUID, at: before.number });
    const now = await readChainSnapshot(client, { netuid: NETUID });
    assert.equal(old.block, before.number);
    assert.equal(old.blockHash, before.hash);
    assert.equal(old.hyperparameters.tempo, 99);
    assert.equal(now.hyperparameters.tempo, 7);
    assert.equal(await readBlockHash(client, 1), devnet.chain.block(1)!.hash);
    await assert.rejects(
      readBlockHash(client, 99),
      (e: unknown) => e instanceof ChainError && /does not know it/.test(e.message),
    );
    await assert.rejects(
      readChainSnapshot(client, { netuid: 12 }),
      (e: unknown) => e instanceof ChainError && /subnet 12: it does not exist/.test(e.message),
    );
  });
});

Deno.test("commitments are read in pages: 10 entries with pages of 3 take 4 key pages", async () => {
  await withDevnet({ miners: 9, validators: 1 }, async (devnet, client) => {
    devnet.edit((state) => {
      for (const n of devnet.neurons) writeCommitment(state, n.hotkey.address, [raw(`ns:m${n.uid}:c:h:1`)]);
    });
    devnet.resetRpcCalls();
    const snapshot = await readChainSnapshot(client, { netuid: NETUID, pageSize: 3 });
    assert.deepEqual(snapshot.commitments.map((c) => c.uid), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(devnet.rpcCalls().get("state_getKeysPaged"), 4);
  });
});
