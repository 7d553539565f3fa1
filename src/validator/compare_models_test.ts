import assert from "node:assert/strict";
import { compareModels, leadingUids, scoreToBeat } from "./compare_models.ts";

const decay = { start: 0.05, end: 0.01, blocks: 21_600 };

Deno.test("compareModels() gives earlier commits their epsilon and names the score to stay under", () => {
  const leaders = [
    { label: "old", score: 1.0, block: 1000 }, // 1000 blocks old at 2000: epsilon 0.0481
    { label: "same", score: 0.97, block: 2000 },
  ];
  const late = compareModels({ label: "me", score: 0.96, block: 2000 }, leaders, decay, 2000);
  assert.deepEqual([late.beats, late.losesTo], [["same"], ["old"]], "0.96 > 1.0 × (1 − 0.0481)");
  assert.ok(Math.abs(late.bars.get("old")! - (1 - 0.05 + (1000 / 21_600) * 0.04)) < 1e-12);
  assert.equal(late.bars.get("same"), 0.97, "equal blocks: no advantage either way");
  assert.equal(late.mustBeat, Math.min(late.bars.get("old")!, 0.97));
  assert.equal(late.winRate, 0.5);
  // The bar is strict: exactly on it is not a win.
  const onBar = compareModels(
    { label: "me", score: late.bars.get("old")!, block: 2000 },
    leaders.slice(0, 1),
    decay,
    2000,
  );
  assert.deepEqual(onBar.beats, []);
  // An earlier commit than the leader's gets the advantage itself.
  assert.ok(scoreToBeat(500, { score: 1.0, block: 1000 }, decay, 2000) > 1.0);
  assert.equal(compareModels({ label: "me", score: 1, block: 1 }, [], decay, 2).mustBeat, Infinity);
});

Deno.test("leadingUids() ranks uids by the stake-weighted, normalized weights of permitted validators", () => {
  const validators = [
    { uid: 0, stake: 300, validatorPermit: true },
    { uid: 1, stake: 100, validatorPermit: true },
    { uid: 2, stake: 1000, validatorPermit: false }, // no permit: ignored
  ];
  const weights = new Map([
    [0, [[5, 65535], [6, 0]] as [number, number][]],
    [1, [[6, 1000], [7, 1000]] as [number, number][]],
    [2, [[8, 65535]] as [number, number][]],
  ]);
  assert.deepEqual(leadingUids(validators, weights, 2), [{ uid: 5, share: 0.75 }, { uid: 6, share: 0.125 }]);
});
