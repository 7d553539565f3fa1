/**
 * One step of the validator (`run_step`, research/sn37_mechanism.md §3.1 and
 * §4): the competition due at this sync block, its queued uids, the sync
 * block's data, every model scored in isolation, wins with the epsilon
 * advantage, the winner-take-all step weights folded into the competition's
 * moving average (float32), the subnet weights with the 0.18 threshold, the
 * eval history, and the three models kept for the next step. Everything a
 * step changes is written in one transaction at its end, so an abandoned
 * step changes nothing.
 *
 * @module
 */
import {
  competitionsAt,
  type CompetitionSchedule,
  nextSyncBlock,
  type ScheduledCompetition,
  syncBlock,
  type SyncBlockOptions,
} from "../eval/mod.ts";
import { getLog, type Log } from "../log/mod.ts";
import {
  MIN_WEIGHT_THRESHOLD,
  modelPriority,
  modelsToKeep,
  recordCompetitionWeights,
  stepWeightVector,
  subnetWeights,
  winRates,
} from "../mechanism/mod.ts";
import type { EvalResult, ValidatorState } from "../state/mod.ts";
import type { ChainReader, Clock, DataSource, EvalData, ModelStore, Scorer } from "./ports.ts";
import { competitionScore } from "./competition_score.ts";
import type { StepReport, StepUidReport } from "./step_report.ts";

/** The metagraph as a step needs it. */
export interface MetagraphView {
  /** uid → hotkey (its length is the metagraph's size). */
  readonly hotkeys: readonly string[];
}

/** What a step runs with. */
export interface StepContext {
  readonly chain: ChainReader;
  readonly data: DataSource;
  readonly scorer: Scorer;
  readonly models: ModelStore;
  readonly clock: Clock;
  readonly state: ValidatorState;
  /** The competition schedule by block. */
  readonly schedule: CompetitionSchedule;
  /** Sync-block genesis and cadence. @default SN37's (3,138,611 and 360) */
  readonly sync?: SyncBlockOptions | undefined;
  /** Milliseconds per block, to wait for the next sync block. @default 12000 */
  readonly blockTimeMs?: number | undefined;
  /** The current metagraph (resynced by the loop). */
  readonly metagraph: () => MetagraphView;
  /** Round each sample's loss to bfloat16 before the mean, as the reference's bf16 models return them. @default true */
  readonly bf16Losses?: boolean | undefined;
  /**
   * Offline, the chain does not move: instead of waiting for the next sync
   * block when the competition already ran at this one, the step throws.
   * @default false
   */
  readonly offline?: boolean | undefined;
  /** @default getLog("step") */
  readonly log?: Log | undefined;
}

/** Offline, a competition already run at the cached sync block: there is nothing to evaluate. */
export class NothingToEvaluateError extends Error {
  override get name(): string {
    return "NothingToEvaluateError";
  }
}

/** How a step ended. */
export type StepOutcome =
  /** The step ran and was recorded. */
  | { readonly kind: "ran"; readonly report: StepReport; readonly weights: Float32Array }
  /** The competition had nothing queued; `anyQueued` says whether another competition has. */
  | { readonly kind: "idle"; readonly competitionId: number; readonly anyQueued: boolean }
  /** No dataset of the competition loaded: nothing recorded, tried again later. */
  | { readonly kind: "no-data"; readonly competitionId: number; readonly syncBlock: number; readonly data: EvalData };

/** The weights to set at startup: the moving averages without the threshold (as the reference restarts). */
export function startupWeights(
  state: ValidatorState,
  schedule: CompetitionSchedule,
  block: number,
  size: number,
): Float32Array {
  const averages = state.averages();
  const length = Math.max(size, ...[...averages.values()].map((w) => w.length));
  return subnetWeights(averages, competitionsAt(block, { schedule }), length);
}

/**
 * Runs one step. `globalStep` picks the competition (`global_step % len`).
 * When that competition already ran at the current sync block it waits for
 * the next one and reads the head again.
 *
 * @throws for the validator's own failures (chain, data source, scorer, state): nothing is recorded then
 */
