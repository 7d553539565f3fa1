import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfter, retry } from "./retry.ts";

Deno.test("parseRetryAfter() reads seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("3"), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter("soon"), undefined);
});

Deno.test("backoffDelay() honours Retry-After up to its cap and backs off exponentially otherwise", () => {
  assert.equal(backoffDelay(1, {}, 5000), 5000);
  assert.equal(backoffDelay(1, { maxRetryAfterMs: 1000 }, 5000), 1000);
  assert.equal(backoffDelay(1, { baseDelayMs: 100 }, undefined, () => 1), 100);
  assert.equal(backoffDelay(4, { baseDelayMs: 100 }, undefined, () => 1), 800);
  assert.equal(backoffDelay(20, { baseDelayMs: 100, maxDelayMs: 1000 }, undefined, () => 0), 500);
});

Deno.test("retry() retries a bounded number of times, and only what the policy calls retryable", async () => {
  let calls = 0;
  await assert.rejects(
    retry(() => {
      calls++;
      throw new Error("down");
    }, { attempts: 4, baseDelayMs: 1 }),
    /down/,
  );
  assert.equal(calls, 4);
  calls = 0;
  await assert.rejects(
    retry(
      () => {
        calls++;
        throw new RangeError("bad input");
      },
      { attempts: 4, baseDelayMs: 1 },
      { isRetryable: (e) => !(e instanceof RangeError) },
    ),
    /bad input/,
  );
  assert.equal(calls, 1);
});

Deno.test("retry() waits the Retry-After the policy reads from the error", async () => {
  const waits: number[] = [];
  let calls = 0;
  await retry(() => ++calls < 3 ? Promise.reject(Object.assign(new Error("429"), { after: 7 })) : Promise.resolve(), {
    attempts: 3,
  }, {
    retryAfterMs: (e) => (e as { after?: number }).after,
    onRetry: (_e, _attempt, ms) => waits.push(ms),
  });
  assert.deepEqual(waits, [7, 7]);
});

Deno.test("retry() stops waiting as soon as the caller aborts", async () => {
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(new Error("stop")), 20);
  await assert.rejects(
    retry(() => Promise.reject(new Error("down")), { attempts: 5, baseDelayMs: 10_000 }, { signal: controller.signal }),
    /stop/,
  );
  assert.ok(performance.now() - started < 1000);
});
