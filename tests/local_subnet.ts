/**
 * A local subnet for integration tests of `deno task validate`, `data`,
 * `report` and friends: the embedded chain, the embedded hub with the SN37
 * datasets' shapes, and fixture models published and committed by miners.
 */
import { join, resolve } from "node:path";
import { commitModel, connectChain } from "../src/chain/mod.ts";
import { publishModel } from "../src/demo/mod.ts";
import { type Devnet, startDevnet } from "../src/devnet/mod.ts";
import { CompetitionId } from "../src/eval/mod.ts";
import { secureHashOf } from "../src/hub/mod.ts";
import { type Hubsim, startHubsim, writeSn37Datasets } from "../src/hubsim/mod.ts";

export const ROOT = resolve(import.meta.dirname!, "..");
export const FIXTURES = join(ROOT, "tests", "fixtures");

/** A running local subnet and the flags that point a task at it. */
export interface LocalSubnet extends AsyncDisposable {
  readonly devnet: Devnet;
  readonly hub: Hubsim;
  /** The working directory (wallets, hub root, caches, state). */
  readonly work: string;
  /** Common flags: chain, hub, datasets, wallet, caches, CPU, local schedule and cadences. */
  readonly flags: readonly string[];
  /** Publishes and commits a fixture model for miner `uid` (as `miner<uid>/model`). */
  commit(uid: number, source: string): Promise<void>;
}

/** Starts a local subnet with `miners` miners; `models` maps miner uids to fixture models to commit now. */
export async function localSubnet(
  options: { miners?: number; models?: Record<number, string>; workDir?: string } = {},
): Promise<LocalSubnet> {
  // Outside the project on purpose: every task reaches the paths its flags name (the launcher grants them).
  const work = options.workDir ?? await Deno.makeTempDir({ prefix: "subvalid-subnet-" });
  const hubRoot = join(work, "hub");
  await Deno.mkdir(hubRoot, { recursive: true });
  await writeSn37Datasets(hubRoot, { longRows: false, sftRows: 600, codeforcesRows: 300 });
  const devnet = await startDevnet({
    validators: 1,
    miners: options.miners ?? 3,
    walletDir: join(work, "wallets"),
    minAllowedWeights: 1,
    weightsRateLimit: 1,
  });
  const hub = await startHubsim({ root: hubRoot, port: 0 });
  const client = await connectChain(devnet.endpoint, { timeoutMs: 15_000 });
  const commit = async (uid: number, source: string) => {
    const neuron = devnet.neurons[uid]!;
    const published = await publishModel(join(FIXTURES, source), {
      hubRoot,
      hubUrl: hub.url,
      namespace: `miner${uid}`,
      name: "model",
    });
    await commitModel(client, neuron.hotkey, {
      namespace: published.namespace,
      name: published.name,
      commit: published.commit,
      secureHash: secureHashOf(published.modelHash, neuron.hotkey.address),
      competitionId: CompetitionId.DemoTiny,
    }, { netuid: 37 });
  };
  for (const [uid, source] of Object.entries(options.models ?? {})) await commit(Number(uid), source);
  const flags = [
    "--subtensor.chain_endpoint",
    devnet.endpoint,
    "--hub.url",
    hub.url,
    "--hub.datasets_url",
    hub.url,
    "--wallet.path",
    join(work, "wallets"),
    "--wallet.name",
    devnet.neurons[0]!.wallet,
    "--validator.model_dir",
    join(work, "hf", "hub"),
    "--validator.cache_dir",
    join(work, "hf", "subvalid-score"),
    "--validator.state_dir",
    join(work, "state"),
    "--validator.data_dir",
    join(work, "data"),
    "--validator.device",
    "cpu",
    "--validator.version_key",
    "0",
  ];
  return {
    devnet,
    hub,
    work,
    flags,
    commit,
    async [Symbol.asyncDispose]() {
      await client.close();
      await hub[Symbol.asyncDispose]();
      await devnet[Symbol.asyncDispose]();
      if (options.workDir === undefined) await Deno.remove(work, { recursive: true }).catch(() => {});
    },
  };
}

/** The flags of a local validator run: the demo competition, sync blocks every 10 blocks, compressed cadences. */
export const LOCAL_VALIDATOR = [
  "--validator.schedule",
  "local",
  "--validator.sync_genesis",
  "0",
  "--validator.sync_cadence",
  "10",
  "--validator.block_time",
  "50ms",
  "--validator.fast_cadences",
];

/** Runs a `deno task` and returns its exit code, stdout and stderr. */
export async function task(
  name: string,
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "--config", join(ROOT, "deno.json"), name, ...args],
    cwd: options.cwd ?? ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
    signal: AbortSignal.timeout(options.timeoutMs ?? 180_000),
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}
