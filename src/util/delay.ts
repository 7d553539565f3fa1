/**
 * An abortable delay.
 *
 * @module
 */

/** The longest wait one `setTimeout` holds (2^31 - 1 ms); longer waits go in slices. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` milliseconds (any length: waits beyond `setTimeout`'s limit go
 * in slices); rejects with the signal's reason as soon as `signal` aborts (at
 * once when it already has).
 *
 * @example
 * ```ts
 * import { delay } from "./delay.ts";
 * await delay(1);
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let left = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const step = () => {
      if (left <= 0) {
        signal?.removeEventListener("abort", onAbort);
        return resolve();
      }
      const slice = Math.min(left, MAX_TIMER_MS);
      left -= slice;
      timer = setTimeout(step, slice);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    step();
  });
}
