/**
 * The model updater (the reference's `update_models` thread and taoverse's
 * `ModelUpdater.sync_model`, research/sn37_mechanism.md §4.9, §4.10, §6):
 * runs beside the steps, walks the uids cyclically, re-checks none within 20
 * minutes, keeps at most 16 models queued or in evaluation, and queues a
 * model when its commitment changed (or when a top model of the other
 * validators, or a model that deserves a retry, is due). The checks run in
 * the reference's order, cheap first: commitment present and parsable;
 * competition valid at the commit block and active now; evaluation delay;
 * unchanged commitment → nothing to do; repository size; download; the
 * metadata recorded; secure hash; parameters, architecture and norms.
 *
 * @module
 */
import { constraintsFor } from "../checkpoint/mod.ts";
import { competitionAt, competitionsAt, type CompetitionSchedule } from "../eval/mod.ts";
import { getLog, type Log } from "../log/mod.ts";
import { sameModel, type ValidatorState } from "../state/mod.ts";
import type { MinerIterator } from "./miner_iterator.ts";
import { type ChainReader, type Clock, type ModelStore, ModelUnavailableError } from "./ports.ts";
import type { MetagraphView } from "./run_step.ts";
import { shouldRetryModel } from "./should_retry_model.ts";

/** The competition id failures of misconfigured miners are recorded under (`CompetitionId.NONE`). */
const NO_COMPETITION = 0;

/** A miner's commitment or model cannot be evaluated until the miner commits again (`MinerMisconfiguredError`). */
export class MinerMisconfiguredError extends Error {
  constructor(readonly hotkey: string, message: string, options?: ErrorOptions) {
    super(`[${hotkey}] ${message}`, options);
  }
  override get name(): string {
    return "MinerMisconfiguredError";
  }
}

/** The metagraph as the updater needs it. */
export interface UpdaterMetagraph extends MetagraphView {
  /** Stake weight per uid (TAO units). */
  readonly stakes: readonly number[];
  /** Validator permit per uid. */
  readonly validatorPermits: readonly boolean[];
}

/** The updater's cadences and limits (the reference's constants). */
export interface UpdaterLimits {
  /** Models queued or in evaluation across competitions, at most (`updated_models_limit`). @default 16 */
  readonly maxQueued: number;
  /** No uid is re-checked sooner than this (`chain_update_cadence`). @default 1_200_000 (20 min) */
  readonly recheckMs: number;
  /** How often to look again when the queue is full. @default 300_000 */
  readonly slotWaitMs: number;
  /** How often to scan the other validators' top models (`scan_top_model_cadence`). @default 1_800_000 */
  readonly topScanMs: number;
  /** A top model evaluated this many blocks ago is due again (`model_retry_cadence`). @default 1200 */
  readonly topRetryBlocks: number;
  /** Validators whose weights define the top models: at least this stake, with a permit. @default 100_000 */
  readonly topValidatorStake: number;
  /** A top model holds at least this share of such a validator's weights. @default 0.01 */
  readonly topMinerShare: number;
  /** Wait before the first check (the reference lets the metagraph sync first). @default 60_000 */
  readonly startDelayMs: number;
  /** Wait after a failure of the validator's own side (chain down, disk). @default 180_000 */
  readonly errorBackoffMs: number;
}

/** The reference's values. */
export const UPDATER_LIMITS: UpdaterLimits = Object.freeze({
  maxQueued: 16,
  recheckMs: 20 * 60_000,
  slotWaitMs: 300_000,
  topScanMs: 30 * 60_000,
  topRetryBlocks: 1200,
  topValidatorStake: 100_000,
  topMinerShare: 0.01,
  startDelayMs: 60_000,
  errorBackoffMs: 180_000,
});

/** What the updater runs with. */
export interface UpdaterContext {
  readonly chain: ChainReader;
  readonly models: ModelStore;
  readonly clock: Clock;
  readonly state: ValidatorState;
  readonly schedule: CompetitionSchedule;
  /** The current metagraph (resynced by the loop). */
  readonly metagraph: () => UpdaterMetagraph;
  /** The uids, walked cyclically (the loop updates it on resync). */
  readonly iterator: MinerIterator;
  readonly limits?: Partial<UpdaterLimits> | undefined;
  /** @default getLog("updater") */
  readonly log?: Log | undefined;
}

/**
 * Brings the tracked model of one hotkey up to date with its commitment and
 * says whether it should be evaluated (`sync_model`).
 *
 * @returns true when the model was (re)fetched and passed every check
 * @throws {MinerMisconfiguredError} when the commitment or the model cannot be evaluated
 * @throws {ModelUnavailableError} for a transient fetch failure (retried on a later pass)
 * @throws for the validator's own failures (chain, disk)
 */
