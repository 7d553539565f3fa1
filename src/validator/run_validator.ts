/**
 * The validator as it runs for weeks (the reference's `Validator.run` and its
 * threads, research/sn37_mechanism.md §4–§5): the metagraph resynced every
 * 20 minutes (hotkeys that left are forgotten), the model updater, the
 * weights loop (hourly, two minutes after a failure, starting from the
 * stored averages without the threshold), garbage collection every 5
 * minutes after an hour, and the steps, one after another, each under a
 * 75-minute deadline. The loops run side by side: a step never waits for
 * weight setting and weight setting never waits for a step. A failure of
 * the validator's own side abandons the step (nothing recorded), is logged
 * as an ERROR and kept in the state's recent errors, and the next step
 * comes after a pause.
 *
 * @module
 */
import { ExitCode, SubvalidError } from "../errors/mod.ts";
import { competitionsAt, type CompetitionSchedule, type SyncBlockOptions } from "../eval/mod.ts";
import { getLog, type Log } from "../log/mod.ts";
import type { WeightsInput } from "../mechanism/mod.ts";
import type { ValidatorState } from "../state/mod.ts";
import { ConsensusMonitor } from "./consensus_monitor.ts";
import { MinerIterator } from "./miner_iterator.ts";
import { runModelUpdater, type UpdaterLimits, type UpdaterMetagraph } from "./model_updater.ts";
import { combineObservers, observePorts, type ValidatorObserver } from "./observer.ts";
import type {
  ChainReader,
  ChainView,
  Clock,
  DataSource,
  ModelKeep,
  ModelStore,
  Scorer,
  WeightSetter,
  WeightsOutcome,
} from "./ports.ts";
import { NothingToEvaluateError, runStep, startupWeights, type StepOutcome } from "./run_step.ts";
import { formatStepReport, writeReportFile } from "./step_report.ts";
import { startWeightsLoop } from "./weights_loop.ts";

/** No dataset of a competition loaded: a bounded run ends with this. */
export class DataUnavailableError extends SubvalidError {
  override readonly exitCode = ExitCode.Hub;
}

/** The validator's cadences (the reference's values by default). */
export interface ValidatorCadences {
  /** Deadline of one step. @default 4_500_000 (75 min) */
  readonly stepDeadlineMs: number;
  /** Pause when nothing is queued for any competition. @default 300_000 */
  readonly idleMs: number;
  /** Pause after a step abandoned for a validator-side failure, or without data. @default 60_000 */
  readonly failedStepMs: number;
  /** Metagraph resync. @default 1_200_000 (20 min) */
  readonly resyncMs: number;
  /** Garbage collection: first run after, then every. @default 3_600_000 and 300_000 */
  readonly gcDelayMs: number;
  readonly gcEveryMs: number;
  /** Weights: after a success, after a failure, polling for non-zero weights. @default 1 h, 120 s, 60 s */
  readonly weightsIntervalMs: number;
  readonly weightsRetryMs: number;
  readonly weightsPollMs: number;
}

/** The reference's cadences. */
export const VALIDATOR_CADENCES: ValidatorCadences = Object.freeze({
  stepDeadlineMs: 75 * 60_000,
  idleMs: 300_000,
  failedStepMs: 60_000,
  resyncMs: 20 * 60_000,
  gcDelayMs: 3_600_000,
  gcEveryMs: 300_000,
  weightsIntervalMs: 3_600_000,
  weightsRetryMs: 120_000,
  weightsPollMs: 60_000,
});

