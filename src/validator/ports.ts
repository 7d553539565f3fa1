/**
 * The validator's ports: what its logic needs from the outside world, as
 * types it owns. The live adapters (`live/`) implement them with the chain,
 * hub, scoring and weights stages; tests use the in-memory fakes of
 * `_fakes.ts`. The logic imports none of those stages, only these types.
 *
 * @module
 */
import type { ModelConstraints } from "../checkpoint/mod.ts";
import type { ScheduledCompetition } from "../eval/mod.ts";
import type { ModelId, WeightsInput } from "../mechanism/mod.ts";

/** One neuron, as the validator needs it. */
export interface NeuronView {
  readonly uid: number;
  /** SS58 hotkey. */
  readonly hotkey: string;
  /** Stake weight in TAO units. */
  readonly stake: number;
  readonly validatorPermit: boolean;
}

/** A hotkey's commitment: a parsed model id, or why it did not parse. */
export type CommitmentView =
  & {
    readonly uid: number;
    readonly hotkey: string;
    /** The block of the commitment (the model's age for epsilon and the evaluation delay). */
    readonly block: number;
  }
  & ({ readonly modelId: ModelId } | { readonly error: string });

/** The chain at one block. */
export interface ChainView {
  readonly block: number;
  /** `0x…` */
  readonly blockHash: string;
  /** Neurons by uid. */
  readonly neurons: readonly NeuronView[];
  /** Commitments of registered hotkeys. */
  readonly commitments: readonly CommitmentView[];
}

/** Reads the chain. */
export interface ChainReader {
  /** The metagraph and every commitment at one block (the finalized head). */
  snapshot(signal?: AbortSignal): Promise<ChainView>;
  /** The hash of a block. */
  blockHash(block: number, signal?: AbortSignal): Promise<string>;
  /** The best block: the validator's "current block". */
  head(signal?: AbortSignal): Promise<{ readonly block: number; readonly hash: string }>;
  /** One hotkey's commitment now, or `undefined` when it has none. */
  commitment(uid: number, hotkey: string, signal?: AbortSignal): Promise<CommitmentView | undefined>;
  /** Every neuron's weights now: setter uid → `[target uid, u16]` pairs. */
  subnetWeights(signal?: AbortSignal): Promise<ReadonlyMap<number, readonly (readonly [number, number])[]>>;
}

/** A model in the local cache, ready to score. */
export interface StoredModel {
  /** The snapshot directory. */
  readonly dir: string;
  /** The exact commit. */
  readonly commit: string;
  /** Σ size of the model's files. */
  readonly bytes: number;
  /** Bytes this fetch received over the network (0 when it was cached), when the store knows. */
  readonly receivedBytes?: number | undefined;
  /** Whether every file was already cached, when the store knows. */
  readonly cached?: boolean | undefined;
}

/** What a miner's model is fetched by. */
export interface MinerModelRequest {
  readonly uid: number;
  readonly hotkey: string;
  readonly modelId: ModelId;
}

/**
 * A problem with a miner's model found while fetching it (missing repo, too
 * large, hash mismatch, …). Never the validator's own failure.
 */
export class ModelUnavailableError extends Error {
  /** A short stable reason (`repo_not_found`, `too_large`, `hash_mismatch`, …). */
  readonly reason: string;
  /** Whether the model stays ineligible until the miner commits again. */
  readonly permanent: boolean;
  constructor(message: string, reason: string, permanent: boolean, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.permanent = permanent;
  }
  override get name(): string {
    return "ModelUnavailableError";
  }
}

/** A model that does not meet its competition's limits (parameters, architecture, weight norms). */
export const CONSTRAINTS_REASON = "constraints";

/** A model something still needs (garbage collection keeps it). */
export interface ModelKeep {
  readonly hotkey?: string | undefined;
  /** `namespace/name`. */
  readonly repo: string;
  readonly commit: string;
}

/** What garbage collection did. */
export interface GcSummary {
  /** Snapshots deleted. */
  readonly snapshots: number;
  readonly freedBytes: number;
}

