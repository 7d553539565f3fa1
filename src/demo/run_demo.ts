/**
 * The main job on the embedded default: start a local chain and a local hub,
 * publish small real models for several miners (good, worse, copied, broken),
 * let the miners commit them on chain, then run one validator epoch end to
 * end: read the chain, fetch and verify every model, score each in its own
 * process, compute weights and set them on chain with the validator's hotkey.
 *
 * @module
 */
import { join } from "node:path";
import { type ChainClient, commitModel, connectChain, submitExtrinsic } from "../chain/mod.ts";
import { formatModelId } from "../mechanism/mod.ts";
import type { WeightsReceipt } from "../weights/mod.ts";
import { startDevnet } from "../devnet/mod.ts";
import { builtInSamples } from "../eval/sample_sets.ts";
import { CompetitionId } from "../eval/competitions.ts";
import { secureHashOf } from "../hub/mod.ts";
import { startHubsim } from "../hubsim/mod.ts";
import { getLog, type Log } from "../log/mod.ts";
import { type EpochResult, runValidatorEpoch } from "../validator/mod.ts";
import { liveChainReader, liveModelStore, liveScorer, liveWeightSetter } from "../validator/live/mod.ts";
import { loadHotkey } from "../wallet/mod.ts";
import { publishModel } from "./publish_model.ts";

const FIXTURES = new URL("../../tests/fixtures/", import.meta.url).pathname;

/** One miner of the demo and what it publishes. */
export interface DemoMiner {
  /** Hugging Face namespace and name. */
  readonly repo: string;
  /** Fixture model directory (under tests/fixtures), or `undefined` to publish nothing. */
  readonly source: string | undefined;
  /** What the scenario shows. */
  readonly story: string;
  /** Commit this string instead of a proper model id. */
  readonly rawCommitment?: string;
  /** Commit a secure hash made for another hotkey. */
  readonly wrongHash?: boolean;
}

/** The demo's miners, in commit order (uids 1, 2, … after the validator's uid 0). */
export const DEMO_MINERS: readonly DemoMiner[] = [
  { repo: "demo-alice/tiny-llama", source: "models/tiny-llama", story: "trained Llama-style ONNX export" },
  { repo: "demo-bob/tiny-gpt", source: "models/tiny-gpt", story: "trained GPT-style ONNX export" },
  { repo: "demo-carol/llama", source: "safetensors/llama", story: "untrained Llama safetensors (graph built in TS)" },
  { repo: "demo-dave/gemma2", source: "safetensors/gemma2", story: "untrained Gemma2 safetensors (graph built in TS)" },
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
  /** Working directory for the hub root, wallets and samples. */
  workDir: string;
  /** Model cache. */
  modelDir: string;
  /** Scoring cache. */
  cacheDir: string;
  /** Subnet uid of the local chain. @default 37 */
  netuid?: number | undefined;
  /** Scoring device. @default "auto" */
  device?: string | undefined;
  /** Deadline of scoring one model. @default 120000 */
  scoreTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** @default getLog("demo") */
  log?: Log | undefined;
}

/** What the demo did. */
export interface DemoResult {
  readonly endpoint: string;
  readonly hubUrl: string;
  readonly epoch: EpochResult;
  readonly receipt: WeightsReceipt;
  /** The weights the chain stored for the validator (uid → u16), read back after setting. */
  readonly stored: ReadonlyMap<number, number>;
}

/** Runs the demo end to end. */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const log = options.log ?? getLog("demo");
  const netuid = options.netuid ?? 37;
  const signal = options.signal;
  await Deno.mkdir(options.workDir, { recursive: true });
  const hubRoot = join(options.workDir, "hub");
  const walletDir = join(options.workDir, "wallets");
  await Deno.remove(hubRoot, { recursive: true }).catch(() => {});
  await Deno.mkdir(hubRoot, { recursive: true });

  await using devnet = await startDevnet({
    netuid,
    validators: 1,
    miners: DEMO_MINERS.length,
    walletDir,
    minAllowedWeights: 1,
    weightsRateLimit: 10,
    ...(signal ? { signal } : {}),
  });
  await using hub = await startHubsim({ root: hubRoot, port: 0 });
  log.info("Local chain and hub are up", { chain: devnet.endpoint, hub: hub.url, wallets: walletDir });

  const samplesFile = join(options.workDir, "samples.jsonl");
  // The fixture models were trained on word reversal: score the demo on that task.
  const samples = builtInSamples("smoke").filter((sample) => sample.task === "reverse");
  await Deno.writeTextFile(samplesFile, samples.map((s) => JSON.stringify(s)).join("\n") + "\n");

  await using miners = await connectChain(devnet.endpoint, { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  for (const [i, miner] of DEMO_MINERS.entries()) {
    signal?.throwIfAborted();
    const neuron = devnet.neurons.find((n) => n.uid === i + 1)!;
    const [namespace, name] = miner.repo.split("/") as [string, string];
    let commitment: string;
    if (miner.rawCommitment !== undefined) {
      commitment = miner.rawCommitment;
      await commitRaw(miners, neuron.hotkey, netuid, commitment);
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
      const modelId = { namespace, name, commit, secureHash, competitionId: CompetitionId.DemoTiny };
      commitment = formatModelId(modelId);
      await commitModel(miners, neuron.hotkey, modelId, { netuid, signal });
    }
    log.info(`uid ${neuron.uid} committed ${miner.repo}: ${miner.story}`, { block: devnet.bestNumber });
  }

  await using reader = await connectChain(devnet.endpoint, { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  const validator = await loadHotkey({ path: walletDir, name: devnet.neurons[0]!.wallet, hotkey: "default" });
  await using writer = await connectChain(devnet.endpoint, { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  const statePath = join(options.workDir, "epoch-state.json");
  await Deno.remove(statePath).catch(() => {});
  const sent: { receipt?: WeightsReceipt } = {};
  const { epoch } = await runValidatorEpoch({
    chain: liveChainReader(reader, netuid),
    models: liveModelStore({ modelDir: options.modelDir, cacheDir: options.cacheDir, hubUrl: hub.url }),
    scorer: liveScorer({
      cacheDir: options.cacheDir,
      device: options.device,
      timeoutMs: options.scoreTimeoutMs ?? 120_000,
    }),
    weights: liveWeightSetter(writer, validator.pair, { netuid, versionKey: 0, onReceipt: (r) => sent.receipt = r }),
  }, {
    netuid,
    competitionId: CompetitionId.DemoTiny,
    samplesFile,
    statePath,
    // The model cache may hold the operator's own models: the demo never collects garbage in it.
    gc: false,
    signal,
    log: getLog("epoch"),
  });
  const receipt = sent.receipt;
  if (receipt === undefined) throw new Error("The demo epoch set no weights: no model earned any");
  const stored = await readStoredWeights(reader, netuid, 0);
  return { endpoint: devnet.endpoint, hubUrl: hub.url, epoch, receipt, stored };
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
