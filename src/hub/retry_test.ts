import assert from "node:assert/strict";
import { HubHttpError, parseRetryAfter, retryDelay, TransferError, withRetry } from "./retry.ts";

Deno.test("parseRetryAfter() reads seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("3"), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter("soon"), undefined);
});

Deno.test("retryDelay() honours Retry-After up to its cap and backs off exponentially otherwise", () => {
  const limited = new HubHttpError(429, "u", "m", undefined, 5000);
  assert.equal(retryDelay(limited, 1), 5000);
  assert.equal(retryDelay(limited, 1, { maxRetryAfterMs: 1000 }), 1000);
  const plain = new Error("x");
  assert.equal(retryDelay(plain, 1, { baseDelayMs: 100 }, () => 1), 100);
  assert.equal(retryDelay(plain, 4, { baseDelayMs: 100 }, () => 1), 800);
  assert.equal(retryDelay(plain, 20, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0), 500);
});

Deno.test("withRetry() retries retryable errors a bounded number of times and never client errors", async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(() => {
      calls++;
      throw new HubHttpError(503, "u", "down");
    }, { attempts: 4, baseDelayMs: 1 }),
    /down/,
  );
  assert.equal(calls, 4);
  calls = 0;
  await assert.rejects(
    withRetry(() => {
      calls++;
      throw new HubHttpError(404, "u", "gone");
    }, { attempts: 4, baseDelayMs: 1 }),
    /gone/,
  );
  assert.equal(calls, 1);
  calls = 0;
  const value = await withRetry(() => {
    calls++;
    if (calls < 3) throw new TransferError("truncated", "cut");
    return Promise.resolve("ok");
  }, { attempts: 3, baseDelayMs: 1 });
  assert.equal(value, "ok");
});

Deno.test("withRetry() stops waiting as soon as the caller aborts", async () => {
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(new Error("stop")), 20);
  await assert.rejects(
    withRetry(() => Promise.reject(new HubHttpError(503, "u", "down")), { attempts: 5, baseDelayMs: 10_000 }, {
      signal: controller.signal,
    }),
    /stop/,
  );
  assert.ok(performance.now() - started < 1000);
});
