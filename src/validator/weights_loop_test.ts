import assert from "node:assert/strict";
import type { WeightsInput } from "../mechanism/mod.ts";
import { FakeClock, FakeWeightSetter } from "./fakes.ts";
import { startWeightsLoop } from "./weights_loop.ts";

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

Deno.test("the weights loop waits for non-zero weights, then sets them hourly, retrying failures after 2 min", async () => {
  const clock = new FakeClock();
  const setter = new FakeWeightSetter();
  let weights: WeightsInput | undefined;
  const loop = startWeightsLoop({ getWeights: () => weights, setter, clock });
  await settle();
  await clock.advance(60_000);
  assert.equal(setter.attempts.length, 0, "nothing to set yet");
  weights = { uids: [0, 1], weights: [0, 0] };
  await clock.advance(60_000);
  assert.equal(setter.attempts.length, 0, "all-zero weights are not set");
  weights = { uids: [0, 1], weights: [0, 1] };
  await clock.advance(60_000);
  await settle();
  assert.equal(setter.attempts.length, 1);
  assert.equal((loop.lastOutcome as { success: boolean } | undefined)?.success, true);

  await clock.advance(3_599_000);
  await settle();
  assert.equal(setter.attempts.length, 1, "an hour between successes");
  setter.fail = { reason: "rate limited", retryable: true };
  await clock.advance(1_000);
  await settle();
  assert.equal(setter.attempts.length, 2);
  assert.equal((loop.lastOutcome as { success: boolean } | undefined)?.success, false);
  setter.fail = undefined;
  await clock.advance(119_000);
  await settle();
  assert.equal(setter.attempts.length, 2, "two minutes after a failure");
  await clock.advance(1_000);
  await settle();
  assert.equal(setter.attempts.length, 3);
  assert.equal((loop.lastOutcome as { success: boolean } | undefined)?.success, true);
  await loop.stop();
  assert.equal(clock.sleeping, 0, "stopping ends the wait");
});

Deno.test("the weights loop turns a crashed attempt into a failure and keeps going", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const loop = startWeightsLoop({
    getWeights: () => ({ uids: [1], weights: [1] }),
    setter: {
      setWeights: () => {
        calls++;
        return calls === 1
          ? Promise.reject(new Error("socket closed"))
          : Promise.resolve({ success: true, block: 9, uids: [1] });
      },
    },
    clock,
  });
  await settle();
  assert.equal((loop.lastOutcome as { success: boolean } | undefined)?.success, false);
  assert.match((loop.lastOutcome as { reason: string }).reason, /socket closed/);
  await clock.advance(120_000);
  await settle();
  assert.equal((loop.lastOutcome as { success: boolean } | undefined)?.success, true);
  await loop.stop();
});
