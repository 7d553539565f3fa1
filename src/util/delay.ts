/**
 * An abortable delay.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as
 * `signal` aborts (at once when it already has).
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
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
