/**
 * One validator epoch, stage by stage, over the ports: read the chain at one
 * block, fetch and verify every eligible miner's model, score each in
 * isolation, and turn the losses into weights (win rates with the epsilon
 * advantage, winner takes the step, moving average, threshold). A problem
 * with one miner is recorded in its row and never stops the epoch; a failure
 * of the validator's own side (scoring unavailable) stops it before anything
 * is recorded.
 *
 * @module
 */
import { constraintsFor } from "../checkpoint/mod.ts";
import { type Competition, getCompetition } from "../eval/competitions.ts";
import { getLog, type Log } from "../log/mod.ts";
import { type ModelId, movingAverage, stepWeights, thresholdWeights, winRates } from "../mechanism/mod.ts";
import { mapPool } from "../util/mod.ts";
import {
  type ChainReader,
  type ChainView,
  type ModelScore,
  type ModelStore,
  ModelUnavailableError,
  type Scorer,
  type StoredModel,
} from "./ports.ts";

/** What happened to one miner this epoch. */
export interface MinerRow {
  readonly uid: number;
  readonly hotkey: string;
  /** `namespace/name`, when the commitment parsed. */
  readonly repo?: string;
  /** The exact commit scored. */
  readonly commit?: string;
  /** Block of the commitment (the model's age). */
  readonly commitBlock?: number;
  /** `scored` (possibly with an infinite loss), or why it was not. */
  readonly status: "scored" | "no-commitment" | "bad-commitment" | "other-competition" | "too-young" | "fetch-failed";
  /** Why the model was not scored, or why its loss is infinite. */
  readonly reason?: string;
  /** Mean loss over the samples (`Infinity` for a model that failed). */
  readonly loss?: number;
  /** Share of pairwise wins against the other scored models. */
  readonly winRate?: number;
  /** The weight this epoch gives the uid. */
  readonly weight: number;
  /** Tokens per second of its scoring run. */
  readonly tokensPerSecond?: number;
}

/** The outcome of {@linkcode runEpoch}. */
export interface EpochResult {
  /** The block the chain was read at. */
  readonly block: number;
  readonly blockHash: string;
  readonly competition: Competition;
  /** One row per neuron, by uid. */
  readonly rows: readonly MinerRow[];
  /** The moving average to keep for the next epoch (uid → weight). */
  readonly average: ReadonlyMap<number, number>;
  /** The weights to set (uid → weight, summing to 1, or all 0). */
  readonly weights: ReadonlyMap<number, number>;
  /** Every model a current commitment names (what garbage collection must keep). */
  readonly references: readonly { readonly hotkey: string; readonly repo: string; readonly commit: string }[];
}

/** The ports an epoch runs over. */
export interface EpochPorts {
  readonly chain: ChainReader;
  readonly models: ModelStore;
  readonly scorer: Scorer;
}