/** What the validator runs with. */
export interface ValidatorContext {
  readonly chain: ChainReader;
  readonly data: DataSource;
  readonly scorer: Scorer;
  readonly models: ModelStore;
  /** Sets weights; undefined in a dry run (nothing is ever set). */
  readonly weights?: WeightSetter | undefined;
  readonly clock: Clock;
  readonly state: ValidatorState;
  readonly schedule: CompetitionSchedule;
  readonly sync?: SyncBlockOptions | undefined;
  /** @default 12000 */
  readonly blockTimeMs?: number | undefined;
  readonly cadences?: Partial<ValidatorCadences> | undefined;
  readonly updaterLimits?: Partial<UpdaterLimits> | undefined;
  /** Run the model updater (off: only models already queued are evaluated). @default true */
  readonly updater?: boolean | undefined;
  /** Collect garbage (off offline, or when the cache is shared). @default true */
  readonly gc?: boolean | undefined;
  /** Models garbage collection keeps besides the queued ones (e.g. the competition tokenizer). */
  readonly alwaysKeep?: (() => readonly ModelKeep[]) | undefined;
  /** Offline: the chain does not move (a step that would wait for the next sync block fails instead). */
  readonly offline?: boolean | undefined;
  /** @default getLog("validator") */
  readonly log?: Log | undefined;
  /** Random source of the miner iterator's start. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Hears of steps, weights, fetches, scores, heads and consensus checks (metrics, the status page). */
  readonly observer?: ValidatorObserver | undefined;
  /** Our hotkey (SS58), when known: the consensus check compares our row on chain. */
  readonly hotkey?: string | undefined;
  /**
   * Compare our weights with the other validators' after every recorded step (`false`: never); warn after
   * `warnAfter` disagreements of our top uid with the stake-weighted majority in a row. @default { warnAfter: 3 }
   */
  readonly consensus?: false | { readonly warnAfter?: number | undefined } | undefined;
}

/** Options of {@linkcode runValidator}. */
export interface RunValidatorOptions {
  /** Stop after this many recorded steps. @default never (until `signal`) */
  steps?: number | undefined;
  /**
   * End the run (rejecting with the error) at the first step abandoned for a failure of the validator's own
   * side, instead of logging it and trying again after a pause: for bounded runs (cron, tests), where an
   * operator wants the exit code. @default false
   */
  stopOnFailure?: boolean | undefined;
  /** Stops everything: the model being scored is abandoned (its worker killed). */
  signal: AbortSignal;
  /** Called after every step attempt; the next step waits for a returned promise (the demo's hook between steps). */
  onStep?: ((outcome: StepOutcome) => void | Promise<void>) | undefined;
  /** Called with every weight-setting outcome. */
  onWeights?: ((outcome: WeightsOutcome) => void) | undefined;
}

/** What a run did. */
export interface ValidatorRun {
  /** Steps recorded. */
  readonly steps: number;
  /** Step attempts (idle, without data and abandoned ones included). */
  readonly attempts: number;
}

function metagraphOf(view: ChainView): UpdaterMetagraph {
  const size = view.neurons.reduce((n, neuron) => Math.max(n, neuron.uid + 1), 0);
  const hotkeys = new Array<string>(size).fill("");
  const stakes = new Array<number>(size).fill(0);
  const permits = new Array<boolean>(size).fill(false);
  for (const neuron of view.neurons) {
    hotkeys[neuron.uid] = neuron.hotkey;
    stakes[neuron.uid] = neuron.stake;
    permits[neuron.uid] = neuron.validatorPermit;
  }
  return { hotkeys, stakes, validatorPermits: permits };
}

/**
 * Runs the validator until `options.steps` steps are recorded or
 * `options.signal` aborts. Rejects only for failures at startup (the chain
 * cannot be read); once running, failures are logged and waited out.
 */
