/**
 * Bounds a promise by a deadline and an abort signal.
 *
 * @module
 */

/**
 * Resolves or rejects as `promise` does, unless `ms` pass first (then rejects
 * with `onTimeout()`) or `signal` aborts (then rejects with its reason). The
 * promise itself keeps running; callers that own resources release them.
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
