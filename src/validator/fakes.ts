/**
 * In-memory fakes of the validator's ports, for tests that run in
 * milliseconds (not part of the public API): a chain whose head and commitments a test moves, a model
 * store over a table of models, a scorer over a table of losses, a weight
 * setter that records, and a clock that only moves when told.
 *
 * @module
 */
import type { ScheduledCompetition } from "../eval/mod.ts";
import type { ModelId, WeightsInput } from "../mechanism/mod.ts";
import {
  type ChainReader,
  type ChainView,
  type Clock,
  type CommitmentView,
  CONSTRAINTS_REASON,
  type DataSource,
  type EvalData,
  type GcSummary,
  type ModelKeep,
  type ModelScore,
  type ModelStore,
  ModelUnavailableError,
  type NeuronView,
  type ScoreJob,
  type Scorer,
  type StoredModel,
  type WeightSetter,
  type WeightsOutcome,
} from "./ports.ts";

/** A chain held in memory. */
export class FakeChain implements ChainReader {
  block = 1000;
  neurons: NeuronView[] = [];
  commitments: CommitmentView[] = [];
  /** Snapshots served. */
  reads = 0;
  /** Makes the next reads fail with this error. */
  failWith: Error | undefined;

  /** Registers `count` neurons (uid i, hotkey `hk<i>`); uid 0 is a validator with stake. */
  static withNeurons(count: number): FakeChain {
    const chain = new FakeChain();
    chain.neurons = Array.from({ length: count }, (_, uid) => ({
      uid,
      hotkey: `hk${uid}`,
      stake: uid === 0 ? 1_000_000 : 0,
      validatorPermit: uid === 0,
    }));
    return chain;
  }

  /** Commits a model for `uid` at `block` (default: the current block). */
  commit(uid: number, modelId: Partial<ModelId> & Pick<ModelId, "competitionId">, block = this.block): void {
    this.commitments = this.commitments.filter((c) => c.uid !== uid);
    this.commitments.push({
      uid,
      hotkey: this.neurons[uid]?.hotkey ?? `hk${uid}`,
      block,
      modelId: {
        namespace: `miner${uid}`,
        name: "model",
        commit: `${uid}`.padStart(40, "0"),
        secureHash: "hash",
        ...modelId,
      },
    });
  }

  /** Stores a commitment that did not parse. */
  commitGarbage(uid: number, error = "the model id has 1 field", block = this.block): void {
    this.commitments = this.commitments.filter((c) => c.uid !== uid);
    this.commitments.push({ uid, hotkey: this.neurons[uid]?.hotkey ?? `hk${uid}`, block, error });
  }

  snapshot(): Promise<ChainView> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.reads++;
    return Promise.resolve({
      block: this.block,
      blockHash: this.hashOf(this.block),
      neurons: structuredClone(this.neurons),
      commitments: structuredClone(this.commitments),
    });
  }

  blockHash(block: number): Promise<string> {
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(this.hashOf(block));
  }

  head(): Promise<{ block: number; hash: string }> {
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve({ block: this.block, hash: this.hashOf(this.block) });
  }

  /** Commitment reads served. */
  commitmentReads = 0;

  commitment(uid: number, hotkey: string): Promise<CommitmentView | undefined> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.commitmentReads++;
    const found = this.commitments.find((c) => c.uid === uid && c.hotkey === hotkey);
    return Promise.resolve(found === undefined ? undefined : structuredClone(found));
  }

  /** Setter uid → its `[target, u16]` pairs. */
  weights = new Map<number, [number, number][]>();

  subnetWeights(): Promise<ReadonlyMap<number, readonly (readonly [number, number])[]>> {
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(structuredClone(this.weights));
  }

  /** The fake's block hash: the block number, hex, padded. */
  hashOf(block: number): string {
    return `0x${block.toString(16).padStart(64, "0")}`;
  }
}

/** A model store over a table: repo → a problem, or nothing (the model is fine). */
export class FakeModelStore implements ModelStore {
  /** `namespace/name` → why fetching fails (`reason`, and whether permanent). */
  problems = new Map<string, { reason: string; permanent: boolean }>();
  /** Repos fetched, in order. */
  fetched: string[] = [];
  /** Directories held now. */
  held = new Set<string>();
  /** What the last garbage collection was told to keep. */
  kept: readonly ModelKeep[] | undefined;
  /** A validator-side failure every fetch throws (a full disk, say). */
  failWith: Error | undefined;

  /** Directories fetched so far (what `locate` finds). */
  cached = new Set<string>();
  /** `namespace/name` → why the model fails its competition's limits. */
  failsChecks = new Map<string, string>();

  fetch(request: { modelId: ModelId }, _options: { maxBytes: number }): Promise<StoredModel> {
    const repo = `${request.modelId.namespace}/${request.modelId.name}`;
    this.fetched.push(repo);
    if (this.failWith) return Promise.reject(this.failWith);
    const problem = this.problems.get(repo);
    if (problem) {
      return Promise.reject(
        new ModelUnavailableError(`Cannot fetch "${repo}": ${problem.reason}`, problem.reason, problem.permanent),
      );
    }
    const dir = `/models/${repo}/${request.modelId.commit}`;
    this.cached.add(dir);
    return Promise.resolve({ dir, commit: request.modelId.commit!, bytes: 1 });
  }

