/**
 * `deno task epoch` (main.ts) under its permission set, against a local chain
 * and a local hub: one epoch sets the best model's weight on chain and keeps
 * the moving average in its state file; a dry run computes without setting.
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

const ROOT = resolve(import.meta.dirname!, "..");
const FIXTURES = join(ROOT, "tests", "fixtures");

async function epochTask(args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "epoch", "--json", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr);
  return { code: out.code, json: stdout ? JSON.parse(stdout.split("\n").at(-1)!) : {}, stderr };
}

Deno.test("deno task epoch sets the best model's weight on chain and keeps the moving average", async () => {
  const work = join(ROOT, ".cache", `test-epoch-${crypto.randomUUID().slice(0, 8)}`);
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
    const state = join(work, "state.json");
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
      "--validator.model_dir",
      join(work, "hf", "hub"),
      "--validator.cache_dir",
      join(work, "hf", "subvalid-score"),
      "--validator.device",
      "cpu",
      "--validator.version_key",
      "0",
      "--state",
      state,
    ];

    const first = await epochTask(common);
    assert.equal(first.code, 0, first.stderr);
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

    const dry = await epochTask([...common, "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.json.receipt, null, "a dry run sets nothing");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(state)), saved, "a dry run keeps the state");
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
});
