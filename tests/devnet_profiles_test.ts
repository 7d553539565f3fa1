/**
 * The devnet's two runtime profiles (`head`: today's transaction extensions and BigRaw commitments;
 * `legacy`: the spec-233 extensions and commitment variants) against the client unchanged: it signs
 * for both lists (the devnet verifies every signature over its own list), commits and reads model ids
 * on both, reads BigRaw commitments where they exist, and refuses to sign for a runtime whose extension
 * carries data it does not know, before sending anything.
 */
import assert from "node:assert/strict";
import { u8aToHex } from "@polkadot/util";
import { ChainError, commitModel, readChainSnapshot, submitExtrinsic, unsignableExtensions } from "../src/chain/mod.ts";
import { DEVNET_PROFILE_NAMES, DEVNET_PROFILES, type MetadataPatch } from "../src/devnet/mod.ts";
import { formatModelId } from "../src/mechanism/model_id.ts";
import { setWeightsOrThrow } from "../src/weights/set_weights.ts";
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
  Deno.test(`[${profile}] the client signs for the profile's extension list: weights and a commitment land, the snapshot reads them`, async () => {
    await withDevnet({ profile, miners: 3, validators: 1 }, async (devnet, client) => {
      assert.equal(devnet.profile, profile);
      assert.deepEqual(client.api.registry.signedExtensions, DEVNET_PROFILES[profile].extensions);
      assert.deepEqual(unsignableExtensions(client.api), []);
      const tipExtension = profile === "head" ? "ChargeTransactionPaymentWrapper" : "ChargeTransactionPayment";
      assert.ok(client.api.registry.signedExtensions.includes(tipExtension));

      const validator = devnet.neurons[0]!.hotkey;
      const receipt = await setWeightsOrThrow({ uids: [1, 2], weights: [1, 3] }, {
        client,
        signer: validator,
        netuid: NETUID,
      });
      const block = devnet.chain.block(receipt.blockHash)!;
      const xt = block.extrinsics.map((hex) => client.api.createType("Extrinsic", hex)).find((x) => x.isSigned)!;
      assert.equal(xt.era.isMortalEra && xt.era.asMortalEra.period.toNumber(), 128);
      assert.equal(xt.tip.toNumber(), 0, "the tip is where the profile's extension puts it");

      const miner = devnet.neurons[1]!;
      await commitModel(client, miner.hotkey, MODEL, { netuid: NETUID });
      const snapshot = await readChainSnapshot(client, { netuid: NETUID });
      const commitment = snapshot.commitments.find((c) => c.uid === miner.uid)!;
      assert.ok("modelId" in commitment, JSON.stringify(commitment));
      assert.deepEqual(commitment.modelId, MODEL);
    });
  });
}

Deno.test("[head] a BigRaw commitment (over 128 bytes) reads back as the model id; [legacy] has no BigRaw to write", async () => {
  const long = { ...MODEL, name: `long-${"x".repeat(120)}` };
  const bytes = new TextEncoder().encode(formatModelId(long));
  assert.ok(bytes.length > 128 && bytes.length <= 512);
  await withDevnet({ profile: "head", miners: 2, validators: 1 }, async (devnet, client) => {
    const miner = devnet.neurons[1]!;
    const tx = client.api.tx.commitments!.setCommitment!(NETUID, { fields: [{ BigRaw: u8aToHex(bytes) }] });
    await submitExtrinsic(client, tx, miner.hotkey);
    const snapshot = await readChainSnapshot(client, { netuid: NETUID });
    const commitment = snapshot.commitments.find((c) => c.uid === miner.uid)!;
    assert.ok("modelId" in commitment, JSON.stringify(commitment));
    assert.deepEqual(commitment.modelId, long);
  });
  await withDevnet({ profile: "legacy", miners: 1, validators: 1 }, (_devnet, client) => {
    assert.throws(
      () => client.api.tx.commitments!.setCommitment!(NETUID, { fields: [{ BigRaw: u8aToHex(bytes) }] }),
      /BigRaw/,
    );
    return Promise.resolve();
  });
});

/** A future runtime: one more transaction extension, carrying a u32 the client has never heard of. */
const FUTURE_EXTENSION: MetadataPatch = {
  id: "future-extension",
  description: "Append an extension FeeAssetExtension with a u32 extra",
  apply(v14) {
    const u32 = v14.lookup.types.find((t) => t.type.def.primitive === "U32")!.id;
    const empty = v14.extrinsic.signedExtensions.find((e) => e.identifier === "CheckNonZeroSender")!.additionalSigned;
    v14.extrinsic.signedExtensions.push({ identifier: "FeeAssetExtension", type: u32, additionalSigned: empty });
  },
};

Deno.test("the client refuses to sign for a runtime whose extension carries unknown data, naming it, and sends nothing", async () => {
  await withDevnet({ miners: 2, validators: 1, extraPatches: [FUTURE_EXTENSION] }, async (devnet, client) => {
    assert.deepEqual(unsignableExtensions(client.api), [
      { identifier: "FeeAssetExtension", extra: "u32", additionalSigned: "Null" },
    ]);
    // Reads still work.
    const snapshot = await readChainSnapshot(client, { netuid: NETUID });
    assert.equal(snapshot.neurons.length, 3);
    devnet.resetRpcCalls();
    await assert.rejects(
      commitModel(client, devnet.neurons[1]!.hotkey, MODEL, { netuid: NETUID }),
      (e: unknown) =>
        e instanceof ChainError &&
        /transaction extension "FeeAssetExtension" carries data subvalid does not know how to sign \(extra u32/.test(
          e.message,
        ),
    );
    assert.equal(devnet.rpcCalls().get("author_submitAndWatchExtrinsic"), undefined, "nothing was sent");
  });
});
