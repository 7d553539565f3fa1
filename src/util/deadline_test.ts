import assert from "node:assert/strict";
import { raceSignal, withDeadline } from "./deadline.ts";
import { delay } from "./delay.ts";
import { mapPool } from "./map_pool.ts";

Deno.test("withDeadline() resolves in time, rejects with the timeout error late, and with the signal's reason", async () => {
  assert.equal(await withDeadline(Promise.resolve(5), 1000, () => new Error("late")), 5);
  await assert.rejects(withDeadline(delay(500), 10, () => new Error("late")), /late/);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stopped")), 5);
  await assert.rejects(withDeadline(delay(500), 1000, () => new Error("late"), controller.signal), /stopped/);
  await assert.rejects(
    withDeadline(delay(1), 1000, () => new Error("late"), AbortSignal.abort(new Error("already"))),
    /already/,
  );
});

Deno.test("raceSignal() rejects with the signal's reason and keeps the promise's own outcome otherwise", async () => {
  const controller = new AbortController();
  assert.equal(await raceSignal(Promise.resolve("x"), controller.signal), "x");
  await assert.rejects(raceSignal(Promise.reject(new Error("own")), controller.signal), /own/);
  setTimeout(() => controller.abort(new Error("gone")), 5);
  await assert.rejects(raceSignal(delay(500), controller.signal), /gone/);
});

Deno.test("delay() rejects at once when aborted", async () => {
  const started = performance.now();
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("abort")), 5);
  await assert.rejects(delay(10_000, controller.signal), /abort/);
  assert.ok(performance.now() - started < 1000);
});

Deno.test("delay() waits past setTimeout's 2^31 ms limit instead of firing at once", async () => {
  const controller = new AbortController();
  let settled = false;
  const long = delay(2 ** 32, controller.signal).then(() => (settled = true), () => "aborted");
  await delay(30);
  assert.equal(settled, false, "a 2^32 ms delay is still waiting after 30 ms");
  controller.abort(new Error("done"));
  assert.equal(await long, "aborted");
});

Deno.test("mapPool() keeps order, bounds concurrency and stops starting work after a failure", async () => {
  let running = 0;
  let peak = 0;
  const out = await mapPool([5, 1, 3, 2], 2, async (n, i) => {
    running++;
    peak = Math.max(peak, running);
    await delay(n);
    running--;
    return n * 10 + i;
  });
  assert.deepEqual(out, [50, 11, 32, 23]);
  assert.equal(peak, 2);
  const started: number[] = [];
  await assert.rejects(
    mapPool([1, 2, 3, 4, 5], 1, (n) => {
      started.push(n);
      return n === 2 ? Promise.reject(new Error("two")) : Promise.resolve(n);
    }),
    /two/,
  );
  assert.deepEqual(started, [1, 2]);
});
