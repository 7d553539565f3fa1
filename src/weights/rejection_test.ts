import assert from "node:assert/strict";
import { ChainDispatchError, ChainTimeoutError, poolRefusalOf, transactionRejection } from "../chain/mod.ts";
import { errorForName, type RejectionContext, weightsErrorFrom } from "./rejection.ts";
import {
  CommitRevealError,
  IncorrectVersionKeyError,
  NotEnoughStakeError,
  NotRegisteredError,
  NoValidatorPermitError,
  TooFewWeightsError,
  WeightsNonceError,
  WeightsRateLimitedError,
  WeightsRejectedError,
} from "./errors.ts";

const context: RejectionContext = {
  hotkey: "5Hot",
  netuid: 37,
  uid: 4,
  versionKey: 3010n,
  requiredVersionKey: 3011n,
  rateLimit: { lastUpdate: 500, rateLimit: 100, currentBlock: 550 },
  count: 1,
  minAllowedWeights: 8,
};

/** What setWeights does with a rejected submission: the chain adapter names it, the weights stage maps it. */
function fromPoolRejection(error: unknown, context: RejectionContext): unknown {
  const refusal = poolRefusalOf(error);
  return refusal === undefined
    ? undefined
    : weightsErrorFrom(transactionRejection("set weights", refusal, error), context);
}

/** An error shaped as polkadot.js' RpcError for a JSON-RPC error reply. */
function rpcError(code: number, message: string, data?: string): Error {
  const error = new Error(`${code}: ${message}${data ? `: ${data}` : ""}`);
  Object.assign(error, { code, data });
  return error;
}

Deno.test("fromPoolRejection() maps 1010 custom codes to typed errors, naming the next allowed block", () => {
  const limited = fromPoolRejection(rpcError(1010, "Invalid Transaction", "Custom error: 6"), context);
  assert.ok(limited instanceof WeightsRateLimitedError);
  assert.equal((limited as WeightsRateLimitedError).nextAllowedBlock, 600);
  assert.ok(
    fromPoolRejection(rpcError(1010, "Invalid Transaction", "Custom error: 19"), context) instanceof NotRegisteredError,
  );
  assert.ok(
    fromPoolRejection(rpcError(1010, "Invalid Transaction", "Custom error: 1"), context) instanceof NotEnoughStakeError,
  );
  assert.ok(
    fromPoolRejection(rpcError(1010, "Invalid Transaction", "Custom error: 15"), context) instanceof CommitRevealError,
  );
  const other = fromPoolRejection(rpcError(1010, "Invalid Transaction", "Custom error: 255"), context);
  assert.ok(other instanceof WeightsRejectedError);
  assert.ok(other.cause instanceof Error);
  assert.equal(
    (other as Error).message,
    "Cannot set weights: the chain refused the transaction (pool 1010, custom 255): BadRequest",
  );
});

Deno.test("fromPoolRejection() reads the message alone when code and data are missing", () => {
  const parsed = fromPoolRejection(new Error("1010: Invalid Transaction: Custom error: 6"), context);
  assert.ok(parsed instanceof WeightsRateLimitedError);
  assert.ok(
    fromPoolRejection(new Error("1010: Invalid Transaction: Transaction is outdated"), context) instanceof
      WeightsNonceError,
  );
  assert.ok(fromPoolRejection(rpcError(1014, "Priority is too low", "(1 vs 1)"), context) instanceof WeightsNonceError);
  const badProof = fromPoolRejection(rpcError(1010, "Invalid Transaction", "Transaction has a bad signature"), context);
  assert.ok(badProof instanceof WeightsRejectedError);
  assert.match((badProof as Error).message, /bad signature/);
});

Deno.test("weightsErrorFrom() maps dispatch failures by name and leaves timeouts to the chain's own errors", () => {
  const dispatched = new ChainDispatchError("Cannot set weights: failed", {
    section: "subtensorModule",
    error: "NeuronNoValidatorPermit",
    blockHash: "0x01",
  });
  assert.ok(weightsErrorFrom(dispatched, context) instanceof NoValidatorPermitError);
  const late = new ChainTimeoutError("Cannot set weights: no inclusion", { extrinsicHash: "0xab" });
  assert.equal(weightsErrorFrom(late, context), late);
  const dropped = transactionRejection("set weights", { code: 0, data: "Dropped" });
  assert.match((weightsErrorFrom(dropped, context) as Error).message, /pool dropped/);
});

Deno.test("fromPoolRejection() leaves errors that are not pool rejections alone", () => {
  assert.equal(fromPoolRejection(new Error("WebSocket is not connected"), context), undefined);
  assert.equal(fromPoolRejection(rpcError(-32601, "Method not found"), context), undefined);
});

Deno.test("errorForName() maps dispatch module error names with the context's numbers", () => {
  const vk = errorForName("IncorrectWeightVersionKey", context);
  assert.ok(vk instanceof IncorrectVersionKeyError);
  assert.match(vk.message, /version key is 3010, subnet requires at least 3011/);
  assert.ok(errorForName("NeuronNoValidatorPermit", context) instanceof NoValidatorPermitError);
  assert.ok(errorForName("SettingWeightsTooFast", context) instanceof WeightsRateLimitedError);
  const few = errorForName("WeightVecLengthIsLow", context);
  assert.ok(few instanceof TooFewWeightsError);
  assert.match(few.message, /1 non-zero weights, subnet requires at least 8/);
  assert.ok(errorForName("CommitRevealEnabled", context) instanceof CommitRevealError);
  assert.ok(errorForName("SomethingNew", context) instanceof WeightsRejectedError);
});
