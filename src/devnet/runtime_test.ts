import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { u8aToHex } from "@polkadot/util";
import { loadDevnetRuntime, patchMetadata, readExtractedMetadata } from "./runtime.ts";
import { PATCHES } from "./metadata_patches.ts";
import { DEVNET_PROFILE_NAMES, DEVNET_PROFILES } from "./runtime_profiles.ts";

const runtime = loadDevnetRuntime();
const tx = runtime.decorated.tx;

Deno.test("the committed metadata is the file the extraction record describes", () => {
  const bytes = readExtractedMetadata();
  assert.equal(bytes.length, runtime.source.metadataBytes);
  assert.equal(createHash("sha256").update(bytes).digest("hex"), runtime.source.metadataSha256);
  assert.equal(runtime.source.package, "@bitgo/sdk-coin-tao");
  assert.equal(runtime.source.embedded.specVersion, 233);
  assert.equal(runtime.source.embedded.metadataVersion, 14);
});

Deno.test("patchMetadata() is deterministic and the runtime serves its result", () => {
  const again = patchMetadata(readExtractedMetadata());
  assert.equal(u8aToHex(again), u8aToHex(runtime.metadataBytes));
  assert.equal(runtime.version.specName, "node-subtensor");
  assert.equal(runtime.version.specVersion, 233);
  assert.ok(PATCHES.length >= 10);
  assert.equal(new Set(PATCHES.map((p) => p.id)).size, PATCHES.length, "patch ids are unique");
});

Deno.test("storage keys equal the ones chain.md records from the wire", () => {
  assert.equal(
    runtime.key("SubtensorModule", "SubnetworkN", 1),
    "0x658faa385070e074c85bf6b568cf0555a1048e9d244171852dfe8db314dc68ca0100",
  );
  assert.equal(
    runtime.key("SubtensorModule", "Keys", 1, 0),
    "0x658faa385070e074c85bf6b568cf05559f99a2ce711f3a31b2fc05604c93f17901000000",
  );
  assert.equal(
    runtime.prefix("SubtensorModule", "SubnetworkN"),
    "0x658faa385070e074c85bf6b568cf0555a1048e9d244171852dfe8db314dc68ca",
  );
  assert.equal(
    runtime.key("System", "Events"),
    "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7",
  );
  assert.ok(runtime.prefix("Commitments", "CommitmentOf").startsWith("0xca407206ec1ab726b2636c4b145ac287"));
});

Deno.test("call encodings equal chain.md's vectors", () => {
  assert.equal(
    tx.subtensorModule!.setWeights!(1, [0, 1, 2], [100, 65535, 32768], 0).toHex(),
    "0x070001000c0000010002000c6400ffff00800000000000000000",
  );
  assert.equal(
    tx.subtensorModule!.serveAxon!(1, 1, 2130706433, 8091, 4, 4, 0, 0).toHex(),
    "0x07040100010000000100007f0000000000000000000000009b1f04040000",
  );
  assert.equal(tx.commitments!.setCommitment!(1, { fields: [{ Raw5: "hello" }] }).toHex(), "0x12000100040668656c6c6f");
  assert.equal(
    tx.subtensorModule!.commitTimelockedWeights!(1, "0x0102", 1000, 4).toHex(),
    "0x07710100080102e8030000000000000400",
  );
});

Deno.test("commitment value encodings equal chain.md's vectors", () => {
  const { registry } = runtime;
  assert.equal(registry.createType("PalletCommitmentsData", { Raw5: "hello" }).toHex(), "0x0668656c6c6f");
  const info = registry.createType("PalletCommitmentsCommitmentInfo", { fields: [{ Raw5: "hello" }] });
  assert.equal(info.toHex(), "0x040668656c6c6f");
  assert.equal(
    u8aToHex(
      runtime.encodeValue("Commitments", "CommitmentOf", {
        deposit: 0,
        block: 1234,
        info: { fields: [{ Raw5: "hello" }] },
      }),
    ),
    "0x0000000000000000d2040000040668656c6c6f",
  );
  assert.equal(
    registry.createType("PalletCommitmentsData", { TimelockEncrypted: { encrypted: "0x0102", revealRound: 5 } })
      .toHex(),
    "0x860801020500000000000000",
  );
  assert.equal(registry.createType("PalletCommitmentsData", "ResetBondsFlag").toHex(), "0x87");
  assert.equal(registry.createType("PalletCommitmentsData", { BigRaw: "0x0102" }).toHex(), "0x88080102");
});