  locate(modelId: ModelId): Promise<StoredModel | undefined> {
    const dir = `/models/${modelId.namespace}/${modelId.name}/${modelId.commit}`;
    return Promise.resolve(this.cached.has(dir) ? { dir, commit: modelId.commit!, bytes: 1 } : undefined);
  }

  check(model: StoredModel): Promise<void> {
    const repo = model.dir.split("/").slice(2, 4).join("/");
    const why = this.failsChecks.get(repo);
    return why === undefined
      ? Promise.resolve()
      : Promise.reject(new ModelUnavailableError(`Model "${repo}" fails its limits: ${why}`, CONSTRAINTS_REASON, true));
  }

  hold(dir: string): Promise<AsyncDisposable> {
    this.held.add(dir);
    return Promise.resolve({
      [Symbol.asyncDispose]: () => {
        this.held.delete(dir);
        return Promise.resolve();
      },
    });
  }

  collectGarbage(keep: readonly ModelKeep[]): Promise<GcSummary> {
    this.kept = keep;
    return Promise.resolve({ snapshots: 0, freedBytes: 0 });
  }
}

/** A scorer over a table: model directory prefix `/models/<ns>/<name>` → loss per sample. */
export class FakeScorer implements Scorer {
  /** `namespace/name` → per-sample losses (`Infinity` entries make the model fail). */
  losses = new Map<string, number[]>();
  /** Jobs scored, in order. */
  jobs: ScoreJob[] = [];
  /** A validator-side failure every call throws (a broken device, say). */
  failWith: Error | undefined;

  score(job: ScoreJob): Promise<ModelScore> {
    this.jobs.push(job);
    if (this.failWith) return Promise.reject(this.failWith);
    const repo = job.modelDir.split("/").slice(2, 4).join("/");
    const losses = this.losses.get(repo) ?? [Infinity];
    if (losses.some((x) => !Number.isFinite(x))) {
      return Promise.resolve({
        loss: Infinity,
        sampleLosses: [],
        error: `The model "${repo}" failed`,
        tokensPerSecond: 0,
        seconds: 0,
      });
    }
    return Promise.resolve({
      loss: losses.reduce((a, b) => a + b, 0) / losses.length,
      sampleLosses: losses,
      tokensPerSecond: 1000,
      seconds: 0.001,
    });
  }
}

/** A weight setter that records every attempt; `fail` makes attempts fail. */
export class FakeWeightSetter implements WeightSetter {
  attempts: WeightsInput[] = [];
  /** The outcome of the next attempts, when they should fail. */
  fail: { reason: string; retryable: boolean } | undefined;
  block = 1;

  setWeights(weights: WeightsInput): Promise<WeightsOutcome> {
    this.attempts.push(weights);
    if (this.fail) return Promise.resolve({ success: false, ...this.fail });
    return Promise.resolve({ success: true, block: this.block, uids: [...weights.uids] });
  }
}

/** A clock that moves only when a test advances it; sleepers wake in time order. */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: { until: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper = { until: this.#now + Math.max(0, ms), resolve, reject };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Moves time forward, waking every sleeper due, in order, letting each one's continuation run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      this.#sleepers.sort((a, b) => a.until - b.until);
      const next = this.#sleepers[0];
      if (next === undefined || next.until > target) break;
      this.#sleepers.shift();
      this.#now = next.until;
      next.resolve();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.#now = target;
  }

  /** Number of pending sleepers. */
  get sleeping(): number {
    return this.#sleepers.length;
  }
}

/** A data source over a fixed table of tasks: each loaded task gives `samplesPerTask` samples. */
export class FakeDataSource implements DataSource {
  /** Task name → why it fails to load (it then has no samples). */
  failing = new Map<string, string>();
  /** A validator-side failure every draw throws (block hash unreadable, tokenizer missing). */
  failWith: Error | undefined;
  samplesPerTask = 2;
  /** Draws served, by `<competition>@<sync block>`. */
  draws: string[] = [];

  prepare(competition: ScheduledCompetition, syncBlock: number): Promise<EvalData> {
    if (this.failWith) return Promise.reject(this.failWith);
    const cached = this.draws.includes(`${competition.id}@${syncBlock}`);
    this.draws.push(`${competition.id}@${syncBlock}`);
    const tasks = competition.evalTasks.map((task) => {
      const error = this.failing.get(task.name);
      return { name: task.name, weight: task.weight, samples: error === undefined ? this.samplesPerTask : 0, error };
    });
    const sampleTasks = tasks.flatMap((t) => Array.from({ length: t.samples }, () => t.name));
    return Promise.resolve({
      competitionId: competition.id,
      syncBlock,
      blockHash: `0x${syncBlock.toString(16).padStart(64, "0")}`,
      seed: String(syncBlock),
      tasks,
      samplesFile: sampleTasks.length > 0 ? `/data/${competition.id}-${syncBlock}.jsonl` : undefined,
      sampleTasks,
      cached,
    });
  }
}
