/**
 * The hub's HTTP failures, and which of them are worth another attempt
 * (the retry loop itself is `retry` from the async toolkit).
 *
 * @module
 */
import type { RetryPolicy } from "../util/mod.ts";

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

/** The hub's retry policy: what is retryable, and the wait a `Retry-After` asks for. */
export function hubRetryPolicy(signal?: AbortSignal, onRetry?: RetryPolicy["onRetry"]): RetryPolicy {
  return {
    isRetryable: (error) => isRetryable(error, signal),
    retryAfterMs: (error) => error instanceof HubHttpError ? error.retryAfterMs : undefined,
    signal,
    onRetry,
  };
}
