/**
 * subvalid as a library: what a script needs to read the chain, fetch a
 * miner's model, draw a competition's evaluation data, score a model, apply
 * the subnet's mechanism, set weights and run a validator epoch. Named
 * exports per stage; the modules under `src/` hold the rest. The embedded
 * local chain and hub for tests and experiments are the sub-paths
 * `./devnet` and `./hubsim` (`deno.json` "exports").
 *
 * @example Score every model committed to a competition and rank them, as a validator would
 * ```ts ignore
 * import {
 *   builtInSamples,
 *   connectChain,
 *   fetchModel,
 *   getCompetition,
 *   readChainSnapshot,
 *   scoreModel,
 *   winRates,
 * } from "./mod.ts";
 *
 * const endpoint = Deno.env.get("SUBVALID_CHAIN") ?? "ws://127.0.0.1:9944";
 * const hubUrl = Deno.env.get("SUBVALID_HUB") ?? "https://huggingface.co";
 * const netuid = Number(Deno.env.get("SUBVALID_NETUID") ?? 37);
 * const competition = getCompetition(Number(Deno.env.get("SUBVALID_COMPETITION") ?? 4))!;
 * const modelDir = Deno.env.get("SUBVALID_MODEL_DIR") ?? ".cache/huggingface/hub";
 * const cacheDir = Deno.env.get("SUBVALID_CACHE_DIR") ?? ".cache/huggingface/subvalid-score";
 * const samples = builtInSamples("smoke");
 *
 * await using client = await connectChain(endpoint);
 * const snapshot = await readChainSnapshot(client, { netuid });
 * const scored = [];
 * for (const commitment of snapshot.commitments) {
 *   if (!("modelId" in commitment) || commitment.modelId.competitionId !== competition.id) continue;
 *   const model = await fetchModel(commitment.modelId, {
 *     modelDir,
 *     hubUrl,
 *     hotkey: commitment.hotkey,
 *     requireHash: true,
 *     maxBytes: competition.maxBytes,
 *   });
 *   const report = await scoreModel(model.dir, samples, { cacheDir, device: "cpu" });
 *   scored.push({ uid: commitment.uid, loss: report.loss, block: commitment.block });
 * }
 * for (const [uid, rate] of winRates(scored, competition.epsilon, snapshot.block)) {
 *   console.log(`uid ${uid}: win rate ${rate.toFixed(2)}`);
 * }
 * ```
 *
 * @module
 */

// Chain: connect, read at a pinned block, commit a model id.
export {
  type ChainClient,
  ChainConnectionError,
  ChainError,
  type ChainSnapshot,
  ChainTimeoutError,
  commitModel,
  connectChain,
  readBlockHash,
  readChainSnapshot,
} from "./src/chain/mod.ts";

// The subnet's mechanism: the committed model id, win rates, the moving average, u16 weights.
export {
  convertWeightsForEmit,
  epsilon,
  formatModelId,
  type ModelId,
  movingAverage,
  parseModelId,
  stepWeights,
  thresholdWeights,
  type WeightsInput,
  winRates,
} from "./src/mechanism/mod.ts";

// Hub: fetch a model at its exact commit, verify its secure hash, collect garbage, the competition's tokenizer.
export {
  collectGarbage,
  computeModelHash,
  type FetchedModel,
  fetchModel,
  loadCompetitionTokenizer,
  MinerModelError,
  secureHashOf,
} from "./src/hub/mod.ts";

// Evaluation: competitions by block, the evaluation data as the subnet draws it, samples.
export {
  builtInSamples,
  combineScores,
  type Competition,
  competitionAt,
  competitionsAt,
  DEMO_SCHEDULE,
  drawCompetitionData,
  getCompetition,
  nextSyncBlock,
  prepareEvalData,
  PyRandom,
  readSamples,
  type Sample,
  seedFromBlockHash,
  SN37_SCHEDULE,
  syncBlock,
} from "./src/eval/mod.ts";

// Scoring: per-sample losses of a model directory, in this process or an isolated worker.
export { lossesByTask, scoreInSubprocess, scoreModel, type ScoreReport } from "./src/score/mod.ts";

// Weights: plan (dry run) and set them, and the cadence loop.
export { planWeights, setWeights, type WeightsReceipt } from "./src/weights/mod.ts";

// Wallet: the validator's hotkey (never the coldkey).
export { loadHotkey } from "./src/wallet/mod.ts";

// Validator: the step and the loop over their ports, and the live adapters of those ports.
export {
  type ChainReader,
  competitionScore,
  type DataSource,
  formatStepReport,
  type ModelStore,
  realClock,
  runStep,
  runValidator,
  type Scorer,
  startWeightsLoop,
  type StepReport,
  type WeightSetter,
} from "./src/validator/mod.ts";
export {
  liveChainReader,
  liveDataSource,
  liveModelStore,
  liveScorer,
  liveWeightSetter,
} from "./src/validator/live/mod.ts";
export { ValidatorState } from "./src/state/mod.ts";

// Errors and logging.
export { ExitCode, ModelError, SubvalidError } from "./src/errors/mod.ts";
export { setupLogging } from "./src/log/mod.ts";
