/**
 * Weight setting when the node misbehaves: it stalls (deadlines, no hang,
 * a later attempt succeeds), the connection drops mid-submission (noticed at
 * once, the client reconnects, the next attempt takes the next nonce), and
 * two submissions in a row (pool-aware nonces). Blocks are mined by hand.
 */
import assert from "node:assert/strict";
import { blake2AsHex } from "@polkadot/util-crypto";
import { setWeights } from "../src/weights/set_weights.ts";
import type { WeightsFailure, WeightsReceipt, WeightsSuccess } from "../src/weights/receipt.ts";
import { NETUID, storedWeights, waitFor, weightsFixture } from "./weights_fixtures.ts";

const manual = { blockProduction: "manual", weightsRateLimit: 0 } as const;

/** The hashes of a block's extrinsics (the timestamp inherent included). */
const hashesOf = (block: { extrinsics: readonly string[] }): string[] => block.extrinsics.map((x) => blake2AsHex(x));

Deno.test("setWeights() gives up at the inclusion deadline when the node stalls, and a later attempt succeeds", async () => {
  await using f = await weightsFixture(manual);
  const send = (weights: number[], inclusionTimeoutMs = 10_000) =>
    setWeights({ uids: [2, 3], weights }, {
      client: f.client,
      signer: f.validator,
      netuid: NETUID,
      readTimeoutMs: 800,
      inclusionTimeoutMs,
    });

  // Submitted, then the node stops answering and produces no block.
  const started = performance.now();
  const attempt = send([1, 2], 800);
  await waitFor(() => f.devnet.chain.pool.size === 1, "the transaction in the pool");
  f.devnet.faults.stall();
  const timedOut = (await attempt) as WeightsFailure;
  const elapsed = performance.now() - started;
  assert.equal(timedOut.success, false);
  assert.equal(timedOut.error, "ChainTimeoutError");
  assert.equal(timedOut.kind, "timeout");
  assert.match(timedOut.reason, /^Cannot set weights: no inclusion within 800 ms for extrinsic 0x[0-9a-f]{64}$/);
  assert.ok(f.devnet.chain.pool.get(timedOut.extrinsicHash!), "the receipt names the pending transaction");
  assert.ok(elapsed < 3_000, `returned after ${Math.round(elapsed)} ms`);

  // Still stalled: the next attempt cannot even read the chain, and says so by its deadline.
  const readFailed = (await send([1, 2])) as WeightsFailure;
  assert.equal(readFailed.kind, "timeout");
  assert.match(readFailed.reason, /^Cannot read the weights state .* no answer from ".*" within 800 ms$/);

  // The node recovers; the stalled transaction lands, and a new attempt succeeds.
  f.devnet.faults.unstall();
  f.devnet.mine(1);
  const later = send([3, 1]);
  await waitFor(() => f.devnet.chain.pool.size === 1, "the second transaction in the pool");
  f.devnet.mine(1);
  const ok = (await later) as WeightsSuccess;
  assert.equal(ok.success, true, JSON.stringify(ok));
  assert.deepEqual(await storedWeights(f.client, 0), [[2, 65535], [3, 21845]]);
});

Deno.test("setWeights() notices a dropped connection mid-submission; the client reconnects and the retry takes the next nonce", async () => {
  await using f = await weightsFixture(manual);
  const send = (weights: number[]) =>
    setWeights({ uids: [2, 3], weights }, { client: f.client, signer: f.validator, netuid: NETUID });

  const started = performance.now();
  const attempt = send([1, 2]);
  await waitFor(() => f.devnet.chain.pool.size === 1, "the transaction in the pool");
  f.devnet.faults.dropConnections();
  const dropped = (await attempt) as WeightsFailure;
  assert.equal(dropped.success, false);
  assert.equal(dropped.kind, "connection");
  assert.match(
    dropped.reason,
    /connection to the node dropped while waiting for inclusion \(extrinsic 0x[0-9a-f]{64}, outcome unknown\)/,
  );
  assert.ok(performance.now() - started < 3_000, "noticed at once, not at the deadline");

  // The dropped transaction was in the pool and lands anyway.
  const first = f.devnet.mine(1);
  assert.ok(hashesOf(first).includes(dropped.extrinsicHash!), "the dropped transaction was included");

  const retry = send([2, 1]);
  await waitFor(() => f.devnet.chain.pool.size === 1, "the retry in the pool");
  f.devnet.mine(1);
  const ok = (await retry) as WeightsSuccess;
  assert.equal(ok.success, true, JSON.stringify(ok));
  assert.equal(ok.nonce, 1, "the retry used the nonce after the dropped-but-landed one");
  assert.deepEqual(await storedWeights(f.client, 0), [[2, 65535], [3, 32768]]);
});

Deno.test("setWeights() twice back to back: pool-aware nonces n and n+1, both land in one block, the second wins", async () => {
  await using f = await weightsFixture(manual);
  const send = (weights: number[]) =>
    setWeights({ uids: [2, 3], weights }, { client: f.client, signer: f.validator, netuid: NETUID });
  const first = send([1, 2]);
  await waitFor(() => f.devnet.chain.pool.size === 1, "the first transaction in the pool");
  const second = send([2, 1]);
  await waitFor(() => f.devnet.chain.pool.size === 2, "the second transaction in the pool");
  const block = f.devnet.mine(1);
  const receipts = (await Promise.all([first, second])) as WeightsReceipt[];
  assert.ok(receipts.every((r) => r.success), JSON.stringify(receipts));
  const [a, b] = receipts as WeightsSuccess[];
  assert.deepEqual([a!.nonce, b!.nonce], [0, 1]);
  assert.deepEqual([a!.block, b!.block], [block.number, block.number]);
  assert.ok(hashesOf(block).includes(a!.extrinsicHash) && hashesOf(block).includes(b!.extrinsicHash));
  assert.deepEqual(await storedWeights(f.client, 0), [[2, 65535], [3, 32768]]);
});
