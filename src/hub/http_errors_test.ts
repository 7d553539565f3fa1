import assert from "node:assert/strict";
import { retry } from "../util/mod.ts";
import { HubHttpError, hubRetryPolicy, isRetryable, TransferError } from "./http_errors.ts";

Deno.test("isRetryable() retries 408, 429, 5xx, transfers and network errors, never client errors or aborts", () => {
  assert.equal(isRetryable(new HubHttpError(503, "u", "down")), true);
  assert.equal(isRetryable(new HubHttpError(429, "u", "slow down")), true);
  assert.equal(isRetryable(new HubHttpError(408, "u", "timeout")), true);
  assert.equal(isRetryable(new HubHttpError(404, "u", "gone")), false);
  assert.equal(isRetryable(new TransferError("truncated", "cut")), true);
  assert.equal(isRetryable(new TypeError("fetch failed")), true);
  const aborted = AbortSignal.abort(new Error("stop"));
  assert.equal(isRetryable(new HubHttpError(503, "u", "down"), aborted), false);
});

Deno.test("hubRetryPolicy() waits what Retry-After asks and stops at client errors", async () => {
  const waits: number[] = [];
  let calls = 0;
  const policy = { ...hubRetryPolicy(undefined, (_e: unknown, _a: number, ms: number) => waits.push(ms)) };
  const value = await retry(
    () => {
      calls++;
      if (calls === 1) throw new HubHttpError(429, "u", "slow down", undefined, 3);
      if (calls === 2) throw new TransferError("truncated", "cut");
      return Promise.resolve("ok");
    },
    { attempts: 3, baseDelayMs: 1 },
    policy,
  );
  assert.equal(value, "ok");
  assert.equal(waits[0], 3);
  calls = 0;
  await assert.rejects(
    retry(
      () => {
        calls++;
        throw new HubHttpError(404, "u", "gone");
      },
      { attempts: 4, baseDelayMs: 1 },
      hubRetryPolicy(),
    ),
    /gone/,
  );
  assert.equal(calls, 1);
});
