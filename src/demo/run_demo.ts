/**
 * The main job on the embedded default: a local chain and a local hub (with
 * the SN37 datasets' shapes), small real models published by several miners
 * (good, worse, copied, broken), committed on chain; then the validator's
 * own loop (`runValidator`, as `deno task validate` runs it) for a few
 * steps, the chain advanced past a sync block between steps, weights set on
 * chain by the weights loop. A miner improves its model after the first
 * step, so the moving average shows at work: its weight rises step by step.
 *
 * @module
 */
import { join } from "node:path";
import { type ChainClient, commitModel, connectChain, submitExtrinsic } from "../chain/mod.ts";
import { CompetitionId, DEMO_SCHEDULE } from "../eval/mod.ts";
import { startDevnet } from "../devnet/mod.ts";
import { secureHashOf } from "../hub/mod.ts";
import { startHubsim, writeSn37Datasets } from "../hubsim/mod.ts";
import { getLog, type Log } from "../log/mod.ts";
import type { ModelId } from "../mechanism/mod.ts";
import { ValidatorState } from "../state/mod.ts";
import {
  checkNextUid,
  MinerIterator,
  realClock,
  runValidator,
  type StepReport,
  type ValidatorObserver,
  type WeightsOutcome,
} from "../validator/mod.ts";
import {
  liveChainReader,
  liveDataSource,
  liveModelStore,
  liveScorer,
  liveWeightSetter,
  recordingChainReader,
} from "../validator/live/mod.ts";
import { loadHotkey } from "../wallet/mod.ts";
import { publishModel } from "./publish_model.ts";

const FIXTURES = new URL("../../tests/fixtures/", import.meta.url).pathname;

/** Blocks between the demo chain's sync blocks. */
export const DEMO_SYNC_CADENCE = 10;

/** One miner of the demo and what it publishes. */
export interface DemoMiner {
  /** Hugging Face namespace and name. */
  readonly repo: string;
  /** The fixture it publishes (under tests/fixtures), or none. */
  readonly source: string | undefined;
  /** What the scenario shows. */
  readonly story: string;
  /** Commit this string instead of a proper model id. */
  readonly rawCommitment?: string;
  /** Commit a secure hash made for another hotkey. */
  readonly wrongHash?: boolean;
  /** Commit after the first step (a new, better model). */
  readonly late?: boolean;
}

/** The demo's miners, in commit order (uids 1, 2, … after the validator's uid 0). */
export const DEMO_MINERS: readonly DemoMiner[] = [
  { repo: "demo-alice/tiny-llama", source: "models/tiny-llama", story: "trained Llama-style ONNX export" },
  {
    repo: "demo-bob/tiny-gpt",
    source: "models/tiny-gpt",
    story: "GPT-style export with 256 positions: too short for the samples, scores infinity",
  },
  {
    repo: "demo-carol/llama",
    source: "safetensors/llama",
    story: "Llama safetensors (graph built in TS): wins the first step",
  },
  {
    repo: "demo-dave/gemma2",
    source: "safetensors/gemma2",
    story: "commits the strongest model (Gemma2 safetensors) after the first step: its weight rises",
    late: true,
  },
  { repo: "demo-eve/tiny-llama", source: "models/tiny-llama", story: "a copy of alice's model, committed later" },
  {
    repo: "demo-frank/mistral",
    source: "safetensors/mistral",
    story: "secure hash made for another hotkey",
    wrongHash: true,
  },
  { repo: "demo-grace/missing", source: undefined, story: "commits a repository that does not exist" },
  { repo: "demo-heidi/none", source: undefined, story: "a malformed commitment", rawCommitment: "not-a-model-id" },
];

/** Options of {@linkcode runDemo}. */
export interface RunDemoOptions {
  /** Working directory for the hub root, wallets, state and data. */
  workDir: string;
  /** Model cache. */
  modelDir: string;
  /** Scoring cache. */
  cacheDir: string;
  /** Validator steps to run. @default 3 */
  steps?: number | undefined;
  /** Subnet uid of the local chain. @default 37 */
  netuid?: number | undefined;
  /** Scoring device. @default "auto" */
  device?: string | undefined;
  /** Deadline of scoring one model. @default 120000 */
  scoreTimeoutMs?: number | undefined;
  /** Called after each recorded step with its report and the weights the chain stores for the validator then. */
  onStep?: ((report: StepReport, stored: ReadonlyMap<number, number>) => void) | undefined;
  /** Hears of the validator's steps, fetches, scores, weights and consensus checks (metrics, tests). */
  observer?: ValidatorObserver | undefined;
  signal?: AbortSignal | undefined;
  /** @default getLog("demo") */
  log?: Log | undefined;
  /**
   * After the steps, keep the chain and the hub up on these ports (0: any free one) until `signal`
   * aborts, for experiments against them (`deno task eval --compare top:3`); `onServe` says where.
   */
  serve?: {
    chainPort: number;
    hubPort: number;
    onServe?: ((where: { endpoint: string; hubUrl: string; walletDir: string }) => void) | undefined;
  } | undefined;
}

