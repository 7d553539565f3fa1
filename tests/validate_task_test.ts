/**
 * `deno task validate` (main.ts) under its permission set, against the local
 * chain and hub: steps recorded and weights set; a restart does not evaluate
 * the same sync block twice; a second validator on the same state is
 * refused; validator-side failures (no data, a broken device) never become
 * miners' scores and set no weights; `deno task report` reads the reports.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connectChain, readSubnetWeights } from "../src/chain/mod.ts";
import { ValidatorState } from "../src/state/mod.ts";
import { LOCAL_VALIDATOR, localSubnet, task } from "./local_subnet.ts";

const MODELS = { 1: "models/tiny-llama", 2: "safetensors/llama", 3: "safetensors/gemma2" };

Deno.test("deno task validate records steps, sets weights on chain, and a restart waits for the next sync block", async () => {
  await using s = await localSubnet({ models: MODELS });
  const run = await task("validate", [...s.flags, ...LOCAL_VALIDATOR, "--validator.steps", "1", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
  // The first step evaluates what the updater queued by then (the others come at the next steps).
  assert.ok(report.uids.length > 0 && report.uids.every((u: { uid: number }) => [1, 2, 3].includes(u.uid)));
  assert.ok(report.uids.every((u: { score: number | null }) => u.score !== null));
  assert.deepEqual(report.tasks.map((t: { name: string }) => t.name), ["SYNTHETIC_1_SFT", "CODEFORCES_COTS"]);
  assert.match(run.stderr, /Step 1: competition 99/);
  // The report file, written atomically, equals the database's.
  const file = JSON.parse(await Deno.readTextFile(join(s.work, "state", "reports", "1.json")));
  assert.deepEqual(file, report);
  {
    using state = await ValidatorState.openReadOnly(join(s.work, "state"));
    assert.equal(state.lastRun(99), report.sync_block);
  }

  // A second run at the same sync block waits for the next one instead of evaluating it twice.
  const mining = setInterval(() => s.devnet.mine(1), 100);
  const again = await task("validate", [...s.flags, ...LOCAL_VALIDATOR, "--validator.steps", "1", "--json"]);
  clearInterval(mining);
  assert.equal(again.code, 0, again.stderr);
  const second = JSON.parse(again.stdout.trim().split("\n").at(-1)!);
  assert.equal(second.step, 2);
  assert.ok(second.sync_block > report.sync_block, `${second.sync_block} > ${report.sync_block}`);

  // Weights were set by the validator's hotkey.
  await using client = await connectChain(s.devnet.endpoint);
  const weights = await readSubnetWeights(client, { netuid: 37 });
  assert.ok((weights.get(0) ?? []).length > 0, "uid 0 set weights");

  // deno task report prints the last step, or any one.
  const printed = await task("report", ["--validator.state_dir", join(s.work, "state"), "--json", "--step", "1"]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(JSON.parse(printed.stdout), report);
  const table = await task("report", ["--validator.state_dir", join(s.work, "state")]);
  assert.match(table.stdout, /^Step 2: competition 99/);
});

Deno.test("validator-side failures abandon the step: no data, a broken device, a second validator", async () => {
  await using s = await localSubnet({ models: { 1: "models/tiny-llama", 2: "safetensors/llama" } });
  // The datasets server refuses every page: nothing loads, the step is skipped; a bounded run ends with the
  // hub's exit code and an ERROR naming the cause.
  s.hub.faults.add({ route: ["rows", "size"], type: "status", status: 500 });
  const noData = await task("validate", [...s.flags, ...LOCAL_VALIDATOR, "--validator.steps", "1"]);
  assert.equal(noData.code, 7, noData.stderr);
  assert.match(noData.stderr, /ERROR .*No dataset of competition 99 loaded/);
  s.hub.faults.clear();
  // A device that does not work is the validator's problem: the step ends with an error exit, no scores.
  const device = await task("validate", [
    ...s.flags,
    ...LOCAL_VALIDATOR,
    "--validator.steps",
    "1",
    "--validator.device",
    "cuda",
  ]);
  assert.equal(device.code, 8, device.stderr);
  assert.match(device.stderr, /ERROR .*Cannot score .*CUDA/);
  using state = await ValidatorState.openReadOnly(join(s.work, "state"));
  assert.equal(state.report(), undefined, "nothing recorded");
  assert.deepEqual(state.history(s.devnet.neurons[1]!.hotkey.address, 99), []);
  assert.equal(state.receipts().length, 0, "no weights set");
  await using client = await connectChain(s.devnet.endpoint);
  assert.equal((await readSubnetWeights(client, { netuid: 37 })).get(0), undefined);
});

Deno.test("a second validator on the same state directory is refused, naming the first one's pid", async () => {
  await using s = await localSubnet();
  using _first = await ValidatorState.open(join(s.work, "state"), { netuid: 37 });
  const second = await task("validate", [...s.flags, ...LOCAL_VALIDATOR, "--dry-run", "--validator.steps", "1"]);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`another validator \\(pid ${Deno.pid}\\) is using it`));
});
