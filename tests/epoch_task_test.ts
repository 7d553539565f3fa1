/**
 * `deno task epoch` (main.ts) as `deno task` runs it (the launcher, then the
 * epoch set), against a local chain and a local hub, with the wallet, HF_HOME,
 * samples and state in a directory outside the project: one epoch sets the
 * best model's weight on chain and keeps the moving average in its state file
 * (cleaning an interrupted write's temporaries); a second one is refused by
 * the rate limit (exit 6, an ERROR line); a dry run computes without setting.
 * A damaged state file is exit 2, and the same epoch without the launcher's
 * paths is a denial: exit 3 naming the path and the set, no weights set.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { commitModel, connectChain } from "../src/chain/mod.ts";
import { formatModelId } from "../src/mechanism/mod.ts";
import { publishModel } from "../src/demo/mod.ts";
import { startDevnet } from "../src/devnet/mod.ts";
import { builtInSamples, CompetitionId } from "../src/eval/mod.ts";
import { secureHashOf } from "../src/hub/mod.ts";
import { startHubsim } from "../src/hubsim/mod.ts";
import { runCli } from "./task_cli.ts";

const ROOT = resolve(import.meta.dirname!, "..");
const FIXTURES = join(ROOT, "tests", "fixtures");

async function epochTask(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const out = await runCli("epoch", ["--json", ...args], { env });
  const stdout = out.stdout.trim();
  return { code: out.code, json: stdout ? JSON.parse(stdout.split("\n").at(-1)!) : {}, stderr: out.stderr };
}

Deno.test("deno task epoch sets the best model's weight on chain and keeps the moving average", async () => {
  const work = await Deno.makeTempDir({ prefix: "subvalid-epoch-" });
  await Deno.mkdir(join(work, "hub"), { recursive: true });
  try {
    await using devnet = await startDevnet({
      validators: 1,
      miners: 3,
      walletDir: join(work, "wallets"),
      minAllowedWeights: 1,
    });
    await using hub = await startHubsim({ root: join(work, "hub"), port: 0 });
    await using client = await connectChain(devnet.endpoint, { timeoutMs: 15_000 });
    const models = ["models/tiny-llama", "models/tiny-gpt", "safetensors/gemma2"];
    for (const [i, source] of models.entries()) {
      const neuron = devnet.neurons[i + 1]!;
      const published = await publishModel(join(FIXTURES, source), {
        hubRoot: join(work, "hub"),
        hubUrl: hub.url,
        namespace: `miner${i + 1}`,
        name: "model",
      });
      const modelId = {
        namespace: published.namespace,
        name: published.name,
        commit: published.commit,
        secureHash: secureHashOf(published.modelHash, neuron.hotkey.address),
        competitionId: CompetitionId.DemoTiny,
      };
      await commitModel(client, neuron.hotkey, modelId, { netuid: 37 });
      assert.ok(formatModelId(modelId).length <= 128);
    }
    const samples = join(work, "samples.jsonl");
    const reverse = builtInSamples("smoke").filter((s) => s.task === "reverse").slice(0, 6);
    await Deno.writeTextFile(samples, reverse.map((s) => JSON.stringify(s)).join("\n"));
    const state = join(work, "state", "epoch.json");
    const env = { HF_HOME: join(work, "hf") };
    const common = [
      "--samples",
      samples,
      "--competition",
      "99",
      "--subtensor.chain_endpoint",
      devnet.endpoint,
      "--hub.url",
      hub.url,
      "--wallet.path",
      join(work, "wallets"),
      "--wallet.name",
      devnet.neurons[0]!.wallet,
      "--validator.device",
      "cpu",
      "--validator.version_key",
      "0",
      "--state",
      state,
    ];

    // A damaged state file is the operator's to move away: exit 2, naming the file.
    await Deno.mkdir(join(work, "state"));
    await Deno.writeTextFile(state, "");
    const damaged = await epochTask(common, env);
    assert.equal(damaged.code, 2, damaged.stderr);
    assert.match(damaged.stderr, new RegExp(`ERROR +\\| Cannot read epoch state "${state}": the file is empty`));
    assert.match(damaged.stderr, /Hint: Move the file away/);
    await Deno.remove(state);

    // Without the launcher the epoch set does not reach HF_HOME outside the project: a denial (exit 3) that
    // names the path and the set, never a miner's failure, and no weights are set.
    const denied = await new Deno.Command(Deno.execPath(), {
      // The default state file (inside the project) is read; HF_HOME is the only path outside.
      args: ["run", "-q", "-P=epoch", "--no-prompt", "main.ts", ...common.slice(0, -2), "--dry-run", "--no-gc"],
      cwd: ROOT,
      env: { ...env, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const deniedErr = new TextDecoder().decode(denied.stderr);
    assert.equal(denied.code, 3, deniedErr);
    assert.match(
      deniedErr,
      new RegExp(`ERROR +\\| .*access to "${join(work, "hf")}[^"]*" is not granted by the "epoch" permission set`),
    );
    assert.doesNotMatch(deniedErr, /uid \d+: model not evaluated/);

    // An interrupted save left a temporary beside the state: the next epoch that saves removes it.
    const stale = `${state}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(stale, "{");
    const first = await epochTask(common, env);
    assert.equal(first.code, 0, first.stderr);
    await assert.rejects(Deno.stat(stale), Deno.errors.NotFound);
    assert.ok((await Array.fromAsync(Deno.readDir(join(work, "hf", "hub")))).length > 0, "models fetched into HF_HOME");
    const rows = first.json.rows as { uid: number; status: string; loss: number | null }[];
    assert.deepEqual(rows.filter((r) => r.status === "scored").map((r) => r.uid), [1, 2, 3]);
    const best = rows.filter((r) => r.loss !== null).reduce((a, b) => (a.loss! <= b.loss! ? a : b)).uid;
    const weights = first.json.weights as Record<string, number>;
    assert.equal(weights[String(best)], 1, "winner takes the step");
    assert.equal(Object.values(weights).filter((w) => w > 0).length, 1);
    assert.equal((first.json.receipt as { success: boolean }).success, true);
    const stored = await client.call("read weights", (api) =>
      // deno-lint-ignore no-explicit-any
      (api.query as any).subtensorModule.weights(37, 0) as Promise<{ toJSON(): [number, number][] }>);
    assert.deepEqual(stored.toJSON(), [[best, 65535]]);
    const saved = JSON.parse(await Deno.readTextFile(state));
    assert.equal(saved.average[String(best)], 1);

    // Right after, the chain's rate limit refuses the weights: exit 6 (as deno task weights), an ERROR line.
    const again = await epochTask(common, env);
    assert.equal(again.code, 6, again.stderr);
    assert.match(again.stderr, /ERROR +\| Weights not set: Cannot set weights: rate limited until block/);
    assert.match(again.stderr, /INFO +\| Hint: Wait \d+ blocks/);
    assert.doesNotMatch(again.stderr, /loop/);
    const savedAgain = JSON.parse(await Deno.readTextFile(state));

    const dry = await epochTask([...common, "--dry-run"], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.json.receipt, null, "a dry run sets nothing");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(state)), savedAgain, "a dry run keeps the state");
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
});