export async function runStep(ctx: StepContext, globalStep: number, signal?: AbortSignal): Promise<StepOutcome> {
  const log = ctx.log ?? getLog("step");
  const started = performance.now();
  let head: { block: number; hash: string };
  let sync: number;
  let competitions: readonly ScheduledCompetition[];
  let competition: ScheduledCompetition;
  for (;;) {
    head = await ctx.chain.head(signal);
    sync = syncBlock(head.block, ctx.sync);
    competitions = competitionsAt(head.block, { schedule: ctx.schedule });
    competition = competitions[globalStep % competitions.length]!;
    if (ctx.state.lastRun(competition.id) !== sync) break;
    if (ctx.offline) {
      throw new NothingToEvaluateError(
        `Nothing to evaluate offline: competition ${competition.id} already ran at sync block ${sync}, and the cached chain does not move`,
      );
    }
    const next = nextSyncBlock(head.block, ctx.sync);
    const waitMs = (next - head.block) * (ctx.blockTimeMs ?? 12_000);
    log.debug(`Competition ${competition.id} already ran at sync block ${sync}; waiting for block ${next}`, {
      waitMs,
    });
    await ctx.clock.sleep(waitMs, signal);
  }
  const currentBlock = head.block;
  const uids = ctx.state.takePending(competition.id);
  if (uids.length === 0) {
    const queues = ctx.state.queues();
    const active = new Set(competitions.map((c) => c.id));
    const anyQueued = [...queues.current, ...queues.pending].some(([id, set]) => active.has(id) && set.size > 0);
    log.debug(`Nothing queued for competition ${competition.id}`, { anyQueued });
    return { kind: "idle", competitionId: competition.id, anyQueued };
  }
  log.info(`Step for competition ${competition.id} at sync block ${sync} (block ${currentBlock}): ${uids.length} uids`);

  const dataStarted = performance.now();
  const data = await ctx.data.prepare(competition, sync, signal);
  const dataSeconds = (performance.now() - dataStarted) / 1000;
  const loaded = competition.evalTasks.filter((task) =>
    (data.tasks.find((t) => t.name === task.name)?.samples ?? 0) > 0
  );
  if (loaded.length === 0 || data.samplesFile === undefined) {
    log.error(`No dataset of competition ${competition.id} loaded for sync block ${sync}: step skipped`, {
      errors: data.tasks.map((t) => `${t.name}: ${t.error ?? "no samples"}`).join("; "),
    });
    return { kind: "no-data", competitionId: competition.id, syncBlock: sync, data };
  }

  const hotkeys = ctx.metagraph().hotkeys;
  const rows: Omit<StepUidReport, "wins" | "win_rate" | "step_weight">[] = [];
  const scoring: Record<string, number> = {};
  for (const uid of uids) {
    signal?.throwIfAborted();
    const row = await scoreUid(ctx, { uid, hotkey: hotkeys[uid], competition, data, loaded, signal, log });
    scoring[String(uid)] = row.seconds;
    rows.push(row.report);
  }

  // Wins with the epsilon advantage at the step's current block.
  const scored = rows.map((r) => ({ uid: r.uid, loss: r.score ?? Infinity, block: r.commit_block ?? Infinity }));
  const rates = winRates(scored, competition.constraints.epsilon, currentBlock);
  const best = Math.max(...rates.values());
  const top = rows.find((r) => rates.get(r.uid) === best)!;
  const results = rows.filter((r) => r.hotkey !== undefined).map((r) => ({
    hotkey: r.hotkey!,
    result: {
      block: currentBlock,
      score: r.score ?? Infinity,
      winningBlock: top.commit_block ?? Infinity,
      winningScore: top.score ?? Infinity,
    } satisfies EvalResult,
  }));

  // The step's weights into the moving average, then the subnet weights across active competitions.
  const size = hotkeys.length;
  const averages = ctx.state.averages();
  const step = stepWeightVector(rates, Math.max(size, ...uids.map((uid) => uid + 1)));
  averages.set(competition.id, recordCompetitionWeights(averages.get(competition.id), step));
  const active = new Set(competitions.map((c) => c.id));
  for (const id of [...averages.keys()]) if (!active.has(id)) averages.delete(id);
  const trackerSize = Math.max(size, ...[...averages.values()].map((w) => w.length));
  const weights = subnetWeights(averages, competitions, trackerSize, MIN_WEIGHT_THRESHOLD);
  const average = averages.get(competition.id)!;
  const kept = modelsToKeep(uids, (uid) => modelPriority(average, uid, rates.get(uid)!));

  const report: StepReport = {
    step: ctx.state.nextStep(),
    competition: competition.id,
    "current_block": currentBlock,
    "sync_block": sync,
    "block_hash": data.blockHash,
    seed: data.seed,
    tasks: data.tasks.map((t) => ({
      name: t.name,
      weight: t.weight,
      samples: t.samples,
      ...(t.error === undefined ? {} : { error: t.error }),
    })),
    uids: rows.map((r) => ({
      ...r,
      wins: Math.round(rates.get(r.uid)! * Math.max(uids.length - 1, 0)),
      win_rate: rates.get(r.uid)!,
      step_weight: step[r.uid]!,
    })),
    "top_uid": top.uid,
    "competition_weights": [...average],
    "subnet_weights": [...weights],
    "kept_uids": kept,
    durations: {
      data: round3(dataSeconds),
      scoring,
      total: round3((performance.now() - started) / 1000),
    },
    "data_cached": data.cached,
  };
  ctx.state.commitStep({
    competitionId: competition.id,
    syncBlock: sync,
    ema: average,
    otherEma: new Map([...averages].filter(([id]) => id !== competition.id)),
    activeCompetitions: [...active],
    results,
    kept,
    report,
  });
  return { kind: "ran", report, weights };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

interface ScoreUidInput {
  uid: number;
  hotkey: string | undefined;
  competition: ScheduledCompetition;
  data: EvalData;
  loaded: readonly ScheduledCompetition["evalTasks"][number][];
  signal: AbortSignal | undefined;
  log: Log;
}

/** Scores one uid's model: ∞ (and block ∞) when it has none in this competition or it fails. */
async function scoreUid(
  ctx: StepContext,
  input: ScoreUidInput,
): Promise<{ report: Omit<StepUidReport, "wins" | "win_rate" | "step_weight">; seconds: number }> {
  const { uid, hotkey, competition, data, loaded, signal, log } = input;
  const started = performance.now();
  const base = { uid, hotkey, model: null, "commit_block": null };
  const failed = (error: string) => ({
    report: {
      ...base,
      score: null,
      task_scores: Object.fromEntries(loaded.map((t) => [t.name, null])),
      raw_task_scores: Object.fromEntries(loaded.map((t) => [t.name, null])),
      error,
    },
    seconds: (performance.now() - started) / 1000,
  });
  if (hotkey === undefined) return failed(`uid ${uid} is not in the metagraph`);
  const tracked = ctx.state.model(hotkey);
  if (tracked === undefined || tracked.modelId.competitionId !== competition.id) {
    return failed(
      tracked === undefined ? "no model tracked" : `the model is for competition ${tracked.modelId.competitionId}`,
    );
  }
  const id = tracked.modelId;
  const described = { ...base, model: `${id.namespace}/${id.name}@${id.commit}`, "commit_block": tracked.block };
  const stored = await ctx.models.locate(id, signal);
  if (stored === undefined) {
    const missing = failed("the model is not in the local cache");
    return { ...missing, report: { ...missing.report, ...described } };
  }
  await using _hold = await ctx.models.hold(stored.dir);
  // The updater checked the model's limits when it fetched it; scoring does not stream the weights again.
  const score = await ctx.scorer.score({ uid, modelDir: stored.dir, samplesFile: data.samplesFile! }, signal);
  const seconds = (performance.now() - started) / 1000;
  const result = competitionScore(score, data.sampleTasks, loaded, { bf16: ctx.bf16Losses });
  const error = result.error;
  log.info(
    `uid ${uid}: score ${Number.isFinite(result.score) ? result.score.toFixed(4) : "inf"}`,
    { model: described.model, seconds: round3(seconds), ...(error === undefined ? {} : { error }) },
  );
  const finite = (x: number) => Number.isFinite(x) ? x : null;
  return {
    report: {
      ...described,
      score: finite(result.score),
      "task_scores": Object.fromEntries([...result.taskScores].map(([name, x]) => [name, finite(x)])),
      "raw_task_scores": Object.fromEntries([...result.rawTaskScores].map(([name, x]) => [name, finite(x)])),
      ...(error === undefined ? {} : { error }),
    },
    seconds,
  };
}
