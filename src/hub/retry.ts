/**
 * Bounded retries with exponential backoff and jitter that honour the hub's `Retry-After`.
 *
 * @module
 */

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

/** An HTTP answer from the hub that is not a success. */
export class HubHttpError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** The hub's `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`, ...). */
  readonly code: string | undefined;
  /** The wait `Retry-After` asked for, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The URL asked. */
  readonly url: string;

  constructor(status: number, url: string, message: string, code?: string, retryAfterMs?: number) {
    super(message);
    this.status = status;
    this.url = url;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  override get name(): string {
    return "HubHttpError";
  }

  /** Whether trying again may help: 408, 429 and 5xx. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** A download that ended early or sent wrong bytes; retrying may help. */
export class TransferError extends Error {
  /** `truncated`: fewer bytes than announced; `corrupt`: wrong size or hash. */
  readonly kind: "truncated" | "corrupt";

  constructor(kind: "truncated" | "corrupt", message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }

  override get name(): string {
    return "TransferError";
  }
}

/** Whether an error is worth another attempt. Aborts by the caller never are. */
export function isRetryable(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  if (error instanceof HubHttpError) return error.retryable;
  if (error instanceof TransferError) return true;
  if (error instanceof DOMException) return error.name === "TimeoutError" || error.name === "AbortError";
  // fetch() rejects with TypeError on network failures; body reads fail with various errors.
  if (error instanceof TypeError) return true;
  if (error instanceof Error && /connection|network|reset|body|socket|tcp|timed out/i.test(error.message)) return true;
  return false;
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

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelay(error: unknown, attempt: number, options: RetryOptions = {}, random = Math.random): number {
  const retryAfter = error instanceof HubHttpError ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter, options.maxRetryAfterMs ?? 120_000);
  const base = options.baseDelayMs ?? 1000;
  const backoff = Math.min(options.maxDelayMs ?? 30_000, base * 2 ** (attempt - 1));
  return backoff * (0.5 + random() * 0.5);
}

/** Context of {@linkcode withRetry}. */
export interface WithRetryContext {
  /** Cancels the attempts and the waits. */
  signal?: AbortSignal | undefined;
  /** Called before each wait. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, or the attempts run out; then throws the
 * last error.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
  context: WithRetryContext = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  for (let attempt = 1;; attempt++) {
    context.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error, context.signal)) throw error;
      const delay = retryDelay(error, attempt, options);
      context.onRetry?.(error, attempt, delay);
      await abortableSleep(delay, context.signal);
    }
  }
}

/** Waits, rejecting with the signal's reason when it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
