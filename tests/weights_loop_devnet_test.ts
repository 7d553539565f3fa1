/**
 * The validator's weights loop wired to the real setter and the devnet, with
 * short real intervals: a rate-limited attempt is retried after `retryMs`, a
 * success waits `intervalMs`.
 */
import assert from "node:assert/strict";
import { setWeights } from "../src/weights/mod.ts";
import { realClock } from "../src/validator/mod.ts";
import { liveWeightSetter } from "../src/validator/live/mod.ts";
import { startWeightsLoop } from "../src/validator/weights_loop.ts";
import type { WeightsReceipt } from "../src/weights/mod.ts";
import { NETUID, storedWeights, waitFor, weightsFixture } from "./weights_fixtures.ts";

Deno.test("the weights loop with the live setter: retries a rate-limited attempt, then succeeds and waits the interval", async () => {
  await using f = await weightsFixture({ weightsRateLimit: 5 });
  // Weights were set at block 1; the limit allows the next at block 6.
  const first = await setWeights({ uids: [2], weights: [1] }, {
    client: f.client,
    signer: f.validator,
    netuid: NETUID,
  });
  assert.equal(first.success, true);
  const receipts: WeightsReceipt[] = [];
  const loop = startWeightsLoop({
    getWeights: () => ({ uids: [2, 3], weights: [1, 3] }),
    setter: liveWeightSetter(f.client, f.validator, {
      netuid: NETUID,
      versionKey: 0,
      onReceipt: (receipt) => {
        receipts.push(receipt);
        if (!receipt.success) f.devnet.mine(2); // time passes on chain between attempts
      },
    }),
    clock: realClock,
    retryMs: 50,
    intervalMs: 60_000,
  });
  await waitFor(() => receipts.some((r) => r.success), "a successful attempt");
  await new Promise((resolve) => setTimeout(resolve, 200));
  await loop.stop();
  assert.deepEqual(receipts.map((r) => r.success ? "ok" : r.kind), ["rate-limited", "rate-limited", "ok"]);
  assert.equal(loop.attempts, 3, "no attempt during the interval after the success");
  assert.deepEqual(await storedWeights(f.client, 0), [[2, 21845], [3, 65535]]);
});
