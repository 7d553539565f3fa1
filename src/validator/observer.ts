/**
 * What the validator tells an observer while it runs (metrics, the status
 * page, tests): each step's end, each weight-setting outcome, each model
 * fetched and scored, the chain heads and metagraphs it reads, and each
 * consensus check. Observers are optional, synchronous and never stop the
 * validator: a throwing observer is logged and ignored. The ports are
 * observed by wrapping them ({@linkcode observePorts}), so the step and the
 * updater know nothing of it.
 *
 * @module
 */
import type { Log } from "../log/mod.ts";
import type { ConsensusRecord } from "./consensus_monitor.ts";
import type { ChainReader, ChainView, ModelStore, Scorer, WeightsOutcome } from "./ports.ts";
import type { StepReport } from "./step_report.ts";

/** How a step attempt ended, and how long it took. */
export type StepEvent =
  | { readonly outcome: "ran"; readonly seconds: number; readonly report: StepReport; readonly weights: Float32Array }
  | { readonly outcome: "idle"; readonly seconds: number; readonly competitionId: number }
  | {
    readonly outcome: "no-data";
    readonly seconds: number;
    readonly competitionId: number;
    readonly syncBlock: number;
  }
  /** Abandoned for a failure of the validator's own side: nothing recorded. */
  | { readonly outcome: "failed"; readonly seconds: number; readonly error: string };

/** A miner's model fetched (or found cached), or not. */
export interface ModelFetchEvent {
  readonly uid: number;
  /** `namespace/name`. */
  readonly repo: string;
  /** `downloaded` (bytes came over the network), `cached`, or `failed`. */
  readonly outcome: "downloaded" | "cached" | "failed";
  /** Bytes received over the network by this fetch. */
  readonly receivedBytes: number;
  readonly seconds: number;
  /** A failure's stable reason (`repo_not_found`, …); `validator` for the validator's own failures. */
  readonly reason?: string;
}

/** One model scored by the scorer (a model's failure included; the validator's own failures are not). */
export interface ModelScoreEvent {
  readonly uid: number;
  /** The device it ran on (`cpu`, `cuda:0`). */
  readonly device: string;
  readonly tokensPerSecond: number;
  readonly seconds: number;
  /** The model scored infinity. */
  readonly failed: boolean;
}

/** Listens to the validator. Every method is optional. */
export interface ValidatorObserver {
  /** A step attempt ended. */
  onStep?(event: StepEvent): void;
  /** A weight-setting attempt ended. */
  onWeights?(outcome: WeightsOutcome): void;
  /** The validator read the chain's head. */
  onHead?(head: { readonly block: number; readonly hash: string }): void;
  /** The validator read the metagraph and the commitments. */
  onMetagraph?(view: ChainView): void;
  /** A model fetch ended. */
  onModelFetch?(event: ModelFetchEvent): void;
  /** A model was scored. */
  onModelScore?(event: ModelScoreEvent): void;
  /** Our weights were compared with the other validators'. */
  onConsensus?(record: ConsensusRecord): void;
}

type Method = keyof ValidatorObserver;
const METHODS: readonly Method[] = [
  "onStep",
  "onWeights",
  "onHead",
  "onMetagraph",
  "onModelFetch",
  "onModelScore",
  "onConsensus",
];

/**
 * One observer that tells every given one, each call guarded: an observer
 * that throws is logged (once per method) and the validator goes on.
 */
export function combineObservers(observers: readonly (ValidatorObserver | undefined)[], log?: Log): ValidatorObserver {
  const list = observers.filter((o): o is ValidatorObserver => o !== undefined);
  const warned = new Set<string>();
  const out: Record<string, (event: never) => void> = {};
  for (const method of METHODS) {
    out[method] = (event: never) => {
      for (const observer of list) {
        try {
          (observer[method] as ((event: never) => void) | undefined)?.call(observer, event);
        } catch (error) {
          if (warned.has(method)) continue;
          warned.add(method);
          log?.warn(`An observer failed in ${method} (ignored from now on): ${(error as Error)?.message ?? error}`);
        }
      }
    };
  }
  return out as ValidatorObserver;
}

/** The ports an observer watches. */
export interface ObservedPorts {
  readonly chain: ChainReader;
  readonly models: ModelStore;
  readonly scorer: Scorer;
}

/**
 * Wraps the chain reader, the model store and the scorer so that `observer`
 * hears of every head and metagraph read, every fetch and every score. What
 * the ports return and throw is unchanged.
 */
export function observePorts(ports: ObservedPorts, observer: ValidatorObserver): ObservedPorts {
  const { chain, models, scorer } = ports;
  return {
    chain: {
      snapshot: async (signal) => {
        const view = await chain.snapshot(signal);
        observer.onMetagraph?.(view);
        return view;
      },
      head: async (signal) => {
        const head = await chain.head(signal);
        observer.onHead?.(head);
        return head;
      },
      blockHash: (block, signal) => chain.blockHash(block, signal),
      commitment: (uid, hotkey, signal) => chain.commitment(uid, hotkey, signal),
      subnetWeights: (signal) => chain.subnetWeights(signal),
    },
    models: {
      fetch: async (request, options) => {
        const started = performance.now();
        const repo = `${request.modelId.namespace}/${request.modelId.name}`;
        const seconds = () => (performance.now() - started) / 1000;
        try {
          const stored = await models.fetch(request, options);
          const receivedBytes = stored.receivedBytes ?? 0;
          observer.onModelFetch?.({
            uid: request.uid,
            repo,
            outcome: receivedBytes > 0 || stored.cached === false ? "downloaded" : "cached",
            receivedBytes,
            seconds: seconds(),
          });
          return stored;
        } catch (error) {
          if (!options.signal?.aborted) {
            const reason = (error as { reason?: unknown }).reason;
            observer.onModelFetch?.({
              uid: request.uid,
              repo,
              outcome: "failed",
              receivedBytes: 0,
              seconds: seconds(),
              reason: typeof reason === "string" ? reason : "validator",
            });
          }
          throw error;
        }
      },
      locate: (modelId, signal) => models.locate(modelId, signal),
      check: (model, constraints, signal) => models.check(model, constraints, signal),
      hold: (dir) => models.hold(dir),
      collectGarbage: (keep, options) => models.collectGarbage(keep, options),
    },
    scorer: {
      score: async (job, signal) => {
        const score = await scorer.score(job, signal);
        observer.onModelScore?.({
          uid: job.uid,
          device: score.device ?? "unknown",
          tokensPerSecond: score.tokensPerSecond,
          seconds: score.seconds,
          failed: !Number.isFinite(score.loss),
        });
        return score;
      },
    },
  };
}
