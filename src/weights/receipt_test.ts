import assert from "node:assert/strict";
import { ChainConnectionError, ChainTimeoutError } from "../chain/mod.ts";
import { failureExitCode, failureReceipt } from "./receipt.ts";
import { WeightsRateLimitedError } from "./errors.ts";

Deno.test("failureExitCode() ends a task as deno task weights ends for the same error: 5, 6 or 1", () => {
  const timeout = failureReceipt(new ChainTimeoutError("Cannot set weights: no inclusion within 60000 ms"));
  assert.equal(timeout.kind, "timeout");
  assert.equal(failureExitCode(timeout), 5);
  assert.equal(failureExitCode(failureReceipt(new ChainConnectionError("dropped"))), 5);
  const limited = failureReceipt(new WeightsRateLimitedError(undefined));
  assert.equal(failureExitCode(limited), 6);
  assert.doesNotMatch(limited.hint ?? "", /loop/);
  assert.equal(failureExitCode(failureReceipt(new Error("boom"))), 1);
});