/** Options of {@linkcode runEpoch}. */
export interface RunEpochOptions {
  /** The competition evaluated this epoch. */
  competitionId: number;
  /** The competition's evaluation samples (JSONL, as `deno task score` reads them). */
  samplesFile: string;
  /** A tokenizer directory every model is scored with (a competition's forced tokenizer). @default each model's own */
  tokenizerDir?: string | undefined;
  /** The previous epoch's moving average. @default none (the first epoch) */
  previousAverage?: ReadonlyMap<number, number> | undefined;
  /** Moving-average weight of the past. @default 0.9 */
  alpha?: number | undefined;
  /** Entries below this share of the average get no weight. @default 0.18 */
  threshold?: number | undefined;
  /** Models fetched at once. @default 2 */
  parallelFetches?: number | undefined;
  /** Called with each model's score as it arrives. */
  onScored?: ((uid: number, score: ModelScore) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** @default getLog("epoch") */
  log?: Log | undefined;
}

interface Candidate {
  uid: number;
  hotkey: string;
  block: number;
  repo: string;
  modelId: ModelId;
}

/**
 * Runs one epoch and returns its rows and the weights to set. Setting them is
 * the caller's job (see `runValidatorEpoch`).
 *
 * @throws {RangeError} for an unknown competition
 * @throws the chain reader's errors, the scorer's validator-side errors, and the signal's reason
 */
export async function runEpoch(ports: EpochPorts, options: RunEpochOptions): Promise<EpochResult> {
  const log = options.log ?? getLog("epoch");
  const competition = getCompetition(options.competitionId);
  if (competition === undefined) {
    throw new RangeError(`Cannot run an epoch: unknown competition ${options.competitionId}`);
  }
  const snapshot = await ports.chain.snapshot(options.signal);
  log.info(`Read the subnet at block ${snapshot.block}`, {
    neurons: snapshot.neurons.length,
    commitments: snapshot.commitments.length,
  });

  const rows = new Map<number, MinerRow>();
  const candidates = selectCandidates(snapshot, competition, rows);
  log.info(`${candidates.length} models to evaluate for ${competition.name}`);

  const fetched = await mapPool(candidates, options.parallelFetches ?? 2, async (candidate) => {
    options.signal?.throwIfAborted();
    try {
      return await ports.models.fetch(candidate, { maxBytes: competition.maxBytes, signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (!(error instanceof ModelUnavailableError)) throw error;
      return error;
    }
  });

  const constraints = constraintsFor(competition);
  const scored: { uid: number; loss: number; block: number }[] = [];
  for (const [i, outcome] of fetched.entries()) {
    const candidate = candidates[i]!;
    const base = { uid: candidate.uid, hotkey: candidate.hotkey, repo: candidate.repo, commitBlock: candidate.block };
    if (outcome instanceof ModelUnavailableError) {
      const reason = `${outcome.reason}: ${outcome.message}`;
      log.warn(`uid ${candidate.uid}: model not evaluated`, { repo: candidate.repo, reason });
      rows.set(candidate.uid, { ...base, status: "fetch-failed", reason, weight: 0 });
      continue;
    }
    options.signal?.throwIfAborted();
    const score = await scoreHeld(ports, candidate.uid, outcome, options, constraints);
    options.onScored?.(candidate.uid, score);
    rows.set(candidate.uid, {
      ...base,
      commit: outcome.commit,
      status: "scored",
      loss: score.loss,
      tokensPerSecond: score.tokensPerSecond,
      weight: 0,
      ...(score.error === undefined ? {} : { reason: score.error }),
    });
    scored.push({ uid: candidate.uid, loss: score.loss, block: candidate.block });
    log.info(`uid ${candidate.uid}: loss ${Number.isFinite(score.loss) ? score.loss.toFixed(4) : "inf"}`, {
      repo: candidate.repo,
      seconds: Number(score.seconds.toFixed(2)),
      ...(score.error === undefined ? {} : { error: score.error }),
    });
  }

  const rates = winRates(scored, competition.epsilon, snapshot.block);
  const step = scored.length > 0 ? stepWeights(rates) : new Map<number, number>();
  const average = scored.length > 0
    ? movingAverage(options.previousAverage, step, options.alpha ?? 0.9)
    : new Map(options.previousAverage ?? []);
  const weights = thresholdWeights(average, options.threshold ?? 0.18);
  for (const [uid, row] of rows) {
    rows.set(uid, { ...row, ...(rates.has(uid) ? { winRate: rates.get(uid)! } : {}), weight: weights.get(uid) ?? 0 });
  }
  return {
    block: snapshot.block,
    blockHash: snapshot.blockHash,
    competition,
    rows: [...rows.values()].sort((a, b) => a.uid - b.uid),
    average,
    weights,
    references: snapshot.commitments.flatMap((c) =>
      "modelId" in c && c.modelId.commit !== null
        ? [{ hotkey: c.hotkey, repo: `${c.modelId.namespace}/${c.modelId.name}`, commit: c.modelId.commit }]
        : []
    ),
  };
}

function selectCandidates(snapshot: ChainView, competition: Competition, rows: Map<number, MinerRow>): Candidate[] {
  const commitments = new Map(snapshot.commitments.map((c) => [c.uid, c]));
  const candidates: Candidate[] = [];
  for (const neuron of snapshot.neurons) {
    const row = { uid: neuron.uid, hotkey: neuron.hotkey, weight: 0 };
    const commitment = commitments.get(neuron.uid);
    if (commitment === undefined) {
      rows.set(neuron.uid, { ...row, status: "no-commitment" });
      continue;
    }
    if ("error" in commitment) {
      rows.set(neuron.uid, {
        ...row,
        commitBlock: commitment.block,
        status: "bad-commitment",
        reason: commitment.error,
      });
      continue;
    }
    const id = commitment.modelId;
    const repo = `${id.namespace}/${id.name}`;
    const described = { ...row, repo, commitBlock: commitment.block };
    if (id.competitionId !== competition.id) {
      rows.set(neuron.uid, { ...described, status: "other-competition", reason: `competition ${id.competitionId}` });
      continue;
    }
    const age = snapshot.block - commitment.block;
    if (age < competition.evalBlockDelay) {
      rows.set(neuron.uid, {
        ...described,
        status: "too-young",
        reason: `committed ${age} blocks ago, evaluated after ${competition.evalBlockDelay}`,
      });
      continue;
    }
    rows.set(neuron.uid, { ...described, status: "fetch-failed", reason: "not fetched" });
    candidates.push({ uid: neuron.uid, hotkey: neuron.hotkey, block: commitment.block, repo, modelId: id });
  }
  return candidates;
}

async function scoreHeld(
  ports: EpochPorts,
  uid: number,
  model: StoredModel,
  options: RunEpochOptions,
  constraints: ReturnType<typeof constraintsFor>,
): Promise<ModelScore> {
  await using _hold = await ports.models.hold(model.dir);
  return await ports.scorer.score({
    uid,
    modelDir: model.dir,
    samplesFile: options.samplesFile,
    tokenizerDir: options.tokenizerDir,
    constraints,
  }, options.signal);
}
