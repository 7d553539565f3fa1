import assert from "node:assert/strict";
import { u8aToHex } from "@polkadot/util";
import { QUICKNET_ROUND_1000, roundIdentity, timelockDecrypt, timelockEncrypt } from "./timelock_encrypt.ts";
import { decodeWeightsTlockPayload, encodeWeightsTlockPayload } from "./timelock_payload.ts";
import { computeRevealRound, quicknetRoundTimeMs } from "./timelock_round.ts";

const hotkey = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

Deno.test("encodeWeightsTlockPayload() writes SCALE {Vec<u8>, Vec<u16>, Vec<u16>, u64}", () => {
  const bytes = encodeWeightsTlockPayload({ hotkey, uids: [1, 2], values: [65535, 32768], versionKey: 3010n });
  assert.equal(bytes.length, 51);
  assert.equal(
    u8aToHex(bytes),
    "0x80" + u8aToHex(hotkey, -1, false) + "08" + "0100" + "0200" + "08" + "ffff" + "0080" + "c20b000000000000",
  );
  assert.deepEqual(decodeWeightsTlockPayload(bytes), {
    hotkey,
    uids: [1, 2],
    values: [65535, 32768],
    versionKey: 3010n,
  });
  assert.throws(() => decodeWeightsTlockPayload(bytes.subarray(0, 50)), { name: "SyntaxError", message: /truncated/ });
  assert.throws(() => decodeWeightsTlockPayload(new Uint8Array([...bytes, 0])), { message: /1 trailing bytes/ });
  assert.throws(() => encodeWeightsTlockPayload({ hotkey, uids: [70000], values: [1], versionKey: 0n }), RangeError);
});

Deno.test("roundIdentity() is sha256 of the round as u64 big-endian", async () => {
  // sha256(00 00 00 00 00 00 03 e8), computed independently with node:crypto.
  const { createHash } = await import("node:crypto");
  const expected = createHash("sha256").update(Uint8Array.from([0, 0, 0, 0, 0, 0, 3, 0xe8])).digest();
  assert.deepEqual(await roundIdentity(1000), new Uint8Array(expected));
});

Deno.test("timelockEncrypt() for round 1000 opens with quicknet's real round-1000 signature and no other", async () => {
  const plaintext = encodeWeightsTlockPayload({ hotkey, uids: [0, 3, 9], values: [1, 65535, 77], versionKey: 3010n });
  const ciphertext = await timelockEncrypt(plaintext, 1000);
  assert.ok(ciphertext.length > plaintext.length + 200, `ciphertext of ${ciphertext.length} bytes`);
  assert.deepEqual(await timelockDecrypt(ciphertext, QUICKNET_ROUND_1000.signature), plaintext);
  // The same signature cannot open a ciphertext for round 1001.
  const other = await timelockEncrypt(plaintext, 1001);
  await assert.rejects(() => timelockDecrypt(other, QUICKNET_ROUND_1000.signature), /Cannot timelock-decrypt/);
  // Fresh randomness: two encryptions of the same plaintext differ.
  assert.notDeepEqual(await timelockEncrypt(plaintext, 1000), ciphertext);
  await assert.rejects(() => timelockEncrypt(plaintext, 0), RangeError);
});

Deno.test("computeRevealRound() follows the SDK's epoch arithmetic and quicknet clock", () => {
  // block 1000, netuid 37, tempo 360: epoch floor(1038/361) = 2, reveal epoch 3 starts at 3·361 − 38 = 1045,
  // target 1048 is 48 blocks = 576 s away; (1_700_000_000 + 576 − 1_692_803_367) / 3 = 2_399_069.67 → 2_399_069.
  const r = computeRevealRound({
    currentBlock: 1000,
    netuid: 37,
    tempo: 360,
    revealPeriodEpochs: 1,
    nowMs: 1_700_000_000_000,
  });
  assert.deepEqual(r, { round: 2_399_069, targetBlock: 1048, revealEpoch: 3 });
  // Two reveal epochs and a 0.25 s block time: target 3·361+361−38+3 = 1409, 409 blocks = 102.25 s.
  const fast = computeRevealRound({
    currentBlock: 1000,
    netuid: 37,
    tempo: 360,
    revealPeriodEpochs: 2,
    blockTimeSeconds: 0.25,
    nowMs: 1_700_000_000_000,
  });
  assert.deepEqual(fast, {
    round: Math.floor((1_700_000_000 + 102.25 - 1_692_803_367) / 3),
    targetBlock: 1409,
    revealEpoch: 4,
  });
  // A clock before quicknet's genesis still gives round 1.
  assert.equal(computeRevealRound({ currentBlock: 0, netuid: 1, tempo: 10, revealPeriodEpochs: 1, nowMs: 0 }).round, 1);
  assert.equal(quicknetRoundTimeMs(1000), (1_692_803_367 + 999 * 3) * 1000);
});