Deno.test("the patched metadata has the HEAD calls, extensions and defaults", () => {
  const calls = runtime.decorated.tx.subtensorModule!;
  const expected: Record<string, [number, string[]]> = {
    commitTimelockedWeights: [113, ["netuid", "commit", "reveal_round", "commit_reveal_version"]],
    commitMechanismWeights: [115, ["netuid", "mecid", "commit_hash"]],
    revealMechanismWeights: [116, ["netuid", "mecid", "uids", "values", "salt", "version_key"]],
    commitCrv3MechanismWeights: [117, ["netuid", "mecid", "commit", "reveal_round"]],
    commitTimelockedMechanismWeights: [118, ["netuid", "mecid", "commit", "reveal_round", "commit_reveal_version"]],
    setMechanismWeights: [119, ["netuid", "mecid", "dests", "weights", "version_key"]],
  };
  for (const [name, [index, args]] of Object.entries(expected)) {
    const call = calls[name]!;
    assert.equal(call.callIndex[1], index, name);
    assert.deepEqual(call.meta.fields.map((f) => f.name.toString()), args, name);
  }
  assert.equal(calls.setTaoWeights, undefined);
  assert.equal(calls.commitCrv3Weights, undefined);
  const extensions = runtime.metadata.asV14.extrinsic.signedExtensions.map((e) => e.identifier.toString());
  assert.deepEqual(extensions, [
    "CheckNonZeroSender",
    "CheckSpecVersion",
    "CheckTxVersion",
    "CheckGenesis",
    "CheckMortality",
    "CheckNonce",
    "CheckWeight",
    "ChargeTransactionPaymentWrapper",
    "SudoTransactionExtension",
    "CheckShieldedTxValidity",
    "SubtensorTransactionExtension",
    "DrandPriority",
    "CheckMetadataHash",
  ]);
  assert.equal(runtime.decorated.consts.commitments!.maxFields!.toString(), "3");
  assert.deepEqual(runtime.errorIndex("Commitments", "SpaceLimitExceeded"), [18, 2]);
  assert.equal(u8aToHex(runtime.fallback("SubtensorModule", "CommitRevealWeightsEnabled")), "0x01");
  assert.equal(u8aToHex(runtime.fallback("SubtensorModule", "MaxWeightsLimit")), "0xffff");
  assert.equal(u8aToHex(runtime.fallback("SubtensorModule", "CommitRevealWeightsVersion")), "0x0400");
});

Deno.test("the legacy profile serves the spec-233 extensions and Data variants; head today's", () => {
  for (const profile of DEVNET_PROFILE_NAMES) {
    const { metadata, registry } = loadDevnetRuntime(profile);
    const identifiers = metadata.asV14.extrinsic.signedExtensions.map((e) => e.identifier.toString());
    assert.deepEqual(identifiers, DEVNET_PROFILES[profile].extensions, profile);
    const data = registry.createType("PalletCommitmentsData" as never) as unknown as { defKeys: string[] };
    assert.equal(data.defKeys.includes("BigRaw"), DEVNET_PROFILES[profile].bigRaw, profile);
  }
  assert.equal(loadDevnetRuntime("legacy").profile, "legacy");
  assert.throws(
    () => loadDevnetRuntime("future" as never),
    /Unknown devnet profile "future": the profiles are head, legacy/,
  );
});