/** What the demo did. */
export interface DemoResult {
  readonly endpoint: string;
  readonly hubUrl: string;
  /** Every recorded step's report. */
  readonly reports: readonly StepReport[];
  /** Every weight-setting outcome of the weights loop. */
  readonly weights: readonly WeightsOutcome[];
  /** The weights the chain stored for the validator (uid → u16) at the end. */
  readonly stored: ReadonlyMap<number, number>;
}

/** Runs the demo end to end. */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const log = options.log ?? getLog("demo");
  const netuid = options.netuid ?? 37;
  const signal = options.signal ?? new AbortController().signal;
  await Deno.mkdir(options.workDir, { recursive: true });
  const hubRoot = join(options.workDir, "hub");
  const walletDir = join(options.workDir, "wallets");
  const stateDir = join(options.workDir, "state");
  for (const dir of [hubRoot, stateDir, join(options.workDir, "data")]) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  await Deno.mkdir(hubRoot, { recursive: true });
  // The SN37 datasets' shapes, without the ~65k-code-point rows tiny models cannot take.
  await writeSn37Datasets(hubRoot, { longRows: false });

  await using devnet = await startDevnet({
    netuid,
    validators: 1,
    miners: DEMO_MINERS.length,
    walletDir,
    minAllowedWeights: 1,
    weightsRateLimit: 1,
    port: options.serve?.chainPort ?? 0,
    signal,
  });
  await using hub = await startHubsim({ root: hubRoot, port: options.serve?.hubPort ?? 0 });
  log.info("Local chain and hub are up", { chain: devnet.endpoint, hub: hub.url, wallets: walletDir });

  await using miners = await connectChain(devnet.endpoint, { timeoutMs: 15_000, signal });
  const commit = async (index: number) => {
    const miner = DEMO_MINERS[index]!;
    const neuron = devnet.neurons.find((n) => n.uid === index + 1)!;
    const [namespace, name] = miner.repo.split("/") as [string, string];
    if (miner.rawCommitment !== undefined) {
      await commitRaw(miners, neuron.hotkey, netuid, miner.rawCommitment);
    } else {
      let commit = "0".repeat(40);
      let secureHash = "";
      if (miner.source !== undefined) {
        const published = await publishModel(join(FIXTURES, miner.source), {
          hubRoot,
          hubUrl: hub.url,
          namespace,
          name,
          signal,
        });
        commit = published.commit;
        const hashedFor = miner.wrongHash ? devnet.neurons[0]!.hotkey.address : neuron.hotkey.address;
        secureHash = secureHashOf(published.modelHash, hashedFor);
      }
      const modelId: ModelId = { namespace, name, commit, secureHash, competitionId: CompetitionId.DemoTiny };
      await commitModel(miners, neuron.hotkey, modelId, { netuid, signal });
    }
    log.info(`uid ${neuron.uid} committed ${miner.repo}: ${miner.story}`, { block: devnet.bestNumber });
  };
  for (const [i, miner] of DEMO_MINERS.entries()) if (!miner.late) await commit(i);

  await using reader = await connectChain(devnet.endpoint, { timeoutMs: 15_000, signal });
  await using writer = await connectChain(devnet.endpoint, { timeoutMs: 15_000, signal });
  const validator = await loadHotkey({ path: walletDir, name: devnet.neurons[0]!.wallet, hotkey: "default" });
  using state = await ValidatorState.open(stateDir, { netuid, genesisHash: reader.api.genesisHash.toHex() });
  // The chain as the validator saw it is kept in its state (the status page shows the head and the neurons).
  const chain = recordingChainReader(liveChainReader(reader, netuid), state);
  const reports: StepReport[] = [];
  const outcomes: WeightsOutcome[] = [];
  const steps = options.steps ?? 3;
  const since = (count: number) => outcomes.slice(count).some((o) => o.success);
  const models = liveModelStore({ modelDir: options.modelDir, cacheDir: options.cacheDir, hubUrl: hub.url });
  // The reference's updater starts a minute after the validator and the first steps find nothing queued;
  // the demo lets it walk every uid once before the first step instead.
  const view = await chain.snapshot(signal);
  const metagraph = {
    hotkeys: view.neurons.map((n) => n.hotkey),
    stakes: view.neurons.map((n) => n.stake),
    validatorPermits: view.neurons.map((n) => n.validatorPermit),
  };
  const walk = (uids: number[]) =>
    checkNextUid(
      {
        chain,
        models,
        clock: realClock,
        state,
        schedule: DEMO_SCHEDULE,
        metagraph: () => metagraph,
        iterator: new MinerIterator(uids, () => 0),
      },
      new Map(),
      signal,
    );
  for (const uid of metagraph.hotkeys.keys()) await walk([uid]);
  await runValidator({
    chain,
    data: liveDataSource({
      chain,
      cacheDir: join(options.workDir, "data"),
      modelDir: options.modelDir,
      datasetsUrl: hub.url,
      hubUrl: hub.url,
    }),
    scorer: liveScorer({
      cacheDir: options.cacheDir,
      device: options.device,
      timeoutMs: options.scoreTimeoutMs ?? 120_000,
    }),
    models,
    weights: liveWeightSetter(writer, validator.pair, { netuid, versionKey: 0 }),
    clock: realClock,
    state,
    schedule: DEMO_SCHEDULE,
    sync: { genesis: 0, cadence: DEMO_SYNC_CADENCE },
    blockTimeMs: 50,
    // The reference's cadences in hours and minutes, compressed to fractions of a second.
    cadences: { idleMs: 200, failedStepMs: 500, weightsIntervalMs: 1_000, weightsRetryMs: 200, weightsPollMs: 100 },
    updaterLimits: { startDelayMs: 0, recheckMs: 60_000, slotWaitMs: 200, topScanMs: 60_000 },
    // The model cache may hold the operator's own models: the demo never collects garbage in it.
    gc: false,
    random: () => 0,
    observer: options.observer,
    hotkey: validator.address,
  }, {
    steps,
    signal,
    // Between steps: the weights of the step land on chain, the late miner commits after the first step (and is
    // queued), and the chain moves to the next sync block.
    onStep: async (outcome) => {
      if (outcome.kind !== "ran") return;
      reports.push(outcome.report);
      const seen = outcomes.length;
      await waitUntil(() => since(seen), "the step's weights to be set", signal);
      const stored = await readStoredWeights(reader, netuid, 0);
      if (reports.length === 1) {
        for (const [i, miner] of DEMO_MINERS.entries()) {
          if (!miner.late) continue;
          await commit(i);
          await walk([i + 1]); // the updater would see it at its next pass; the demo does not wait for that
          await waitUntil(
            () => state.queues().pending.get(CompetitionId.DemoTiny)?.has(i + 1) ?? false,
            `uid ${i + 1} to be queued`,
            signal,
          );
        }
      }
      devnet.mine(DEMO_SYNC_CADENCE - (devnet.bestNumber % DEMO_SYNC_CADENCE));
      options.onStep?.(outcome.report, stored);
    },
    onWeights: (outcome) => outcomes.push(outcome),
  });
  const stored = await readStoredWeights(reader, netuid, 0);
  if (options.serve !== undefined && !signal.aborted) {
    options.serve.onServe?.({ endpoint: devnet.endpoint, hubUrl: hub.url, walletDir });
    await new Promise<void>((done) => signal.addEventListener("abort", () => done(), { once: true }));
  }
  return { endpoint: devnet.endpoint, hubUrl: hub.url, reports, weights: outcomes, stored };
}

/** Polls `ready` every 50 ms for up to 60 s. */
async function waitUntil(ready: () => boolean, what: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`The demo gave up waiting for ${what}`);
    await realClock.sleep(50, signal);
  }
}

async function commitRaw(
  client: ChainClient,
  hotkey: Parameters<typeof commitModel>[1],
  netuid: number,
  text: string,
): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  const hex = `0x${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  const tx = client.api.tx.commitments!.setCommitment!(netuid, { fields: [{ [`Raw${bytes.length}`]: hex }] });
  await submitExtrinsic(client, tx, hotkey, { what: "commit a malformed model id" });
}

async function readStoredWeights(
  client: ChainClient,
  netuid: number,
  uid: number,
): Promise<Map<number, number>> {
  const value = await client.call(
    `read the weights of uid ${uid}`,
    // deno-lint-ignore no-explicit-any
    (api) => (api.query as any).subtensorModule.weights(netuid, uid) as Promise<{ toJSON(): [number, number][] }>,
  );
  return new Map(value.toJSON());
}
