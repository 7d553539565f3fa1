import assert from "node:assert/strict";
import { type LoopTimers, startWeightsLoop } from "./weights_loop.ts";
import type { WeightsReceipt } from "./receipt.ts";
import type { WeightsInput } from "../mechanism/mod.ts";

/** A manual clock: timers fire only when the test advances time. */
class FakeTimers implements LoopTimers {
  now = 0;
  #next = 1;
  #due = new Map<number, { at: number; callback: () => void }>();
  setTimeout(callback: () => void, ms: number): number {
    const id = this.#next++;
    this.#due.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }
  get pending(): number {
    return this.#due.size;
  }
  /** Advances the clock, firing due timers in order and letting promise chains settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      await settle();
      const next = [...this.#due.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.#due.delete(next[0]);
      this.now = next[1].at;
      next[1].callback();
    }
    this.now = target;
    await settle();
  }
}

/** Lets pending promise callbacks run (a few macrotask turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const weights: WeightsInput = { uids: [0, 1], weights: [1, 2] };
const ok = (block: number): WeightsReceipt => ({
  success: true,
  mode: "set",
  block,
  blockHash: "0x01",
  extrinsicHash: "0x02",
  finalized: false,
  nonce: block,
  uids: [0, 1],
  values: [32768, 65535],
});
const failed: WeightsReceipt = {
  success: false,
  error: "WeightsRateLimitedError",
  kind: "rate-limited",
  reason: "Cannot set weights: rate limited until block 9",
  retryable: true,
};
const MIN = 60_000;

Deno.test("startWeightsLoop() retries 120 s after a failure and sets again 1 h after a success", async () => {
  const timers = new FakeTimers();
  const outcomes = [failed, failed, ok(1), ok(2)];
  const startedAt: number[] = [];
  const loop = startWeightsLoop({
    getWeights: () => weights,
    setWeights: () => {
      startedAt.push(timers.now);
      return Promise.resolve(outcomes.shift() ?? ok(99));
    },
    timers,
  });
  await timers.advance(0);
  await timers.advance(119_999);
  assert.deepEqual(startedAt, [0], "no retry before 120 s");
  await timers.advance(1);
  await timers.advance(120_000);
  assert.deepEqual(startedAt, [0, 120_000, 240_000]);
  assert.equal(loop.lastReceipt?.success, true);
  await timers.advance(60 * MIN - 1);
  assert.equal(startedAt.length, 3, "no new attempt before the hour");
  await timers.advance(1);
  assert.deepEqual(startedAt, [0, 120_000, 240_000, 240_000 + 60 * MIN]);
  await loop.stop();
  assert.equal(timers.pending, 0, "stop() leaves no timer behind");
});

Deno.test("startWeightsLoop() never overlaps attempts and never blocks its caller", async () => {
  const timers = new FakeTimers();
  let running = 0;
  let maxRunning = 0;
  let release: (() => void) | undefined;
  let calls = 0;
  const loop = startWeightsLoop({
    getWeights: () => weights,
    setWeights: () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      return new Promise((resolve) => {
        release = () => {
          running--;
          resolve(failed);
        };
      });
    },
    retryMs: 10_000,
    attemptTimeoutMs: 10 * 60 * MIN,
    timers,
  });
  // startWeightsLoop returned before any attempt ran.
  assert.equal(calls, 0);
  await timers.advance(0);
  assert.equal(loop.busy, true);
  await timers.advance(5 * 60 * MIN); // a stalled attempt: hours pass
  assert.equal(calls, 1, "no second attempt while the first is in flight");
  loop.triggerNow();
  assert.equal(calls, 1, "triggerNow() waits for the attempt in flight");
  release!();
  await timers.advance(0);
  assert.equal(calls, 2, "the triggered attempt runs right after the first settles");
  release!();
  await timers.advance(10_000);
  assert.equal(calls, 3);
  assert.equal(maxRunning, 1);
  const stopping = loop.stop();
  release!();
  await stopping;
});

Deno.test("startWeightsLoop() stop() aborts the attempt in flight and waits for it", async () => {
  const timers = new FakeTimers();
  let seen: AbortSignal | undefined;
  const loop = startWeightsLoop({
    getWeights: () => weights,
    setWeights: (_w, signal) => {
      seen = signal;
      return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    },
    timers,
  });
  await timers.advance(0);
  assert.equal(seen?.aborted, false);
  await loop.stop();
  assert.equal(seen?.aborted, true);
  assert.equal(loop.busy, false);
  await timers.advance(10 * 60 * MIN);
  assert.equal(loop.attempts, 1, "no attempt after stop()");
});

Deno.test("startWeightsLoop() aborts an attempt that runs past attemptTimeoutMs and retries later", async () => {
  const timers = new FakeTimers();
  const receipts: WeightsReceipt[] = [];
  let calls = 0;
  const loop = startWeightsLoop({
    getWeights: () => weights,
    setWeights: (_w, signal) => {
      calls++;
      if (calls > 1) return Promise.resolve(ok(5));
      return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    },
    attemptTimeoutMs: 60_000,
    onReceipt: (r) => receipts.push(r),
    timers,
  });
  await timers.advance(60_000);
  assert.equal(receipts.length, 1);
  assert.equal(receipts[0]!.success, false);
  assert.match((receipts[0] as { reason: string }).reason, /ran over 60000 ms/);
  await timers.advance(120_000);
  assert.equal(receipts.at(-1)?.success, true);
  await loop.stop();
});

Deno.test("startWeightsLoop() waits while there are no weights and turns throws into failure receipts", async () => {
  const timers = new FakeTimers();
  const source: { weights?: WeightsInput } = {};
  const receipts: WeightsReceipt[] = [];
  let calls = 0;
  const loop = startWeightsLoop({
    getWeights: () => source.weights,
    setWeights: () => {
      calls++;
      throw new Error("boom");
    },
    onReceipt: (r) => receipts.push(r),
    timers,
  });
  await timers.advance(0);
  assert.equal(calls, 0, "no weights: nothing is sent");
  source.weights = weights;
  await timers.advance(120_000);
  assert.equal(calls, 1);
  assert.deepEqual(
    { success: receipts[0]!.success, kind: (receipts[0] as { kind: string }).kind },
    { success: false, kind: "internal" },
  );
  await timers.advance(120_000);
  assert.equal(calls, 2, "a throw is retried like any failure");
  await loop.stop();
});
