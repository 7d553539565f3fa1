import assert from "node:assert/strict";
import { join } from "node:path";
import { StateError, ValidatorState } from "./validator_state.ts";

const model = (commit: string, block = 100, competitionId = 4) => ({
  modelId: { namespace: "ns", name: "m", commit, secureHash: "h", competitionId },
  block,
});

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-state-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the model tracker clears a hotkey's history when its commitment changes, and keeps 3 results", () =>
  withDir(async (dir) => {
    using state = await ValidatorState.open(dir, { netuid: 37, genesisHash: "0xaa" });
    state.recordModel("hk1", model("c1"));
    for (const block of [10, 40, 20, 30]) {
      state.recordEvaluation("hk1", 4, { block, score: block / 10, winningBlock: 5, winningScore: 1 });
    }
    assert.deepEqual(state.history("hk1", 4).map((r) => r.block), [20, 30, 40], "the newest three by block");
    state.recordEvaluation("hk1", 4, { block: 50, score: Infinity, winningBlock: Infinity, winningScore: Infinity });
    assert.deepEqual(state.history("hk1", 4).at(-1), {
      block: 50,
      score: Infinity,
      winningBlock: Infinity,
      winningScore: Infinity,
    });
    assert.equal(state.lastEvaluatedBlock("hk1"), 50);
    state.recordModel("hk1", model("c1"));
    assert.equal(state.history("hk1", 4).length, 3, "the same commitment keeps the history");
    state.recordModel("hk1", model("c1", 101));
    assert.equal(state.history("hk1", 4).length, 0, "a recommit (new block) clears it");
    state.recordModel("hk2", model("c2"));
    assert.equal(state.pruneHotkeys(new Set(["hk2"])), 1);
    assert.deepEqual([...state.models().keys()], ["hk2"]);
  }));

Deno.test("a step's changes land in one transaction and survive reopening", () =>
  withDir(async (dir) => {
    {
      using state = await ValidatorState.open(dir, { netuid: 37, genesisHash: "0xaa" });
      state.addPending(4, 7);
      state.addPending(4, 3);
      state.addPending(2, 9);
      assert.deepEqual(state.takePending(4), [3, 7]);
      state.commitStep({
        competitionId: 4,
        syncBlock: 360,
        ema: Float32Array.from([0, 0.1, 0.9]),
        activeCompetitions: [4],
        results: [{ hotkey: "hk3", result: { block: 400, score: 1.5, winningBlock: 10, winningScore: 1.5 } }],
        kept: [7],
        report: { step: state.nextStep(), note: "first" } as { step: number },
      });
    }
    using state = await ValidatorState.open(dir, { netuid: 37, genesisHash: "0xaa" });
    assert.deepEqual([...state.averages().get(4)!], [0, Math.fround(0.1), Math.fround(0.9)]);
    assert.equal(state.lastRun(4), 360);
    assert.deepEqual([...(state.queues().current.get(4) ?? [])], [7]);
    assert.equal(state.queues().pending.get(2), undefined, "a sunset competition's queues go");
    assert.equal(state.history("hk3", 4).length, 1);
    assert.deepEqual(state.report(), { step: 1, note: "first" });
    assert.equal(state.nextStep(), 2);
  }));

Deno.test("one validator per state directory: a second one is refused, naming the first one's pid", () =>
  withDir(async (dir) => {
    using _first = await ValidatorState.open(dir, { netuid: 37 });
    // Another process (a second validator) tries the same directory.
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { ValidatorState } from ${JSON.stringify(new URL("./validator_state.ts", import.meta.url).href)};
         try { await ValidatorState.open(${JSON.stringify(dir)}, { netuid: 37 }); console.log("opened"); }
         catch (e) { console.log(e.name + ": " + e.message); }`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(child.stdout);
    assert.match(out, new RegExp(`StateError: .*another validator \\(pid ${Deno.pid}\\) is using it`));
  }));

Deno.test("a state of another subnet or chain is refused; a corrupt file is named with what to do", () =>
  withDir(async (dir) => {
    {
      using _state = await ValidatorState.open(dir, { netuid: 37, genesisHash: "0xaa" });
    }
    await assert.rejects(ValidatorState.open(dir, { netuid: 9, genesisHash: "0xaa" }), /belongs to subnet 37/);
    await assert.rejects(
      ValidatorState.open(dir, { netuid: 37, genesisHash: "0xbb" }),
      (e: unknown) => e instanceof StateError && /genesis 0xaa/.test(e.message) && /state_dir/.test(e.hint ?? ""),
    );
    {
      // Offline (no genesis known) the recorded identity is kept.
      using _state = await ValidatorState.open(dir, { netuid: 37 });
    }
    const other = join(dir, "corrupt");
    await Deno.mkdir(other);
    await Deno.writeTextFile(join(other, "validator.db"), "this is not a database, just text that goes on for a while");
    await assert.rejects(
      ValidatorState.open(other, { netuid: 37 }),
      (e: unknown) => e instanceof StateError && /validator\.db/.test(e.message) && /Move it away/.test(e.hint ?? ""),
    );
  }));

Deno.test("stale temporaries of a killed process are removed at the next start; errors and receipts are kept", () =>
  withDir(async (dir) => {
    await Deno.mkdir(join(dir, "reports"), { recursive: true });
    await Deno.writeTextFile(join(dir, "reports", "4.json.1234.tmp"), "{");
    using state = await ValidatorState.open(dir, { netuid: 37 });
    assert.deepEqual(await Array.fromAsync(Deno.readDir(join(dir, "reports"))), []);
    state.recordError("step", "the datasets server answered 500");
    state.recordReceipt({ success: true, block: 12 });
    assert.equal(state.errors()[0]?.message, "the datasets server answered 500");
    assert.equal(state.receipts()[0]?.block, 12);
  }));

Deno.test("reportEntries() gives the last reports with their times, oldest first; lastWeightsSet() the last success", () =>
  withDir(async (dir) => {
    let now = 1_000;
    using state = await ValidatorState.open(dir, { netuid: 37, now: () => now });
    assert.equal(state.lastWeightsSet(), undefined);
    for (const step of [1, 2, 3]) {
      now = step * 1_000;
      state.commitStep({
        competitionId: 4,
        syncBlock: step * 100,
        ema: new Float32Array([0, 1]),
        activeCompetitions: [4],
        results: [],
        kept: [],
        report: { step },
      });
    }
    assert.deepEqual(state.reportEntries(2).map((e) => [e.step, e.at, e.report.step]), [[2, 2000, 2], [3, 3000, 3]]);
    now = 5_000;
    state.recordReceipt({ success: true, block: 12 });
    now = 6_000;
    state.recordReceipt({ success: false, reason: "rate limited" });
    assert.deepEqual(
      { ...state.lastWeightsSet(), receipt: undefined },
      { at: 5_000, block: 12, receipt: undefined },
      "the failure after it does not count",
    );
  }));
