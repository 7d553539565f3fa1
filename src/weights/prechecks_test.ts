import assert from "node:assert/strict";
import { assertPrechecks, type PrecheckRequest, runWeightsPrechecks } from "./prechecks.ts";
import type { WeightsChainState } from "../chain/mod.ts";
import {
  CommitRevealError,
  IncorrectVersionKeyError,
  InvalidWeightsError,
  NotRegisteredError,
  NoValidatorPermitError,
  TooFewWeightsError,
  WeightsRateLimitedError,
} from "./errors.ts";

const base: WeightsChainState = {
  block: 1000,
  blockHash: "0x00",
  netuid: 37,
  hotkey: "5Validator",
  subnetExists: true,
  uid: 3,
  subnetN: 10,
  validatorPermit: true,
  isSubnetOwner: false,
  lastUpdate: 800,
  weightsRateLimit: 100,
  weightsVersionKey: 3010n,
  minAllowedWeights: 2,
  maxWeightsLimit: 65535,
  commitRevealEnabled: false,
  commitRevealVersion: 4,
  revealPeriodEpochs: 1,
  tempo: 360,
  lastStoredRound: 0,
  hasMechanismCalls: true,
};
const request: PrecheckRequest = { uids: [0, 1, 2], versionKey: 3010n };
const statusOf = (state: Partial<WeightsChainState>, req = request) =>
  Object.fromEntries(runWeightsPrechecks({ ...base, ...state }, req).map((r) => [r.name, r.status]));

Deno.test("runWeightsPrechecks() passes every check for a permitted, registered, rested validator", () => {
  const results = runWeightsPrechecks(base, request);
  assert.deepEqual(results.map((r) => r.name), [
    "weights",
    "subnet",
    "registered",
    "version-key",
    "rate-limit",
    "permit",
    "uids",
    "min-weights",
    "commit-reveal",
  ]);
  assert.ok(results.every((r) => r.status === "ok"), JSON.stringify(results));
  assertPrechecks(results);
});

Deno.test("runWeightsPrechecks() names the next allowed block when rate limited (chain rule: block+1 − last ≥ limit)", () => {
  // The transaction would land in block 900: 900 − 801 = 99 < 100.
  const results = runWeightsPrechecks({ ...base, block: 899, lastUpdate: 801 }, request);
  const failed = results.find((r) => r.name === "rate-limit")!;
  assert.equal(failed.status, "fail");
  assert.ok(failed.error instanceof WeightsRateLimitedError);
  assert.equal(failed.error.nextAllowedBlock, 901);
  assert.match(
    failed.error.message,
    /rate limited until block 901 \(last set at block 801, limit 100 blocks, now 899\)/,
  );
  assert.throws(() => assertPrechecks(results), WeightsRateLimitedError);
  // One block later the transaction lands in 901: allowed.
  assert.equal(statusOf({ block: 900, lastUpdate: 801 })["rate-limit"], "ok");
  assert.equal(statusOf({ lastUpdate: 0, block: 5 })["rate-limit"], "ok", "never set");
});

Deno.test("runWeightsPrechecks() fails each rule with its typed error", () => {
  const errorOf = (state: Partial<WeightsChainState>, req = request) => {
    try {
      assertPrechecks(runWeightsPrechecks({ ...base, ...state }, req));
    } catch (error) {
      return error;
    }
    assert.fail("expected a failure");
  };
  assert.ok(errorOf({ uid: undefined }) instanceof NotRegisteredError);
  assert.ok(errorOf({ validatorPermit: false }) instanceof NoValidatorPermitError);
  const vk = errorOf({ weightsVersionKey: 4000n });
  assert.ok(vk instanceof IncorrectVersionKeyError);
  assert.equal(vk.message, "Cannot set weights: version key is 3010, subnet requires at least 4000");
  assert.ok(errorOf({ minAllowedWeights: 4 }) instanceof TooFewWeightsError);
  assert.ok(errorOf({}, { uids: [1, 1], versionKey: 3010n }) instanceof InvalidWeightsError);
  assert.match(String(errorOf({}, { uids: [1, 12], versionKey: 3010n })), /uid 12 is not on subnet 37/);
  assert.ok(errorOf({ subnetExists: false }) instanceof InvalidWeightsError);
});

Deno.test("runWeightsPrechecks() exempts self-weights and the subnet owner as the chain does", () => {
  const self = { uids: [3], versionKey: 3010n };
  assert.equal(statusOf({ validatorPermit: false, minAllowedWeights: 8 }, self).permit, "skip");
  assert.equal(statusOf({ validatorPermit: false, minAllowedWeights: 8 }, self)["min-weights"], "skip");
  assert.equal(statusOf({ validatorPermit: false, isSubnetOwner: true }).permit, "skip");
  // The minimum is capped by the subnet size; a version key of 0 accepts anything.
  assert.equal(statusOf({ minAllowedWeights: 1024, subnetN: 3 })["min-weights"], "ok");
  assert.equal(statusOf({ weightsVersionKey: 0n }, { uids: [0, 1], versionKey: 0n })["version-key"], "ok");
});

Deno.test("runWeightsPrechecks() checks the commit-reveal version and that the reveal round is still ahead", () => {
  const on = { commitRevealEnabled: true, lastStoredRound: 5000 };
  assert.equal(statusOf(on, { ...request, revealRound: 5001 })["commit-reveal"], "ok");
  const past = runWeightsPrechecks({ ...base, ...on }, { ...request, revealRound: 4999 });
  assert.ok(past.find((r) => r.name === "commit-reveal")!.error instanceof CommitRevealError);
  assert.equal(statusOf({ ...on, commitRevealVersion: 5 }, { ...request, revealRound: 6000 })["commit-reveal"], "fail");
  assert.equal(statusOf({}, { uids: [], versionKey: 3010n }).weights, "fail", "all-zero weights send nothing");
});
