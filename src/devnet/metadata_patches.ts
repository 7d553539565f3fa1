/**
 * The patches that bring the spec-233 metadata (from `@bitgo/sdk-coin-tao`)
 * closer to the live subtensor runtime (HEAD, spec 425) where a validator or a
 * miner depends on it. Each patch edits the V14 metadata in its JSON form; the
 * devnet serves the patched result. The list is the single record of how the
 * devnet's metadata differs from the extracted one.
 *
 * @module
 */

/** One metadata patch. */
export interface MetadataPatch {
  /** A short stable id. */
  readonly id: string;
  /** What it changes and why. */
  readonly description: string;
  /** Edits the V14 JSON in place. */
  readonly apply: (v14: V14Json) => void;
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** The V14 metadata as `Metadata.asV14.toJSON()` gives it. */
export interface V14Json {
  lookup: { types: { id: number; type: Json }[] };
  pallets: Json[];
  extrinsic: { type: number; version: number; signedExtensions: Json[] };
  type: number;
}

function pallet(v14: V14Json, name: string): Json {
  const found = v14.pallets.find((p) => p.name === name);
  if (found === undefined) throw new Error(`Cannot patch metadata: pallet "${name}" is missing`);
  return found;
}

function typeOf(v14: V14Json, id: number): Json {
  const found = v14.lookup.types.find((t) => t.id === id);
  if (found === undefined) throw new Error(`Cannot patch metadata: type ${id} is missing`);
  return found.type;
}

function findTypeId(v14: V14Json, what: string, test: (type: Json) => boolean): number {
  const found = v14.lookup.types.find((t) => test(t.type));
  if (found === undefined) throw new Error(`Cannot patch metadata: no ${what} type`);
  return found.id;
}

function addType(v14: V14Json, def: Json, path: string[] = []): number {
  const id = Math.max(...v14.lookup.types.map((t) => t.id)) + 1;
  v14.lookup.types.push({ id, type: { path, params: [], def, docs: [] } });
  return id;
}

/** Type ids of the primitives the patches use. */
function ids(v14: V14Json) {
  const primitive = (name: string) => findTypeId(v14, name, (t) => t.def.primitive === name);
  const u8 = primitive("U8");
  const u16 = primitive("U16");
  const u64 = primitive("U64");
  return {
    u8,
    u16,
    u32: primitive("U32"),
    u64,
    bytes: findTypeId(v14, "Vec<u8>", (t) => t.def.sequence?.type === u8 && t.path.length === 0),
    vecU16: findTypeId(v14, "Vec<u16>", (t) => t.def.sequence?.type === u16 && t.path.length === 0),
    h256: findTypeId(v14, "H256", (t) => t.path.join("::") === "primitive_types::H256"),
    accountId: findTypeId(v14, "AccountId32", (t) => t.path.join("::") === "sp_core::crypto::AccountId32"),
  };
}

function field(name: string | null, type: number, typeName: string | null = null): Json {
  return { name, type, typeName, docs: [] };
}

function variants(v14: V14Json, palletName: string, kind: "calls" | "events" | "errors"): Json[] {
  return typeOf(v14, pallet(v14, palletName)[kind].type).def.variant.variants;
}

function addVariant(list: Json[], name: string, index: number, fields: Json[]): void {
  if (list.some((v) => v.index === index || v.name === name)) {
    throw new Error(`Cannot patch metadata: variant ${index} "${name}" exists already`);
  }
  list.push({ name, fields, index, docs: [] });
}

function removeVariant(list: Json[], index: number): void {
  const at = list.findIndex((v) => v.index === index);
  if (at < 0) throw new Error(`Cannot patch metadata: variant ${index} is missing`);
  list.splice(at, 1);
}

function storageItems(v14: V14Json, palletName: string): Json[] {
  return pallet(v14, palletName).storage.items;
}

function storageItem(v14: V14Json, palletName: string, name: string): Json {
  const item = storageItems(v14, palletName).find((i) => i.name === name);
  if (item === undefined) throw new Error(`Cannot patch metadata: storage ${palletName}.${name} is missing`);
  return item;
}

function addCall(name: string, index: number, fields: (t: ReturnType<typeof ids>) => Json[]): MetadataPatch {
  return {
    id: `subtensor-call-${index}`,
    description: `Add SubtensorModule call ${index} \`${name}\` with the HEAD argument list`,
    apply(v14) {
      addVariant(variants(v14, "SubtensorModule", "calls"), name, index, fields(ids(v14)));
    },
  };
}

/** Every patch, applied in order. */
export const PATCHES: readonly MetadataPatch[] = [
  addCall("commit_timelocked_weights", 113, (t) => [
    field("netuid", t.u16, "NetUid"),
    field("commit", t.bytes, "BoundedVec<u8, ConstU32<MAX_CRV3_COMMIT_SIZE_BYTES>>"),
    field("reveal_round", t.u64, "u64"),
    field("commit_reveal_version", t.u16, "u16"),
  ]),
  addCall("commit_mechanism_weights", 115, (t) => [
    field("netuid", t.u16, "NetUid"),
    field("mecid", t.u8, "MechId"),
    field("commit_hash", t.h256, "H256"),
  ]),
  addCall("reveal_mechanism_weights", 116, (t) => [
    field("netuid", t.u16, "NetUid"),
    field("mecid", t.u8, "MechId"),
    field("uids", t.vecU16, "Vec<u16>"),
    field("values", t.vecU16, "Vec<u16>"),
    field("salt", t.vecU16, "Vec<u16>"),
    field("version_key", t.u64, "u64"),
  ]),
  addCall("commit_crv3_mechanism_weights", 117, (t) => [
    field("netuid", t.u16, "NetUid"),
    field("mecid", t.u8, "MechId"),
    field("commit", t.bytes, "BoundedVec<u8, ConstU32<MAX_CRV3_COMMIT_SIZE_BYTES>>"),
    field("reveal_round", t.u64, "u64"),
  ]),
  addCall("commit_timelocked_mechanism_weights", 118, (t) => [
    field("netuid", t.u16, "NetUid"),
    field("mecid", t.u8, "MechId"),
    field("commit", t.bytes, "BoundedVec<u8, ConstU32<MAX_CRV3_COMMIT_SIZE_BYTES>>"),
    field("reveal_round", t.u64, "u64"),
    field("commit_reveal_version", t.u16, "u16"),
  ]),
  addCall("set_mechanism_weights", 119, (t) => [
    field("netuid", t.u16, "NetUid"),
    field("mecid", t.u8, "MechId"),
    field("dests", t.vecU16, "Vec<u16>"),
    field("weights", t.vecU16, "Vec<u16>"),
    field("version_key", t.u64, "u64"),
  ]),
  {
    id: "subtensor-remove-removed-calls",
    description:
      "Remove SubtensorModule calls 8 `set_tao_weights` and 99 `commit_crv3_weights`, which HEAD no longer has",
    apply(v14) {
      const calls = variants(v14, "SubtensorModule", "calls");
      removeVariant(calls, 8);
      removeVariant(calls, 99);
    },
  },
  {
    id: "subtensor-errors",
    description: "Append SubtensorModule errors `IncorrectCommitRevealVersion` (86) and `InvalidRevealRound` (87) " +
      "(HEAD has them at other indices; clients decode errors by name through the metadata)",
    apply(v14) {
      const errors = variants(v14, "SubtensorModule", "errors");
      addVariant(errors, "IncorrectCommitRevealVersion", 86, []);
      addVariant(errors, "InvalidRevealRound", 87, []);
    },
  },
  {
    id: "subtensor-events",
    description: "Append SubtensorModule events `TimelockedWeightsCommitted(AccountId32, u16, H256, u64)` (88) and " +
      "`TimelockedWeightsRevealed(u16, AccountId32)` (89) with the HEAD fields",
    apply(v14) {
      const t = ids(v14);
      const events = variants(v14, "SubtensorModule", "events");
      addVariant(events, "TimelockedWeightsCommitted", 88, [
        field(null, t.accountId, "T::AccountId"),
        field(null, t.u16, "NetUidStorageIndex"),
        field(null, t.h256, "H256"),
        field(null, t.u64, "RoundNumber"),
      ]);
      addVariant(events, "TimelockedWeightsRevealed", 89, [
        field(null, t.u16, "NetUidStorageIndex"),
        field(null, t.accountId, "T::AccountId"),
      ]);
    },
  },
  {
    id: "subtensor-storage",
    description: "Add SubtensorModule storage `TimelockedWeightCommits` ((Twox64Concat u16, Twox64Concat u64) → " +
      "Vec<(AccountId32, u64, Bytes, u64)>), `CommitRevealWeightsVersion` (u16, default 4) and " +
      "`MechanismCountCurrent` (Twox64Concat u16 → u8, default 1) as HEAD declares them",
    apply(v14) {
      const t = ids(v14);
      const tuple = addType(v14, { tuple: [t.accountId, t.u64, t.bytes, t.u64] });
      const queue = addType(v14, { sequence: { type: tuple } });
      const items = storageItems(v14, "SubtensorModule");
      items.push({
        name: "TimelockedWeightCommits",
        modifier: "Default",
        type: {
          map: {
            hashers: ["Twox64Concat", "Twox64Concat"],
            key: addType(v14, { tuple: [t.u16, t.u64] }),
            value: queue,
          },
        },
        fallback: "0x00",
        docs: [" MAP (netuid, epoch) → VecDeque<(who, commit_block, ciphertext, reveal_round)>"],
      });
      items.push({
        name: "CommitRevealWeightsVersion",
        modifier: "Default",
        type: { plain: t.u16 },
        fallback: "0x0400",
        docs: [],
      });
      items.push({
        name: "MechanismCountCurrent",
        modifier: "Default",
        type: { map: { hashers: ["Twox64Concat"], key: t.u16, value: t.u8 } },
        fallback: "0x01",
        docs: [],
      });
    },
  },
  {
    id: "subtensor-defaults",
    description: "Storage defaults as at HEAD: `CommitRevealWeightsEnabled` true, `MaxWeightsLimit` 65535",
    apply(v14) {
      storageItem(v14, "SubtensorModule", "CommitRevealWeightsEnabled").fallback = "0x01";
      storageItem(v14, "SubtensorModule", "MaxWeightsLimit").fallback = "0xffff";
    },
  },
  {
    id: "commitments-data",
    description: "Add commitment `Data` variants 134 `TimelockEncrypted { encrypted: Bytes, reveal_round: u64 }`, " +
      "135 `ResetBondsFlag` and 136 `BigRaw(Bytes)`",
    apply(v14) {
      const t = ids(v14);
      const dataId = findTypeId(v14, "Data", (type) => type.path.join("::") === "pallet_commitments::types::Data");
      const list = typeOf(v14, dataId).def.variant.variants;
      addVariant(list, "TimelockEncrypted", 134, [
        field("encrypted", t.bytes, "TimelockEncryptedBytes"),
        field("reveal_round", t.u64, "u64"),
      ]);
      addVariant(list, "ResetBondsFlag", 135, []);
      addVariant(list, "BigRaw", 136, [field(null, t.bytes, "BoundedVec<u8, ConstU32<512>>")]);
    },
  },
  {
    id: "commitments-space-quota",
    description: "Commitments as at HEAD: constant `MaxFields` 3 (was 1); error 2 renamed " +
      "`CommitmentSetRateLimitExceeded` → `SpaceLimitExceeded`; storage `RateLimit` replaced by " +
      "`UsedSpaceOf` ((Identity u16, Twox64Concat AccountId32) → {last_epoch u64, used_space u64}) and `MaxSpace` (u32, 3100)",
    apply(v14) {
      const t = ids(v14);
      const commitments = pallet(v14, "Commitments");
      const maxFields = commitments.constants.find((c: Json) => c.name === "MaxFields");
      maxFields.value = "0x03000000";
      const errors = variants(v14, "Commitments", "errors");
      const rateLimited = errors.find((v) => v.index === 2);
      rateLimited.name = "SpaceLimitExceeded";
      rateLimited.docs = [" Space Limit Exceeded for the current interval"];
      const items: Json[] = commitments.storage.items;
      items.splice(items.findIndex((i) => i.name === "RateLimit"), 1);
      const accountKey = storageItem(v14, "Commitments", "LastCommitment").type.map.key;
      const usage = addType(v14, {
        composite: { fields: [field("last_epoch", t.u64, "u64"), field("used_space", t.u64, "u64")] },
      }, ["pallet_commitments", "types", "UsageTracker"]);
      items.push({
        name: "UsedSpaceOf",
        modifier: "Optional",
        type: { map: { hashers: ["Identity", "Twox64Concat"], key: accountKey, value: usage } },
        fallback: "0x00",
        docs: [],
      });
      items.push({ name: "MaxSpace", modifier: "Default", type: { plain: t.u32 }, fallback: "0x1c0c0000", docs: [] });
    },
  },
  {
    id: "transaction-extensions",
    description: "Transaction extensions as at HEAD, in order: CheckNonZeroSender, CheckSpecVersion, CheckTxVersion, " +
      "CheckGenesis, CheckMortality, CheckNonce, CheckWeight, ChargeTransactionPaymentWrapper (the tip, renamed " +
      "from ChargeTransactionPayment), SudoTransactionExtension, CheckShieldedTxValidity, " +
      "SubtensorTransactionExtension, DrandPriority (all four carry nothing), CheckMetadataHash",
    apply(v14) {
      const old = new Map<string, Json>(v14.extrinsic.signedExtensions.map((e) => [e.identifier, e]));
      const get = (name: string) => {
        const found = old.get(name);
        if (found === undefined) throw new Error(`Cannot patch metadata: extension "${name}" is missing`);
        return found;
      };
      const empty = get("SubtensorSignedExtension");
      const none = (identifier: string) => ({ identifier, type: empty.type, additionalSigned: empty.additionalSigned });
      v14.extrinsic.signedExtensions = [
        get("CheckNonZeroSender"),
        get("CheckSpecVersion"),
        get("CheckTxVersion"),
        get("CheckGenesis"),
        get("CheckMortality"),
        get("CheckNonce"),
        get("CheckWeight"),
        { ...get("ChargeTransactionPayment"), identifier: "ChargeTransactionPaymentWrapper" },
        none("SudoTransactionExtension"),
        none("CheckShieldedTxValidity"),
        none("SubtensorTransactionExtension"),
        none("DrandPriority"),
        get("CheckMetadataHash"),
      ];
    },
  },
];