export async function syncModel(
  ctx: UpdaterContext,
  miner: { uid: number; hotkey: string; currentBlock: number; force: boolean },
  signal?: AbortSignal,
): Promise<boolean> {
  const { uid, hotkey, currentBlock, force } = miner;
  const commitment = await ctx.chain.commitment(uid, hotkey, signal);
  if (commitment === undefined) throw new MinerMisconfiguredError(hotkey, "No valid metadata found on the chain");
  if ("error" in commitment) throw new MinerMisconfiguredError(hotkey, `Bad commitment: ${commitment.error}`);
  const { modelId, block } = { modelId: commitment.modelId, block: commitment.block };
  const competition = competitionAt(modelId.competitionId, block, { schedule: ctx.schedule });
  if (competition === undefined) {
    throw new MinerMisconfiguredError(hotkey, `No competition found for ${modelId.competitionId} at block ${block}`);
  }
  if (currentBlock - block < competition.constraints.evalBlockDelay) return false;
  const tracked = ctx.state.model(hotkey);
  if (!force && tracked !== undefined && sameModel(tracked, { modelId, block })) return false;
  let stored;
  try {
    stored = await ctx.models.fetch({ uid, hotkey, modelId }, { maxBytes: competition.constraints.maxBytes, signal });
  } catch (error) {
    if (!(error instanceof ModelUnavailableError)) throw error;
    // A hash mismatch is found after the download: the reference has recorded the metadata by then.
    if (error.reason === "hash_mismatch") ctx.state.recordModel(hotkey, { modelId, block });
    if (error.permanent) throw new MinerMisconfiguredError(hotkey, error.message, { cause: error });
    throw error;
  }
  // Recorded before the remaining checks, so that a failing model is not fetched again until recommitted.
  ctx.state.recordModel(hotkey, { modelId, block });
  try {
    await ctx.models.check(stored, constraintsFor(competition.constraints), signal);
  } catch (error) {
    if (error instanceof ModelUnavailableError) {
      throw new MinerMisconfiguredError(
        hotkey,
        `Model does not satisfy parameters for competition ${competition.id}: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
  return true;
}

function limitsOf(ctx: UpdaterContext): UpdaterLimits {
  return { ...UPDATER_LIMITS, ...ctx.limits };
}

function queuedCount(state: ValidatorState): { pending: number; current: number } {
  const queues = state.queues();
  const count = (m: ReadonlyMap<number, ReadonlySet<number>>) => [...m.values()].reduce((n, s) => n + s.size, 0);
  return { pending: count(queues.pending), current: count(queues.current) };
}

function isQueued(state: ValidatorState, competitionId: number, uid: number): boolean {
  const queues = state.queues();
  return (queues.pending.get(competitionId)?.has(uid) ?? false) ||
    (queues.current.get(competitionId)?.has(uid) ?? false);
}

/** Records a misconfigured miner as the reference does: an infinite score under no competition. */
function recordMisconfigured(ctx: UpdaterContext, hotkey: string, block: number, error: MinerMisconfiguredError): void {
  ctx.state.recordEvaluation(hotkey, NO_COMPETITION, { block, score: Infinity, winningBlock: 0, winningScore: 0 });
  (ctx.log ?? getLog("updater")).debug(error.message);
}

/**
 * The uids holding at least `topMinerShare` of the weights of any validator
 * with `topValidatorStake` stake and a permit (`get_top_miners`).
 */
export function topMiners(
  metagraph: UpdaterMetagraph,
  weights: ReadonlyMap<number, readonly (readonly [number, number])[]>,
  limits: Pick<UpdaterLimits, "topValidatorStake" | "topMinerShare"> = UPDATER_LIMITS,
): Set<number> {
  const top = new Set<number>();
  metagraph.stakes.forEach((stake, uid) => {
    if (stake < limits.topValidatorStake || !metagraph.validatorPermits[uid]) return;
    const row = weights.get(uid) ?? [];
    const total = row.reduce((sum, [, w]) => sum + w, 0);
    for (const [target, weight] of row) if (weight >= total * limits.topMinerShare) top.add(target);
  });
  return top;
}

/**
 * The top-model scan (`_queue_top_models_for_eval`): the other validators'
 * top models that are not queued and were never evaluated, or not in the
 * last 1200 blocks, are re-checked with force and queued, whatever the limit.
 */
export async function queueTopModels(ctx: UpdaterContext, signal?: AbortSignal): Promise<number[]> {
  const log = ctx.log ?? getLog("updater");
  const limits = limitsOf(ctx);
  const metagraph = ctx.metagraph();
  const top = topMiners(metagraph, await ctx.chain.subnetWeights(signal), limits);
  const currentBlock = (await ctx.chain.head(signal)).block;
  const active = new Set(competitionsAt(currentBlock, { schedule: ctx.schedule }).map((c) => c.id));
  const queues = ctx.state.queues();
  const queued = new Set([...queues.current.values(), ...queues.pending.values()].flatMap((s) => [...s]));
  const added: number[] = [];
  for (const uid of [...top].sort((a, b) => a - b)) {
    if (queued.has(uid)) continue;
    const hotkey = metagraph.hotkeys[uid];
    if (hotkey === undefined) continue;
    const last = ctx.state.lastEvaluatedBlock(hotkey);
    if (last !== undefined && currentBlock - last < limits.topRetryBlocks) continue;
    try {
      const commitment = await ctx.chain.commitment(uid, hotkey, signal);
      if (commitment !== undefined && "modelId" in commitment && !active.has(commitment.modelId.competitionId)) {
        continue;
      }
      if (!await syncModel(ctx, { uid, hotkey, currentBlock, force: true }, signal)) continue;
      const tracked = ctx.state.model(hotkey);
      if (tracked !== undefined && active.has(tracked.modelId.competitionId)) {
        ctx.state.addPending(tracked.modelId.competitionId, uid);
        added.push(uid);
        log.info(`uid ${uid}: a top model of the other validators, queued for the next step`);
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof MinerMisconfiguredError) recordMisconfigured(ctx, hotkey, currentBlock, error);
      else log.debug(`uid ${uid}: top model check failed: ${(error as Error).message}`);
    }
  }
  return added;
}

/**
 * Checks the next uid of the cyclic walk (one pass of the reference's loop
 * body after the top-model scan and the slot wait): returns the uid queued,
 * if any.
 */
export async function checkNextUid(
  ctx: UpdaterContext,
  lastChecked: Map<number, number>,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const log = ctx.log ?? getLog("updater");
  const limits = limitsOf(ctx);
  const uid = ctx.iterator.next();
  const since = lastChecked.get(uid);
  if (since !== undefined && ctx.clock.now() - since < limits.recheckMs) {
    const wait = limits.recheckMs - (ctx.clock.now() - since);
    log.trace(
      `Every uid was checked in the last ${limits.recheckMs / 60_000} min; waiting ${Math.round(wait / 1000)} s`,
    );
    await ctx.clock.sleep(wait, signal);
  }
  lastChecked.set(uid, ctx.clock.now());
  const hotkey = ctx.metagraph().hotkeys[uid];
  if (hotkey === undefined) return undefined;
  const currentBlock = (await ctx.chain.head(signal)).block;
  const active = new Set(competitionsAt(currentBlock, { schedule: ctx.schedule }).map((c) => c.id));
  try {
    const commitment = await ctx.chain.commitment(uid, hotkey, signal);
    if (commitment !== undefined && "modelId" in commitment && !active.has(commitment.modelId.competitionId)) {
      log.debug(`uid ${uid}: skipped, its model is for competition ${commitment.modelId.competitionId}, not active`);
      return undefined;
    }
    let force = false;
    const tracked = ctx.state.model(hotkey);
    if (tracked !== undefined && active.has(tracked.modelId.competitionId)) {
      const competition = competitionAt(tracked.modelId.competitionId, currentBlock, { schedule: ctx.schedule });
      if (competition !== undefined && !isQueued(ctx.state, competition.id, uid)) {
        force = shouldRetryModel(
          competition.constraints.epsilon,
          currentBlock,
          ctx.state.history(hotkey, competition.id),
        );
        if (force) log.debug(`uid ${uid}: its model deserves another evaluation`);
      }
    }
    if (!await syncModel(ctx, { uid, hotkey, currentBlock, force }, signal)) return undefined;
    const model = ctx.state.model(hotkey)!;
    ctx.state.addPending(model.modelId.competitionId, uid);
    log.info(`uid ${uid}: new model ${model.modelId.namespace}/${model.modelId.name}, queued for the next step`);
    return uid;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof MinerMisconfiguredError) {
      recordMisconfigured(ctx, hotkey, currentBlock, error);
      return undefined;
    }
    if (error instanceof ModelUnavailableError) {
      log.debug(`uid ${uid}: model not fetched this time (${error.reason}): ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

/**
 * The updater's loop: runs until `signal` aborts (then rejects with its
 * reason). A failure of the validator's own side is logged and waited out.
 */
export async function runModelUpdater(ctx: UpdaterContext, signal: AbortSignal): Promise<never> {
  const log = ctx.log ?? getLog("updater");
  const limits = limitsOf(ctx);
  await ctx.clock.sleep(limits.startDelayMs, signal);
  const lastChecked = new Map<number, number>();
  let lastTopScan: number | undefined;
  for (;;) {
    signal.throwIfAborted();
    try {
      if (lastTopScan === undefined || ctx.clock.now() - lastTopScan > limits.topScanMs) {
        lastTopScan = ctx.clock.now();
        await queueTopModels(ctx, signal);
      }
      for (;;) {
        const { pending, current } = queuedCount(ctx.state);
        if (pending + current < limits.maxQueued) break;
        log.debug(`${pending + current} models are queued; checking again in ${limits.slotWaitMs / 1000} s`);
        await ctx.clock.sleep(limits.slotWaitMs, signal);
      }
      await checkNextUid(ctx, lastChecked, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      log.warn(`Model updater: ${(error as Error).message}; retrying in ${limits.errorBackoffMs / 1000} s`);
      ctx.state.recordError("updater", (error as Error).message);
      await ctx.clock.sleep(limits.errorBackoffMs, signal);
    }
  }
}
