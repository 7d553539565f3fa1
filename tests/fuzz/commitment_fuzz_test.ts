/**
 * Fuzzing model-id commitments (`src/mechanism/model_id.ts`, the decoding in
 * `src/chain/read_commitments.ts`): any text as a model id, any ref to validate, and SCALE
 * `Registration` values of every `Data` variant (Raw0..Raw128, BigRaw up to 512 bytes, hashes,
 * TimelockEncrypted, ResetBondsFlag, None) holding any bytes, decoded with the devnet's runtime
 * registry as polkadot.js decodes them from a node. Parsing never throws and a well-formed id round-trips;
 * decoding a registration gives a model id or the reason for that uid, never an exception.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { u8aConcat } from "@polkadot/util";
import { decodeCommitment } from "../../src/chain/read_commitments.ts";
import { describeInvalidModelId, formatModelId, type ModelId, parseModelId } from "../../src/mechanism/model_id.ts";
import { loadDevnetRuntime } from "../../src/devnet/mod.ts";
import { fuzzParameters } from "./fuzz.ts";

const token = fc.oneof(
  fc.string({ maxLength: 12 }).filter((s) => !s.includes(":")),
  fc.constantFrom("None", "", " ", "a--b", "..", "0123456789abcdef0123456789abcdef01234567", "é", "\u0000"),
);
const wellFormed = fc.record({
  namespace: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
  name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,20}$/),
  commit: fc.stringMatching(/^[0-9a-f]{40}$/),
  secureHash: fc.base64String({ minLength: 44, maxLength: 44 }),
  competitionId: fc.integer({ min: 0, max: 9 }),
}).map((id) => formatModelId(id));
const modelIdText = fc.oneof(
  { weight: 2, arbitrary: wellFormed },
  fc.array(fc.oneof(token, fc.constantFrom("1", "+4", " 7 ", "1_000", "-2", "9007199254740993", "0x4")), {
    maxLength: 7,
  }).map((parts) => parts.join(":")),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

Deno.test("fuzz: parseModelId() never throws; well-formed ids round-trip through formatModelId()", () => {
  fc.assert(
    fc.property(modelIdText, (text) => {
      const parsed = parseModelId(text);
      if (!parsed.ok) {
        assert.match(parsed.error, /field|competition id/);
        return;
      }
      assert.ok(Number.isSafeInteger(parsed.modelId.competitionId));
      assert.equal(describeInvalidModelId(parsed.modelId) ?? "", describeInvalidModelId(parsed.modelId) ?? "");
    }),
    fuzzParameters(1000),
  );
  const id = fc.record({
    namespace: token,
    name: token,
    commit: fc.option(token.filter((t) => t !== "None"), { nil: null }),
    secureHash: fc.option(token.filter((t) => t !== "None"), { nil: null }),
    competitionId: fc.nat(),
  });
  fc.assert(
    fc.property(id, (modelId: ModelId) => {
      const parsed = parseModelId(formatModelId(modelId));
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.modelId, { ...modelId });
    }),
    fuzzParameters(500),
  );
});

const runtime = loadDevnetRuntime();
const REGISTRATION = runtime.valueType("Commitments", "CommitmentOf");

function compact(n: number): Uint8Array {
  return runtime.registry.createType("Compact<u32>", n).toU8a();
}

/** One SCALE `Data` field of any variant, with any bytes (including ids, UTF-8 and not). */
const payload = fc.oneof(
  modelIdText.map((t) => new TextEncoder().encode(t)),
  fc.uint8Array({ maxLength: 140 }),
  fc.uint8Array({ minLength: 129, maxLength: 512 }),
);
const dataField = fc.oneof(
  { weight: 4, arbitrary: payload.map((b) => b.subarray(0, 128)).map((b) => Uint8Array.from([b.length + 1, ...b])) },
  { weight: 3, arbitrary: payload.map((b) => u8aConcat([136], compact(b.length), b)) },
  fc.constant(Uint8Array.from([0])),
  fc.constant(Uint8Array.from([135])),
  fc.tuple(fc.integer({ min: 130, max: 133 }), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([tag, h]) =>
    Uint8Array.from([tag, ...h])
  ),
  fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([e, round]) =>
    u8aConcat([134], compact(e.length), e, round)
  ),
);
/** `Registration { deposit: u64, block: u32, info: { fields: BoundedVec<Data, 3> } }`, or raw bytes. */
const registration = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      fc.array(dataField, { maxLength: 3 }),
    ).map(([deposit, block, fields]) => u8aConcat(deposit, block, compact(fields.length), ...fields)),
  },
  fc.uint8Array({ maxLength: 80 }),
);

Deno.test("fuzz: decodeCommitment() of any Registration the node serves gives a model id or the reason", () => {
  let decoded = 0;
  let ids = 0;
  fc.assert(
    fc.property(registration, (bytes) => {
      let value;
      try {
        value = runtime.registry.createType(REGISTRATION, bytes);
      } catch {
        return; // polkadot.js refuses it inside the read (a ChainError there); nothing reaches decodeCommitment
      }
      decoded++;
      const commitment = decodeCommitment(7, "5Hotkey", value);
      assert.equal(commitment.uid, 7);
      assert.ok(Number.isSafeInteger(commitment.block) && commitment.block >= 0);
      if ("error" in commitment) {
        assert.match(commitment.error, /^the /);
      } else {
        assert.deepEqual(parseModelId(commitment.raw), { ok: true, modelId: commitment.modelId });
        ids++;
      }
    }),
    fuzzParameters(1000),
  );
  assert.ok(decoded > 300 && ids > 20, `${decoded} registrations decoded, ${ids} model ids: the generator is off`);
});
