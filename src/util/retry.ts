/**
 * Bounded retries with exponential backoff and jitter that honour a server's
 * `Retry-After`. What is worth retrying, and what wait a failure asks for,
 * are the caller's: the hub, the chain and the datasets server each know
 * their own errors.
 *
 * @module
 */
import { delay } from "./delay.ts";

/** Retry settings. */
export interface RetryOptions {
  /** Attempts in total (the first try included). @default 5 */
  attempts?: number;
  /** Backoff before the second attempt; doubles after each failure. @default 1000 */
  baseDelayMs?: number;
  /** Largest backoff. @default 30000 */
  maxDelayMs?: number;
  /** Largest wait a `Retry-After` may ask for; longer requests wait this long. @default 120000 */
  maxRetryAfterMs?: number;
}

/** The caller's knowledge of its errors, and hooks. */
export interface RetryPolicy {
  /** Whether an error is worth another attempt. @default every error */
  isRetryable?: ((error: unknown) => boolean) | undefined;
  /** The wait an error asks for (a `Retry-After`), in milliseconds. @default none */
  retryAfterMs?: ((error: unknown) => number | undefined) | undefined;
  /** Cancels the attempts and the waits. */
  signal?: AbortSignal | undefined;
  /** Called before each wait. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
  /** Jitter source in [0, 1). @default Math.random */
  random?: (() => number) | undefined;
}

/**
 * Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./retry.ts";
 * console.assert(parseRetryAfter("2") === 2000);
 * ```
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): the
 * `Retry-After` asked for (capped), else exponential backoff with jitter
 * between half and all of it.
 */
export function backoffDelay(
  attempt: number,
  options: RetryOptions = {},
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs ?? 120_000);
  const base = options.baseDelayMs ?? 1000;
  const backoff = Math.min(options.maxDelayMs ?? 30_000, base * 2 ** (attempt - 1));
  return backoff * (0.5 + random() * 0.5);
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, or the attempts
 * run out; then throws the last error. An abort of `policy.signal` is never
 * retried.
 *
 * @example
 * ```ts
 * import { retry } from "./retry.ts";
 * let calls = 0;
 * const value = await retry(() => ++calls < 3 ? Promise.reject(new Error("flaky")) : Promise.resolve("ok"), {
 *   attempts: 5,
 *   baseDelayMs: 1,
 * });
 * console.assert(value === "ok" && calls === 3);
 * ```
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
  policy: RetryPolicy = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const { signal } = policy;
  for (let attempt = 1;; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || signal?.aborted || !(policy.isRetryable?.(error) ?? true)) throw error;
      const wait = backoffDelay(attempt, options, policy.retryAfterMs?.(error), policy.random);
      policy.onRetry?.(error, attempt, wait);
      await delay(wait, signal);
    }
  }
}
