/**
 * Crash safety: a validator SIGKILLed at random moments, over and over. After
 * each kill the state opens, every recorded step's moving average follows
 * from the one before (no update applied twice, none lost half-way), the
 * stored average, last run and queue agree with the last report, every
 * report file on disk is whole and equal to the database's, and the next
 * step runs.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { recordCompetitionWeights, subnetWeights } from "../src/mechanism/mod.ts";
import { ValidatorState } from "../src/state/mod.ts";
import type { StepReport } from "../src/validator/mod.ts";

const CHILD = resolve(import.meta.dirname!, "fixtures", "kill_child.ts");
const KILLS = 40;

/** A seeded PRNG (mulberry32) so the kill moments are the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function checkState(dir: string): Promise<number> {
  using state = await ValidatorState.open(dir, { netuid: 37, genesisHash: "0xkill" });
  const reports = state.reports(10_000) as unknown as StepReport[];
  for (const [i, report] of reports.entries()) {
    assert.equal(report.step, i + 1, "steps are numbered without gaps");
    // The average of each step follows from the previous step's and this step's winners, exactly once.
    const previous = i === 0 ? undefined : Float32Array.from(reports[i - 1]!.competition_weights);
    const step = new Float32Array(report.competition_weights.length);
    for (const uid of report.uids) step[uid.uid] = uid.step_weight;
    const averages = new Map([[4, recordCompetitionWeights(previous, step)]]);
    subnetWeights(averages, [{ id: 4, rewardPercentage: 1 }], step.length, 0.18);
    assert.deepEqual([...averages.get(4)!], report.competition_weights, `step ${report.step}'s average`);
  }
  const last = reports.at(-1);
  if (last !== undefined) {
    assert.deepEqual(
      [...(state.averages().get(4) ?? [])],
      last.competition_weights,
      "the stored average is the last step's",
    );
    assert.equal(state.lastRun(4), last.sync_block);
    const current = state.queues().current.get(4) ?? new Set();
    for (const uid of last.kept_uids) assert.ok(current.has(uid), `kept uid ${uid} is still queued`);
  }
  // Report files: whole, equal to the database's; no temporary survives the reopen.
  for await (const entry of Deno.readDir(join(dir, "reports"))) {
    assert.ok(!entry.name.endsWith(".tmp"), `stale temporary ${entry.name}`);
    const step = Number(entry.name.replace(/\.json$/, ""));
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "reports", entry.name))), state.report(step));
  }
  return reports.length;
}

Deno.test(`the validator's state survives ${KILLS} SIGKILLs at random moments and the next step runs`, async () => {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-kill-" });
  const random = prng(37);
  let steps = 0;
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CHILD, dir],
        stdout: "null",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).spawn();
      // Wait for the process to start and take the lock, then kill it at a random moment in its steps.
      await new Promise((r) => setTimeout(r, 250 + random() * 500));
      child.kill("SIGKILL");
      const status = await child.status;
      await child.stderr.cancel();
      assert.equal(status.signal, "SIGKILL");
      const now = await checkState(dir);
      assert.ok(now >= steps, "no recorded step is lost");
      steps = now;
    }
    assert.ok(steps > KILLS, `${steps} steps recorded across the kills`);
    // The next start runs a step on what is there.
    const child = new Deno.Command(Deno.execPath(), { args: ["run", "-A", CHILD, dir], stdout: "null", stderr: "null" })
      .spawn();
    const deadline = Date.now() + 20_000;
    const recorded = async () => {
      using state = await ValidatorState.openReadOnly(dir);
      return state.nextStep() - 1;
    };
    while ((await recorded()) <= steps && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    try {
      child.kill("SIGKILL");
    } catch { /* it ended by itself: checkState says why it matters */ }
    await child.status;
    assert.ok(await checkState(dir) > steps, "a step ran after the last kill");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