/** The local model cache and the hub behind it. */
export interface ModelStore {
  /**
   * Fetches (or finds cached) a miner's model, every cheap check first, the
   * secure hash verified.
   *
   * @throws {ModelUnavailableError} for the model's problems
   */
  fetch(request: MinerModelRequest, options: { maxBytes: number; signal?: AbortSignal | undefined }): Promise<
    StoredModel
  >;
  /** The cached snapshot of a model, without touching the hub; `undefined` when it is not (completely) cached. */
  locate(modelId: ModelId, signal?: AbortSignal): Promise<StoredModel | undefined>;
  /**
   * Checks a fetched model against its competition's limits.
   *
   * @throws {ModelUnavailableError} with reason {@linkcode CONSTRAINTS_REASON} when it fails them
   */
  check(model: StoredModel, constraints: ModelConstraints, signal?: AbortSignal): Promise<void>;
  /** Keeps garbage collection away from a model while it is scored. */
  hold(dir: string): Promise<AsyncDisposable>;
  /** Deletes cached models nothing keeps (after a grace period); `dryRun` only counts them. */
  collectGarbage(
    keep: readonly ModelKeep[],
    options?: { dryRun?: boolean | undefined; signal?: AbortSignal | undefined },
  ): Promise<GcSummary>;
}

/** One model to score. */
export interface ScoreJob {
  readonly uid: number;
  readonly modelDir: string;
  /** The samples (JSON Lines, the scorer's format). */
  readonly samplesFile: string;
  /** A tokenizer every model is scored with (a competition's forced one). */
  readonly tokenizerDir?: string | undefined;
  /** Limits a safetensors checkpoint must meet before it is scored. */
  readonly constraints?: ModelConstraints | undefined;
}

/** One model's scoring result. */
export interface ModelScore {
  /** Mean loss over the samples; `Infinity` when the model failed. */
  readonly loss: number;
  /** Each sample's loss, in the samples' order (empty when the model failed). */
  readonly sampleLosses: readonly number[];
  /** Why the model scores `Infinity`. */
  readonly error?: string | undefined;
  readonly tokensPerSecond: number;
  readonly seconds: number;
  /** The device the model ran on (`cpu`, `cuda:0`), when the scorer says. */
  readonly device?: string | undefined;
}

/** Scores models, each isolated from the validator. */
export interface Scorer {
  /**
   * Scores one model. A failure of the model gives `loss: Infinity`.
   *
   * @throws for a failure of the validator's own side (device, worker, paths): never a miner's score
   */
  score(job: ScoreJob, signal?: AbortSignal): Promise<ModelScore>;
}

/** The outcome of one attempt to set weights. */
export type WeightsOutcome =
  | { readonly success: true; readonly block: number; readonly uids: readonly number[] }
  | { readonly success: false; readonly reason: string; readonly retryable: boolean; readonly hint?: string };

/** Sets weights on the chain with the validator's hotkey. */
export interface WeightSetter {
  /** One attempt. Failures are outcomes, not throws. */
  setWeights(weights: WeightsInput, signal?: AbortSignal): Promise<WeightsOutcome>;
}

/** One evaluation task of a sync block's data. */
export interface EvalDataTask {
  readonly name: string;
  /** The task's weight in the competition. */
  readonly weight: number;
  /** Samples that loaded (0 when the task failed). */
  readonly samples: number;
  /** Why the task has no data. */
  readonly error?: string | undefined;
}

/** A competition's evaluation data for one sync block. */
export interface EvalData {
  readonly competitionId: number;
  readonly syncBlock: number;
  /** The sync block's hash (`0x…`), the seed's source. */
  readonly blockHash: string;
  /** The seed, as a decimal string. */
  readonly seed: string;
  readonly tasks: readonly EvalDataTask[];
  /** The samples of every task that loaded, in order (the scorer's JSON Lines); undefined when none loaded. */
  readonly samplesFile: string | undefined;
  /** The task of each line of `samplesFile`. */
  readonly sampleTasks: readonly string[];
  /** Whether the data came from the cache (drawn before, by this process or another). */
  readonly cached: boolean;
}

/** Draws (or finds cached) a competition's evaluation data. */
export interface DataSource {
  /**
   * The data of a sync block.
   *
   * @throws for the validator's own failures (block hash unreadable, tokenizer unavailable, disk): never a
   *   miner's score. A dataset that fails to load is a task with an `error`, not a throw.
   */
  prepare(competition: ScheduledCompetition, syncBlock: number, signal?: AbortSignal): Promise<EvalData>;
}

/** Time, injectable so that cadences run in milliseconds in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Waits; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
