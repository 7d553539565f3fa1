/**
 * Deadlines for promises: bound any promise by a time limit and an abort
 * signal. The promise itself keeps running; callers that own resources
 * release them.
 *
 * @module
 */

/**
 * Settles as `promise` does, unless `signal` aborts first (then rejects with
 * the signal's reason).
 *
 * @example
 * ```ts
 * import { raceSignal } from "./deadline.ts";
 * const value = await raceSignal(Promise.resolve(1), new AbortController().signal);
 * console.assert(value === 1);
 * ```
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Settles as `promise` does, unless `ms` pass first (then rejects with
 * `onTimeout()`) or `signal` aborts (then rejects with its reason).
 *
 * @example
 * ```ts
 * import { withDeadline } from "./deadline.ts";
 * const slow = new Promise((resolve) => setTimeout(resolve, 1000));
 * await withDeadline(slow, 10, () => new Error("too slow")).catch((e) => console.assert(e.message === "too slow"));
 * ```
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(onTimeout())), ms);
    const onAbort = () => finish(() => reject(signal!.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
    let done = false;
    function finish(settle: () => void) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    }
    promise.then((value) => finish(() => resolve(value)), (error) => finish(() => reject(error)));
  });
}