export async function runValidator(ctx: ValidatorContext, options: RunValidatorOptions): Promise<ValidatorRun> {
  const log = ctx.log ?? getLog("validator");
  const cadences = { ...VALIDATOR_CADENCES, ...ctx.cadences };
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const observer = combineObservers([ctx.observer], log);
  // The ports, observed: the step and the updater never know.
  const { chain, models, scorer } = ctx.observer === undefined ? ctx : observePorts(ctx, observer);
  const consensus = ctx.consensus === false ? undefined : new ConsensusMonitor({
    chain,
    state: ctx.state,
    hotkey: ctx.hotkey,
    warnAfter: ctx.consensus?.warnAfter,
    now: () => ctx.clock.now(),
  });

  let view = await chain.snapshot(signal);
  let metagraph = metagraphOf(view);
  ctx.state.pruneHotkeys(new Set(metagraph.hotkeys));
  const iterator = new MinerIterator(metagraph.hotkeys.map((_, uid) => uid), ctx.random);
  const head = await chain.head(signal);
  let current: Float32Array = startupWeights(ctx.state, ctx.schedule, head.block, metagraph.hotkeys.length);
  const weightsNow = (): WeightsInput | undefined => {
    const n = Math.min(current.length, metagraph.hotkeys.length);
    if (n === 0) return undefined;
    return { uids: Array.from({ length: n }, (_, uid) => uid), weights: Array.from(current.subarray(0, n)) };
  };
  log.info(`Validator started at block ${head.block}`, {
    neurons: metagraph.hotkeys.length,
    competitions: competitionsAt(head.block, { schedule: ctx.schedule }).map((c) => c.id).join(","),
    dryRun: ctx.weights === undefined,
  });

  const background: Promise<unknown>[] = [];
  const quietly = (name: string, run: Promise<unknown>) =>
    background.push(run.catch((error) => {
      if (!signal.aborted) log.error(`The ${name} loop stopped: ${(error as Error)?.message ?? error}`);
    }));

  // Metagraph resync: new hotkeys, hotkeys that left forgotten, the iterator kept in place.
  quietly(
    "metagraph",
    (async () => {
      for (;;) {
        await ctx.clock.sleep(cadences.resyncMs, signal);
        try {
          view = await chain.snapshot(signal);
          metagraph = metagraphOf(view);
          iterator.setUids(metagraph.hotkeys.map((_, uid) => uid));
          const pruned = ctx.state.pruneHotkeys(new Set(metagraph.hotkeys));
          log.info("Synced the metagraph", { block: view.block, neurons: metagraph.hotkeys.length, pruned });
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          log.warn(`Cannot resync the metagraph: ${(error as Error).message}`);
        }
      }
    })(),
  );

  if (ctx.updater ?? true) {
    quietly(
      "model updater",
      runModelUpdater({
        chain,
        models,
        clock: ctx.clock,
        state: ctx.state,
        schedule: ctx.schedule,
        metagraph: () => metagraph,
        iterator,
        limits: ctx.updaterLimits,
      }, signal),
    );
  }

  if (ctx.gc ?? true) {
    quietly(
      "garbage collection",
      (async () => {
        await ctx.clock.sleep(cadences.gcDelayMs, signal);
        for (;;) {
          try {
            const summary = await models.collectGarbage(keptModels(ctx, metagraph.hotkeys), { signal });
            if (summary.snapshots > 0) log.info(`Garbage collection freed ${summary.freedBytes} bytes`, { ...summary });
          } catch (error) {
            if (signal.aborted) throw signal.reason;
            log.error(`Garbage collection failed: ${(error as Error).message}`);
          }
          await ctx.clock.sleep(cadences.gcEveryMs, signal);
        }
      })(),
    );
  }

  const weightsLoop = ctx.weights === undefined ? undefined : startWeightsLoop({
    getWeights: weightsNow,
    setter: ctx.weights,
    clock: ctx.clock,
    retryMs: cadences.weightsRetryMs,
    intervalMs: cadences.weightsIntervalMs,
    pollMs: cadences.weightsPollMs,
    onOutcome: (outcome) => {
      try {
        ctx.state.recordReceipt(outcome as WeightsOutcome & Record<string, unknown>);
        if (!outcome.success) ctx.state.recordError("weights", outcome.reason);
      } catch (error) {
        log.warn(`Cannot record the weights receipt: ${(error as Error).message}`);
      }
      observer.onWeights?.(outcome);
      options.onWeights?.(outcome);
    },
  }, signal);

  // A report a killed process recorded but never wrote to its file is written now.
  for (const report of ctx.state.reports(5)) {
    const file = `${ctx.state.dir}/reports/${report.step}.json`;
    if (!await Deno.stat(file).then(() => true, () => false)) await writeReportFile(`${ctx.state.dir}/reports`, report);
  }

  let steps = 0;
  let attempts = 0;
  try {
    for (let globalStep = 0; options.steps === undefined || steps < options.steps; globalStep++) {
      signal.throwIfAborted();
      attempts++;
      let outcome: StepOutcome | undefined;
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        outcome = await runStep(
          {
            chain,
            data: ctx.data,
            scorer,
            models,
            clock: ctx.clock,
            state: ctx.state,
            schedule: ctx.schedule,
            sync: ctx.sync,
            blockTimeMs: ctx.blockTimeMs,
            metagraph: () => metagraph,
            offline: ctx.offline,
          },
          globalStep,
          AbortSignal.any([signal, AbortSignal.timeout(cadences.stepDeadlineMs)]),
        );
      } catch (error) {
        if (options.signal.aborted) break;
        const message = error instanceof DOMException && error.name === "TimeoutError"
          ? `the step ran past its ${Math.round(cadences.stepDeadlineMs / 60_000)}-minute deadline`
          : (error as Error)?.message ?? String(error);
        observer.onStep?.({ outcome: "failed", seconds: seconds(), error: message });
        if (error instanceof NothingToEvaluateError || options.stopOnFailure) throw error;
        log.error(`Step abandoned, nothing recorded: ${message}`, {
          ...((error as { hint?: string }).hint === undefined ? {} : { hint: (error as { hint: string }).hint }),
        });
        ctx.state.recordError("step", message);
        await ctx.clock.sleep(cadences.failedStepMs, signal);
        continue;
      }
      if (outcome.kind === "ran") {
        steps++;
        current = outcome.weights;
        observer.onStep?.({ outcome: "ran", seconds: seconds(), report: outcome.report, weights: outcome.weights });
        await writeReportFile(`${ctx.state.dir}/reports`, outcome.report).catch((error) =>
          log.warn(`Cannot write the step report file: ${(error as Error).message}`)
        );
        log.info(`\n${formatStepReport(outcome.report)}`);
        if (consensus !== undefined) {
          try {
            const record = await consensus.check(view.neurons, outcome.weights, {
              step: outcome.report.step,
              signal,
            });
            observer.onConsensus?.(record);
          } catch (error) {
            if (signal.aborted) throw error;
            log.warn(`Cannot compare our weights with the other validators': ${(error as Error)?.message ?? error}`);
          }
        }
        await options.onStep?.(outcome);
      } else if (outcome.kind === "no-data") {
        observer.onStep?.({
          outcome: "no-data",
          seconds: seconds(),
          competitionId: outcome.competitionId,
          syncBlock: outcome.syncBlock,
        });
        await options.onStep?.(outcome);
        const message = `no dataset of competition ${outcome.competitionId} loaded at sync block ${outcome.syncBlock}`;
        ctx.state.recordError("data", message);
        if (options.stopOnFailure) {
          throw new DataUnavailableError(`Step abandoned, nothing recorded: ${message}`, {
            hint: "The datasets server failed (see the WARNING lines above); check --hub.datasets_url, or retry later",
          });
        }
        await ctx.clock.sleep(cadences.failedStepMs, signal);
      } else {
        observer.onStep?.({ outcome: "idle", seconds: seconds(), competitionId: outcome.competitionId });
        await options.onStep?.(outcome);
        if (outcome.anyQueued) continue;
        log.info(`Nothing queued for any competition; looking again in ${Math.round(cadences.idleMs / 1000)} s`);
        await ctx.clock.sleep(cadences.idleMs, signal);
      }
    }
  } catch (error) {
    if (!options.signal.aborted) throw error;
  } finally {
    stop.abort(new DOMException("The validator stopped", "AbortError"));
    await weightsLoop?.stop();
    await Promise.all(background);
  }
  return { steps, attempts };
}

/** What garbage collection keeps: the models of every queued uid, and what the context always keeps. */
function keptModels(ctx: ValidatorContext, hotkeys: readonly string[]): ModelKeep[] {
  const queues = ctx.state.queues();
  const uids = new Set([...queues.current.values(), ...queues.pending.values()].flatMap((s) => [...s]));
  const keep: ModelKeep[] = [...(ctx.alwaysKeep?.() ?? [])];
  for (const uid of uids) {
    const hotkey = hotkeys[uid];
    const tracked = hotkey === undefined ? undefined : ctx.state.model(hotkey);
    if (tracked === undefined || tracked.modelId.commit === null) continue;
    keep.push({
      hotkey,
      repo: `${tracked.modelId.namespace}/${tracked.modelId.name}`,
      commit: tracked.modelId.commit,
    });
  }
  return keep;
}
