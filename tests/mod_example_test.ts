/**
 * The public API: the example in mod.ts's module doc runs as written, as a
 * script importing the package, against the local chain and hub; the curated
 * API stays curated; the sub-paths `./devnet` and `./hubsim` resolve.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { commitModel, connectChain } from "../src/chain/mod.ts";
import { publishModel } from "../src/demo/mod.ts";
import { startDevnet } from "../src/devnet/mod.ts";
import { CompetitionId } from "../src/eval/mod.ts";
import { secureHashOf } from "../src/hub/mod.ts";
import { startHubsim } from "../src/hubsim/mod.ts";
import * as api from "../mod.ts";

const ROOT = resolve(import.meta.dirname!, "..");
const FIXTURES = join(ROOT, "tests", "fixtures");

/** The first ```ts block of mod.ts's module doc, with the leading " * " stripped. */
async function moduleExample(): Promise<string> {
  const text = await Deno.readTextFile(join(ROOT, "mod.ts"));
  const doc = text.slice(0, text.indexOf("*/"));
  const lines = doc.split("\n").map((l) => l.replace(/^ \* ?/, ""));
  const start = lines.findIndex((l) => l.startsWith("```ts"));
  const end = lines.findIndex((l, i) => i > start && l.startsWith("```"));
  assert.ok(start >= 0 && end > start, "mod.ts has a ```ts example");
  return lines.slice(start + 1, end).join("\n");
}

Deno.test("mod.ts exports a curated API: named, about sixty, no tools for tests", () => {
  const names = Object.keys(api);
  assert.ok(names.length >= 40 && names.length <= 80, `${names.length} names`);
  for (const name of ["connectChain", "fetchModel", "scoreModel", "winRates", "setWeights", "runValidator"]) {
    assert.ok(names.includes(name), name);
  }
  for (const name of ["startDevnet", "startHubsim", "runTask", "runDemo", "CHECKS"]) {
    assert.ok(!names.includes(name), `${name} is not public`);
  }
});

Deno.test("the package's ./devnet and ./hubsim sub-paths resolve", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  assert.deepEqual(Object.keys(config.exports), [".", "./devnet", "./hubsim"]);
  for (const path of Object.values(config.exports) as string[]) {
    const module = await import(new URL(path, `file://${ROOT}/`).href);
    assert.ok(Object.keys(module).length > 0, path);
  }
});

Deno.test("the mod.ts example scores the committed models against a local chain and hub", async () => {
  const work = join(ROOT, ".cache", `test-mod-${crypto.randomUUID().slice(0, 8)}`);
  await Deno.mkdir(join(work, "hub"), { recursive: true });
  try {
    await using devnet = await startDevnet({ validators: 1, miners: 2, walletDir: join(work, "wallets") });
    await using hub = await startHubsim({ root: join(work, "hub"), port: 0 });
    await using client = await connectChain(devnet.endpoint, { timeoutMs: 15_000 });
    for (const [i, source] of ["models/tiny-gpt", "models/tiny-llama"].entries()) {
      const neuron = devnet.neurons[i + 1]!;
      const published = await publishModel(join(FIXTURES, source), {
        hubRoot: join(work, "hub"),
        hubUrl: hub.url,
        namespace: `miner${i + 1}`,
        name: "model",
      });
      await commitModel(client, neuron.hotkey, {
        namespace: published.namespace,
        name: published.name,
        commit: published.commit,
        secureHash: secureHashOf(published.modelHash, neuron.hotkey.address),
        competitionId: CompetitionId.DemoTiny,
      }, { netuid: 37 });
    }
    // The example, as written, importing the package through its import map entry point.
    const script = join(work, "example.ts");
    await Deno.writeTextFile(
      script,
      (await moduleExample()).replace('from "./mod.ts"', `from ${JSON.stringify(`file://${join(ROOT, "mod.ts")}`)}`),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", join(ROOT, "deno.json"), script],
      cwd: work,
      env: {
        NO_COLOR: "1",
        SUBVALID_CHAIN: devnet.endpoint,
        SUBVALID_HUB: hub.url,
        SUBVALID_COMPETITION: String(CompetitionId.DemoTiny),
        SUBVALID_MODEL_DIR: join(work, "hf", "hub"),
        SUBVALID_CACHE_DIR: join(work, "hf", "subvalid-score"),
      },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const lines = stdout.trim().split("\n");
    assert.deepEqual(lines.map((l) => l.replace(/[\d.]+$/, "R")), ["uid 1: win rate R", "uid 2: win rate R"]);
    const rates = lines.map((l) => Number(l.split(" ").at(-1)));
    assert.deepEqual(rates.toSorted(), [0, 1], "one model wins the pair");
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
});
