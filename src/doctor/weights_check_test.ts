import assert from "node:assert/strict";
import { weightsDoctorResults } from "./weights_check.ts";
import type { WeightsChainState } from "../chain/read_weights_state.ts";

const state: WeightsChainState = {
  block: 1000,
  blockHash: "0x00",
  netuid: 37,
  hotkey: "5Hot",
  subnetExists: true,
  uid: 2,
  subnetN: 10,
  validatorPermit: true,
  isSubnetOwner: false,
  lastUpdate: 950,
  weightsRateLimit: 100,
  weightsVersionKey: 3010n,
  minAllowedWeights: 1,
  maxWeightsLimit: 65535,
  commitRevealEnabled: true,
  commitRevealVersion: 4,
  revealPeriodEpochs: 1,
  tempo: 360,
  lastStoredRound: 0,
  hasMechanismCalls: true,
};

Deno.test("weightsDoctorResults() reports registration, permit, version key, rate limit and commit-reveal", () => {
  const lines = weightsDoctorResults(state, 3010n);
  assert.deepEqual(lines.map((l) => [l.name, l.status]), [
    ["registration", "ok"],
    ["validator permit", "ok"],
    ["weights version key", "ok"],
    ["weights rate limit", "warn"],
    ["commit-reveal", "ok"],
  ]);
  assert.match(lines[3]!.detail, /next allowed at block 1050/);
  assert.match(
    lines[4]!.detail,
    /^on: timelocked commits \(v4\), revealed by the chain after 1 epoch\(s\) of 361 blocks$/,
  );
});

Deno.test("weightsDoctorResults() fails an unregistered hotkey, a missing permit and a low version key", () => {
  const unregistered = weightsDoctorResults({ ...state, uid: undefined }, 3010n);
  assert.deepEqual(unregistered.map((l) => [l.name, l.status]), [
    ["registration", "fail"],
    ["weights version key", "ok"],
    ["commit-reveal", "ok"],
  ]);
  const lines = weightsDoctorResults(
    { ...state, validatorPermit: false, lastUpdate: 0, commitRevealEnabled: false },
    3000n,
  );
  const byName = Object.fromEntries(lines.map((l) => [l.name, l]));
  assert.equal(byName["validator permit"]!.status, "fail");
  assert.equal(byName["weights version key"]!.status, "fail");
  assert.match(byName["weights version key"]!.hint!, /--validator.version_key 3010/);
  assert.equal(byName["weights rate limit"]!.detail, "never set; limit 100 blocks");
  assert.match(byName["commit-reveal"]!.detail, /^off/);
  assert.equal(weightsDoctorResults({ ...state, subnetExists: false }, 3010n)[0]!.status, "fail");
});
