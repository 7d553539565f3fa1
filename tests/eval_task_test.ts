/**
 * `deno task eval` as miners use it, against the local chain and hub with the
 * SN37 datasets' shapes: a local directory or a Hub repo on a competition's
 * real data, its checks reported, side by side with the leaders the
 * validators' weights name (or given uids and repos), with the win rate and
 * the score to beat; the validator's own failures are error exits, never a
 * score of infinity.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connectChain } from "../src/chain/mod.ts";
import { DEMO_SCHEDULE, prepareEvalData } from "../src/eval/mod.ts";
import { compareModels } from "../src/validator/mod.ts";
import { setWeights } from "../src/weights/mod.ts";
import { localSubnet, task } from "./local_subnet.ts";

const LOCAL = ["--validator.schedule", "local", "--validator.sync_genesis", "0", "--validator.sync_cadence", "10"];
const HASH = "0x" + "22".repeat(32);

Deno.test("deno task eval scores a model on the competition's data beside the leaders, with the score to beat", async () => {
  await using s = await localSubnet({
    models: { 1: "models/tiny-llama", 2: "safetensors/llama", 3: "safetensors/gemma2" },
  });
  // The validator gives uid 3 most of its weight and uid 2 some: they are the leaders.
  await using client = await connectChain(s.devnet.endpoint);
  const receipt = await setWeights({ uids: [2, 3], weights: [0.3, 0.7] }, {
    client,
    signer: s.devnet.neurons[0]!.hotkey,
    netuid: 37,
    versionKey: 0,
  });
  assert.ok(receipt.success, JSON.stringify(receipt));
  const flags = [...s.flags.slice(0, 6), ...s.flags.slice(10), ...LOCAL]; // chain, hub, caches; no wallet
  const run = await task("eval", [
    ...flags,
    "--model",
    "tests/fixtures/safetensors/mistral",
    "--block-hash",
    HASH,
    "--compare",
    "top:2",
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.competition, 99);
  assert.equal(out.data.block_hash, HASH);
  assert.deepEqual(out.checks.weights, { ok: true, architecture: "MistralForCausalLM", parameters: 98624 });
  assert.equal(out.checks.size.ok, true);
  assert.deepEqual(out.models.map((m: { label: string }) => m.label), [
    "tests/fixtures/safetensors/mistral",
    "uid 3",
    "uid 2",
  ]);
  // Every model scored on the same samples: the data the validator's draw gives for that hash.
  const data = await prepareEvalData(DEMO_SCHEDULE[0]!.competitions[0]!, { blockHash: HASH }, {
    cacheDir: join(s.work, "data"),
    cacheOnly: true,
  });
  for (const m of out.models) assert.equal(m.sample_losses.length, data.sampleTasks.length);
  // The comparison follows the validator's rule.
  const [me, ...leaders] = out.models;
  const expected = compareModels(
    { label: me.label, score: me.score, block: out.comparison.commit_block },
    leaders.map((m: { label: string; score: number; block: number }) => ({
      label: m.label,
      score: m.score,
      block: m.block,
    })),
    DEMO_SCHEDULE[0]!.competitions[0]!.constraints.epsilon,
    out.comparison.current_block,
  );
  assert.equal(out.comparison.win_rate, expected.winRate);
  assert.equal(out.comparison.must_beat, expected.mustBeat);

  // The table form names the score to beat; a Hub repo works as --model, and uids as --compare.
  const table = await task("eval", [...flags, "--model", "miner1/model", "--block-hash", HASH, "--compare", "2"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^Competition 99, block hash 0x2222/);
  assert.match(table.stdout, /miner1\/model@[0-9a-f]{12}/);
  assert.match(table.stdout, /would win [01] of 1 pairs .* must be under \d+\.\d{4}/s);
});

Deno.test("deno task eval: a random seed is printed, and the validator's own failures are error exits", async () => {
  await using s = await localSubnet();
  const flags = [...s.flags.slice(0, 6), ...s.flags.slice(10), ...LOCAL];
  const seeded = await task("eval", [...flags, "--model", "tests/fixtures/models/tiny-llama", "--seed", "0", "--json"]);
  assert.equal(seeded.code, 0, seeded.stderr);
  const seed = /Random seed (\d+): pass --seed \1 to draw the same data again/.exec(seeded.stderr)?.[1];
  assert.ok(seed !== undefined, seeded.stderr);
  assert.equal(JSON.parse(seeded.stdout).data.seed, seed);
  // A device that does not exist: the validator's problem, not the model's.
  const device = await task("eval", [
    ...flags,
    "--model",
    "tests/fixtures/models/tiny-llama",
    "--seed",
    "5",
    "--device",
    "cuda:7",
  ]);
  assert.notEqual(device.code, 0);
  assert.match(device.stderr, /ERROR .*(CUDA|cuda)/);
  assert.doesNotMatch(device.stderr, /scores Infinity/, "never a model's score");
  // No data: an error exit naming it, not a score.
  s.hub.faults.add({ route: ["size", "rows"], type: "status", status: 500 });
  const noData = await task("eval", [...flags, "--model", "tests/fixtures/models/tiny-llama", "--seed", "7"]);
  assert.equal(noData.code, 2, noData.stderr);
  assert.match(noData.stderr, /ERROR .*No dataset of competition 99 loaded: nothing to score/);
});
