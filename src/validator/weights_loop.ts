/**
 * The validator's weight-setting cadence (the reference's `set_weights`
 * thread): wait until there are non-zero weights, set them, then again an
 * hour after a success or two minutes after a failure. It runs on its own
 * (with its own chain connection behind the port), so a step never waits for
 * it and it never waits for a step; stopping it aborts the attempt in flight.
 *
 * @module
 */
import { getLog, type Log } from "../log/mod.ts";
import type { WeightsInput } from "../mechanism/mod.ts";
import type { Clock, WeightSetter, WeightsOutcome } from "./ports.ts";

/** Options of {@linkcode startWeightsLoop}. */
export interface WeightsLoopOptions {
  /** The weights to set now; `undefined` (or all zero) while there are none yet. */
  getWeights(): WeightsInput | undefined;
  /** One attempt at a time. */
  setter: WeightSetter;
  clock: Clock;
  /** Wait after a failed attempt. @default 120_000 */
  retryMs?: number | undefined;
  /** Wait after a successful attempt. @default 3_600_000 */
  intervalMs?: number | undefined;
  /** How often to look for non-zero weights before the first attempt. @default 60_000 */
  pollMs?: number | undefined;
  /** Abort an attempt that runs longer than this (it counts as failed). @default 300_000 */
  attemptTimeoutMs?: number | undefined;
  /** Called with each attempt's outcome. */
  onOutcome?: ((outcome: WeightsOutcome) => void) | undefined;
  /** @default getLog("weights") */
  log?: Log | undefined;
}

/** A running weights loop. */
export interface WeightsLoop {
  /** The last outcome, if any. */
  readonly lastOutcome: WeightsOutcome | undefined;
  /** Attempts started. */
  readonly attempts: number;
  /** Stops the loop, aborting the attempt in flight, and resolves when it has ended. */
  stop(): Promise<void>;
}

const nonZero = (w: WeightsInput | undefined): w is WeightsInput =>
  w !== undefined && Array.from(w.weights).some((x) => x > 0);

/**
 * Starts the loop and returns at once.
 *
 * @example
 * ```ts ignore
 * const loop = startWeightsLoop({ getWeights: () => current, setter, clock: realClock });
 * // … later
 * await loop.stop();
 * ```
 */
export function startWeightsLoop(options: WeightsLoopOptions, signal?: AbortSignal): WeightsLoop {
  const log = options.log ?? getLog("weights");
  const retryMs = options.retryMs ?? 120_000;
  const intervalMs = options.intervalMs ?? 3_600_000;
  const pollMs = options.pollMs ?? 60_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 300_000;
  const stopper = new AbortController();
  const stopped = signal ? AbortSignal.any([signal, stopper.signal]) : stopper.signal;
  let lastOutcome: WeightsOutcome | undefined;
  let attempts = 0;

  const attempt = async (weights: WeightsInput): Promise<WeightsOutcome> => {
    attempts++;
    try {
      return await options.setter.setWeights(
        weights,
        AbortSignal.any([stopped, AbortSignal.timeout(attemptTimeoutMs)]),
      );
    } catch (error) {
      if (stopped.aborted) throw stopped.reason;
      return { success: false, reason: (error as Error)?.message ?? String(error), retryable: true };
    }
  };

  const run = async () => {
    let weights = options.getWeights();
    while (!nonZero(weights)) {
      log.debug(`No weights to set yet; looking again in ${Math.round(pollMs / 1000)} s`);
      await options.clock.sleep(pollMs, stopped);
      weights = options.getWeights();
    }
    for (;;) {
      const outcome = await attempt(weights);
      lastOutcome = outcome;
      options.onOutcome?.(outcome);
      if (outcome.success) {
        log.success(`Weights set in block ${outcome.block}; next in ${Math.round(intervalMs / 60_000)} min`, {
          uids: outcome.uids.length,
        });
      } else {
        log.error(`Weights not set: ${outcome.reason}; retrying in ${Math.round(retryMs / 1000)} s`, {
          ...(outcome.hint === undefined ? {} : { hint: outcome.hint }),
        });
      }
      await options.clock.sleep(outcome.success ? intervalMs : retryMs, stopped);
      const next = options.getWeights();
      if (nonZero(next)) weights = next;
    }
  };
  const done = run().catch((error) => {
    if (!stopped.aborted) log.error(`The weights loop stopped: ${(error as Error)?.message ?? error}`);
  });

  return {
    get lastOutcome() {
      return lastOutcome;
    },
    get attempts() {
      return attempts;
    },
    async stop() {
      stopper.abort(new DOMException("The weights loop was stopped", "AbortError"));
      await done;
    },
  };
}
