/**
 * The weight-setting cadence of the validator: set weights, then again after
 * an interval (1 h) on success or after a short delay (120 s) on failure.
 * Attempts never overlap, the loop runs on timers so it never blocks its
 * caller, and stopping it aborts the attempt in flight and waits for it.
 *
 * @module
 */
import { getLog } from "../log/mod.ts";
import type { WeightsInput } from "../mechanism/mod.ts";
import { failureReceipt, type WeightsReceipt } from "./receipt.ts";

/** Timer functions, injectable for tests. */
export interface LoopTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: LoopTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
};

/** Options of {@linkcode startWeightsLoop}. */
export interface WeightsLoopOptions {
  /** The weights to set now, or undefined while there are none yet (the loop retries after `retryMs`). */
  getWeights(): WeightsInput | undefined | Promise<WeightsInput | undefined>;
  /** One attempt (normally `setWeights` bound to a connection and hotkey). Its failures may be receipts or throws. */
  setWeights(weights: WeightsInput, signal: AbortSignal): Promise<WeightsReceipt>;
  /** Wait after a failed attempt. @default 120_000 */
  retryMs?: number;
  /** Wait after a successful attempt. @default 3_600_000 */
  intervalMs?: number;
  /** Wait before the first attempt. @default 0 */
  initialDelayMs?: number;
  /** Abort an attempt that runs longer than this (it counts as failed). @default 600_000 */
  attemptTimeoutMs?: number;
  /** Called with each attempt's receipt. */
  onReceipt?: (receipt: WeightsReceipt) => void;
  /** Stops the loop. */
  signal?: AbortSignal;
  /** Timers. @default the global setTimeout/clearTimeout */
  timers?: LoopTimers;
}

/** A running weights loop. */
export interface WeightsLoop {
  /** Whether an attempt is in flight. */
  readonly busy: boolean;
  /** The last receipt, if any. */
  readonly lastReceipt: WeightsReceipt | undefined;
  /** Number of attempts started. */
  readonly attempts: number;
  /** Asks for an attempt as soon as possible (after the one in flight, if any). */
  triggerNow(): void;
  /** Stops scheduling, aborts the attempt in flight and resolves when it has settled. */
  stop(): Promise<void>;
}

/**
 * Starts the loop and returns at once. The first attempt runs after
 * `initialDelayMs`.
 *
 * @example
 * ```ts ignore
 * const loop = startWeightsLoop({
 *   getWeights: () => state.currentWeights(),
 *   setWeights: (w, signal) => setWeights(w, { api, pair, netuid: 37, signal }),
 * });
 * // ... later
 * await loop.stop();
 * ```
 */
export function startWeightsLoop(options: WeightsLoopOptions): WeightsLoop {
  const log = getLog("weights");
  const timers = options.timers ?? REAL_TIMERS;
  const retryMs = options.retryMs ?? 120_000;
  const intervalMs = options.intervalMs ?? 3_600_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 600_000;
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  let timer: unknown;
  let inFlight: Promise<void> | undefined;
  let pending = false;
  let lastReceipt: WeightsReceipt | undefined;
  let attempts = 0;

  const schedule = (ms: number) => {
    if (signal.aborted) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = undefined;
      run();
    }, ms);
  };

  const attempt = async (): Promise<WeightsReceipt | undefined> => {
    const weights = await options.getWeights();
    if (weights === undefined) return undefined;
    const deadline = new AbortController();
    const handle = timers.setTimeout(
      () => deadline.abort(new DOMException(`Weights attempt ran over ${attemptTimeoutMs} ms`, "TimeoutError")),
      attemptTimeoutMs,
    );
    try {
      return await options.setWeights(weights, AbortSignal.any([signal, deadline.signal]));
    } catch (error) {
      return failureReceipt(error);
    } finally {
      timers.clearTimeout(handle);
    }
  };

  const run = () => {
    if (signal.aborted) return;
    if (inFlight) {
      pending = true;
      return;
    }
    attempts++;
    inFlight = attempt().then(
      (receipt) => {
        if (receipt === undefined) {
          log.info(`No weights to set yet; checking again in ${Math.round(retryMs / 1000)} s`);
          return retryMs;
        }
        lastReceipt = receipt;
        try {
          options.onReceipt?.(receipt);
        } catch (error) {
          log.warn("onReceipt threw", { error: String(error) });
        }
        if (receipt.success) {
          log.success(`Weights set in block ${receipt.block}; next in ${Math.round(intervalMs / 60_000)} min`, {
            extrinsicHash: receipt.extrinsicHash,
            mode: receipt.mode,
          });
          return intervalMs;
        }
        log.warn(`${receipt.reason}; retrying in ${Math.round(retryMs / 1000)} s`, {
          kind: receipt.kind,
          ...(receipt.hint ? { hint: receipt.hint } : {}),
        });
        return retryMs;
      },
      (error: unknown) => {
        log.warn(
          `Weights attempt crashed: ${(error as Error)?.message ?? error}; retrying in ${Math.round(retryMs / 1000)} s`,
        );
        return retryMs;
      },
    ).then((next) => {
      inFlight = undefined;
      if (pending) {
        pending = false;
        schedule(0);
      } else schedule(next);
    });
  };

  signal.addEventListener("abort", () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }, { once: true });
  schedule(options.initialDelayMs ?? 0);

  return {
    get busy() {
      return inFlight !== undefined;
    },
    get lastReceipt() {
      return lastReceipt;
    },
    get attempts() {
      return attempts;
    },
    triggerNow() {
      if (inFlight) pending = true;
      else schedule(0);
    },
    async stop() {
      stopper.abort();
      await inFlight;
    },
  };
}
