import assert from "node:assert/strict";
import { compareWithValidators, type ConsensusNeuron, cosineSimilarity, topUid, type WeightsRow } from "./consensus.ts";

const neuron = (uid: number, stake: number, validatorPermit = true): ConsensusNeuron => ({
  uid,
  hotkey: `hk${uid}`,
  stake,
  validatorPermit,
});

Deno.test("topUid() picks the largest weight, the lowest uid on ties, null for nothing", () => {
  assert.equal(topUid([0, 0.2, 0.7, 0.1]), 2);
  assert.equal(topUid([[5, 100], [3, 100], [9, 20]]), 3);
  assert.equal(topUid([0, 0, 0]), null);
  assert.equal(topUid([]), null);
});

Deno.test("cosineSimilarity() of rows in any scale, dense or as pairs; null for an all-zero row", () => {
  assert.equal(cosineSimilarity([0, 1, 0], [[1, 65535]]), 1);
  assert.equal(cosineSimilarity([1, 0], [0, 1]), 0);
  assert.ok(Math.abs(cosineSimilarity([1, 1], [1, 0])! - Math.SQRT1_2) < 1e-12);
  assert.equal(cosineSimilarity([0, 0], [1, 0]), null);
});

Deno.test("compareWithValidators(): stake-weighted share agreeing with our top uid, the majority, the cosines", () => {
  // We are uid 0 and put everything on uid 5. uid 1 (stake 600) agrees, uid 2 (300) prefers uid 6,
  // uid 3 (100) splits between 5 and 6 with 6 on top; uid 4 has a permit and no weights; uid 7 no permit.
  const neurons = [neuron(0, 1000), neuron(1, 600), neuron(2, 300), neuron(3, 100), neuron(4, 50), neuron(7, 5, false)];
  const rows = new Map<number, WeightsRow>([
    [0, [[5, 65535]]],
    [1, [[5, 65535], [6, 1000]]],
    [2, [[6, 65535]]],
    [3, [[5, 30000], [6, 65535]]],
    [7, [[6, 65535]]],
  ]);
  const report = compareWithValidators({ uid: 0, weights: rows.get(0)!, source: "chain" }, neurons, rows);
  assert.equal(report.ourTopUid, 5);
  assert.equal(report.comparedValidators, 3, "uids 1, 2, 3: ours, the one without weights and uid 7 are not");
  assert.equal(report.agreeingStakeShare, 0.6);
  assert.equal(report.majorityTopUid, 5);
  assert.equal(report.majorityStakeShare, 0.6);
  assert.equal(report.disagreesWithMajority, false);
  const byUid = new Map(report.validators.map((v) => [v.uid, v]));
  assert.deepEqual([...byUid.keys()], [0, 1, 2, 3, 4], "by stake, the unpermitted uid 7 left out");
  assert.equal(byUid.get(0)!.self, true);
  assert.equal(byUid.get(0)!.cosine, 1);
  assert.equal(byUid.get(1)!.agreesOnTop, true);
  assert.equal(byUid.get(2)!.agreesOnTop, false);
  assert.equal(byUid.get(2)!.cosine, 0);
  assert.equal(byUid.get(3)!.topUid, 6);
  assert.ok(Math.abs(byUid.get(3)!.cosine! - 30000 / Math.hypot(30000, 65535)) < 1e-12);
  assert.equal(byUid.get(4)!.hasWeights, false);
  assert.equal(byUid.get(4)!.cosine, null);
  assert.equal(byUid.get(4)!.agreesOnTop, null);
  assert.equal(byUid.get(2)!.stakeShare, 0.3);
  // The stake-weighted mean of the normalized rows: 0.6·(65535,1000)/66535 + 0.3·(0,1) + 0.1·(30000,65535)/95535.
  const mean5 = 0.6 * 65535 / 66535 + 0.1 * 30000 / 95535;
  const mean6 = 0.6 * 1000 / 66535 + 0.3 + 0.1 * 65535 / 95535;
  assert.ok(Math.abs(report.consensusCosine! - mean5 / Math.hypot(mean5, mean6)) < 1e-12);
});

Deno.test("compareWithValidators(): a stake-weighted majority on another uid is a disagreement", () => {
  const neurons = [neuron(0, 10), neuron(1, 600), neuron(2, 300), neuron(3, 100)];
  const rows = new Map<number, WeightsRow>([[1, [[6, 1]]], [2, [[6, 1]]], [3, [[5, 1]]]]);
  const report = compareWithValidators(
    { uid: 0, weights: [0, 0, 0, 0, 0, 0.9, 0.1], source: "computed" },
    neurons,
    rows,
  );
  assert.equal(report.source, "computed");
  assert.equal(report.ourTopUid, 5);
  assert.equal(report.majorityTopUid, 6);
  assert.ok(Math.abs(report.majorityStakeShare! - 0.9) < 1e-12);
  assert.ok(Math.abs(report.agreeingStakeShare! - 0.1) < 1e-12);
  assert.equal(report.disagreesWithMajority, true);
});

Deno.test("compareWithValidators(): alone on the subnet, or without stake, or without weights of our own", () => {
  const alone = compareWithValidators({ uid: 0, weights: [0, 1], source: "chain" }, [neuron(0, 1)], new Map());
  assert.equal(alone.comparedValidators, 0);
  assert.equal(alone.agreeingStakeShare, null);
  assert.equal(alone.majorityTopUid, null);
  assert.equal(alone.consensusCosine, null);
  assert.equal(alone.disagreesWithMajority, false);
  // No stake anywhere: every compared validator counts the same.
  const rows = new Map<number, WeightsRow>([[1, [[2, 1]]], [2, [[3, 1]]], [3, [[3, 1]]]]);
  const equal = compareWithValidators(
    { weights: [0, 0, 1], source: "computed" },
    [neuron(1, 0), neuron(2, 0), neuron(3, 0)],
    rows,
  );
  assert.equal(equal.ourUid, null);
  assert.ok(Math.abs(equal.agreeingStakeShare! - 1 / 3) < 1e-12);
  assert.equal(equal.majorityTopUid, 3);
  assert.equal(equal.disagreesWithMajority, true);
  const none = compareWithValidators({ weights: [], source: "computed" }, [neuron(1, 5)], rows);
  assert.equal(none.ourTopUid, null);
  assert.equal(none.agreeingStakeShare, null);
  assert.equal(none.disagreesWithMajority, false);
});
