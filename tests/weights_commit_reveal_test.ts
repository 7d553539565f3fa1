/**
 * Commit-reveal v4 against the devnet: the timelocked commit is stored, the
 * chain reveals it once the drand pulse of its round is stored, and the
 * revealed weights are the ones sent.
 *
 * The reveal round comes from the wall clock (as the SDK computes it). Only
 * quicknet's real round-1000 signature is available offline, so the test
 * injects a clock set to the moment whose reveal round is 1000: the whole
 * production computation runs, and the devnet gets the genuine pulse.
 */
import assert from "node:assert/strict";
import { u8aToHex } from "@polkadot/util";
import { readWeightsState } from "../src/chain/mod.ts";
import {
  computeRevealRound,
  decodeWeightsTlockPayload,
  QUICKNET,
  QUICKNET_ROUND_1000,
  setWeights,
  timelockDecrypt,
  type WeightsSuccess,
} from "../src/weights/mod.ts";
import { storedWeights, weightsFixture } from "./weights_fixtures.ts";
import { DEVNET_PROFILE_NAMES } from "../src/devnet/mod.ts";

const NETUID = 37;
const TEMPO = 10;

/** A wall clock (ms) at which a commit made at `block` reveals at drand `round` (mid-round, away from edges). */
function clockForRound(round: number, block: number, revealPeriodEpochs: number): number {
  const { targetBlock } = computeRevealRound({ currentBlock: block, netuid: NETUID, tempo: TEMPO, revealPeriodEpochs });
  const secondsAhead = (targetBlock - block) * 12;
  return (QUICKNET.genesisTime + round * QUICKNET.periodSeconds + 1.5 - secondsAhead) * 1000;
}

const epochOf = (block: number) => Math.floor((block + NETUID + 1) / (TEMPO + 1));
const firstBlockOf = (epoch: number) => epoch * (TEMPO + 1) - (NETUID + 1);

for (const profile of DEVNET_PROFILE_NAMES) {
  Deno.test(`[${profile}] setWeights() with commit-reveal on commits a timelocked payload that the chain reveals with round 1000's pulse`, async () => {
    await using f = await weightsFixture({ profile, commitReveal: true, tempo: TEMPO, revealPeriodEpochs: 1 });
    const api = f.client.api;
    const before = await readWeightsState(f.client, f.validator.address, { netuid: NETUID });
    assert.equal(before.commitRevealEnabled, true);
    const nowMs = clockForRound(1000, before.block, before.revealPeriodEpochs);

    const receipt = await setWeights({ uids: [2, 3, 4, 7], weights: [0.25, 1, 0.5, 0] }, {
      client: f.client,
      signer: f.validator,
      netuid: NETUID,
      versionKey: 3010,
      clock: () => nowMs,
    });
    assert.equal(receipt.success, true, JSON.stringify(receipt));
    const commit = receipt as WeightsSuccess;
    assert.equal(commit.mode, "commit");
    assert.equal(commit.revealRound, 1000);
    assert.deepEqual([commit.uids, commit.values], [[2, 3, 4], [16384, 65535, 32768]]);

    // The commit is queued under its epoch with round 1000; nothing is set yet.
    const epoch = epochOf(commit.block);
    const queue = (await api.query.subtensorModule!.timelockedWeightCommits!(NETUID, epoch)).toJSON() as [
      string,
      number,
      string,
      number,
    ][];
    assert.equal(queue.length, 1);
    const [who, commitBlock, ciphertextHex, round] = queue[0]!;
    assert.deepEqual([who, commitBlock, round], [f.validator.address, commit.block, 1000]);
    // Independently of the devnet: the stored bytes open with the round-1000 signature into our payload.
    const payload = decodeWeightsTlockPayload(
      await timelockDecrypt(Uint8Array.from(Buffer.from(ciphertextHex.slice(2), "hex")), QUICKNET_ROUND_1000.signature),
    );
    assert.deepEqual(u8aToHex(payload.hotkey), u8aToHex(f.validator.publicKey));
    assert.deepEqual([payload.uids, payload.values, payload.versionKey], [[2, 3, 4], [16384, 65535, 32768], 3010n]);
    assert.deepEqual(await storedWeights(f.client, 0), []);

    // In the reveal epoch without the pulse: still waiting.
    const revealStart = firstBlockOf(epoch + 1);
    f.devnet.mine(revealStart + 1 - f.devnet.bestNumber);
    assert.deepEqual(await storedWeights(f.client, 0), [], "no pulse, no reveal");

    // The pulse arrives: the next block reveals the commit and applies the same weights.
    f.devnet.addPulse(QUICKNET_ROUND_1000.round, QUICKNET_ROUND_1000.signature);
    const revealed = f.devnet.mine(1);
    assert.equal(epochOf(revealed.number), epoch + 1);
    assert.deepEqual(await storedWeights(f.client, 0), [[2, 16384], [3, 65535], [4, 32768]]);
    assert.ok(
      revealed.events.some((e) => JSON.stringify(e).includes("TimelockedWeightsRevealed")),
      "TimelockedWeightsRevealed emitted",
    );
  });
}

Deno.test("setWeights() with commit-reveal refuses a reveal round the chain's drand state has passed", async () => {
  await using f = await weightsFixture({ commitReveal: true, tempo: TEMPO });
  f.devnet.addPulse(5000, QUICKNET_ROUND_1000.signature); // LastStoredRound = 5000
  const state = await readWeightsState(f.client, f.validator.address, { netuid: NETUID });
  const receipt = await setWeights({ uids: [2], weights: [1] }, {
    client: f.client,
    signer: f.validator,
    netuid: NETUID,
    clock: () => clockForRound(1000, state.block, state.revealPeriodEpochs),
  });
  assert.equal(receipt.success, false);
  assert.equal(receipt.success === false && receipt.error, "CommitRevealError");
  assert.match(
    receipt.success === false ? receipt.reason : "",
    /reveal round 1000 is before the chain's last drand round 5000/,
  );
});
