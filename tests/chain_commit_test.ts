import assert from "node:assert/strict";
import { ChainError, commitModel, readChainSnapshot } from "../src/chain/mod.ts";
import { deriveKey, DEVNET_PROFILE_NAMES } from "../src/devnet/mod.ts";
import { withDevnet } from "./devnet_helpers.ts";

const NETUID = 37;
const MODEL = {
  namespace: "org",
  name: "tiny",
  commit: "0123456789abcdef0123456789abcdef01234567",
  secureHash: "Q3Qe2tZkbRomNB3EPaUu19A6u2QoovGAFaYLn6AMiNM=",
  competitionId: 4,
};

for (const profile of DEVNET_PROFILE_NAMES) {
  Deno.test(`[${profile}] commitModel() commits a model id that the reader parses back, with the block it was made at`, async () => {
    await withDevnet({ profile, miners: 2, validators: 1 }, async (devnet, client) => {
      const miner = devnet.neurons[2]!;
      const result = await commitModel(client, miner.hotkey, MODEL, { netuid: NETUID });
      assert.equal(result.commitment, `org:tiny:${MODEL.commit}:${MODEL.secureHash}:4`);
      assert.deepEqual(result.events, ["commitments.Commitment", "system.ExtrinsicSuccess"]);
      const snapshot = await readChainSnapshot(client, { netuid: NETUID });
      const commitment = snapshot.commitments.find((c) => c.uid === miner.uid)!;
      assert.ok("modelId" in commitment);
      assert.deepEqual(commitment.modelId, MODEL);
      assert.equal(commitment.block, devnet.chain.block(result.blockHash)!.number);
    });
  });
}

Deno.test("commitModel() checks the 128-byte limit and the registration before submitting anything", async () => {
  await withDevnet({ miners: 1, validators: 1 }, async (devnet, client) => {
    devnet.resetRpcCalls();
    const long = { ...MODEL, name: "x".repeat(60) };
    await assert.rejects(
      commitModel(client, devnet.neurons[1]!.hotkey, long, { netuid: NETUID }),
      (e: unknown) => e instanceof RangeError && /is 152 bytes, the limit is 128 bytes/.test(e.message),
    );
    assert.equal(devnet.rpcCalls().size, 0, "nothing was sent");
    const stranger = deriveKey("tests", "stranger").pair;
    await assert.rejects(
      commitModel(client, stranger, MODEL, { netuid: NETUID }),
      (e: unknown) => e instanceof ChainError && /is not registered on subnet 37/.test(e.message),
    );
    assert.equal(devnet.rpcCalls().get("author_submitAndWatchExtrinsic"), undefined);
  });
});
