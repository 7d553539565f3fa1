/**
 * Why a request never got an answer, in words: `fetch` rejects with
 * `TypeError: fetch failed` and hides the reason in its `cause` (DNS,
 * refused connection, TLS, …); a deadline rejects with a `TimeoutError`.
 *
 * @module
 */

/** The kinds of network failure an operator can act on. */
export type NetworkFailureKind = "dns" | "refused" | "tls" | "timeout" | "unreachable" | "reset" | "other";

/** A network failure, classified. */
export interface NetworkFailure {
  readonly kind: NetworkFailureKind;
  /** What happened, e.g. `DNS lookup of "huggingface.co" failed`. */
  readonly reason: string;
}

/** The error and its causes, outermost first. */
function* causeChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < 16 && current !== undefined && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function messages(error: unknown): string[] {
  return [...causeChain(error)].map((e) => e instanceof Error ? e.message : String(e));
}

function isTimeout(error: unknown): boolean {
  return [...causeChain(error)].some((e) => e instanceof DOMException && e.name === "TimeoutError");
}

/**
 * Classifies a failed request (the error `fetch` or a WebSocket gave), or
 * `undefined` when the error is not a network failure.
 *
 * @example
 * ```ts
 * import { describeNetworkError } from "./network_error.ts";
 * const cause = new Error("client error (Connect): tcp connect error: Connection refused (os error 111)");
 * const failure = describeNetworkError(new TypeError("fetch failed", { cause }), "http://127.0.0.1:9/");
 * console.assert(failure?.kind === "refused");
 * ```
 */
export function describeNetworkError(error: unknown, url?: string): NetworkFailure | undefined {
  const text = messages(error).join(" | ");
  let host = "the server";
  try {
    const named = url ?? /\burl \(([^) ]+)\)/.exec(text)?.[1];
    if (named !== undefined) host = `"${new URL(named).host}"`;
  } catch { /* keep the generic name */ }
  if (isTimeout(error)) return { kind: "timeout", reason: `${host} did not answer in time` };
  if (
    /dns error|failed to lookup address|name or service not known|temporary failure in name resolution|nodename nor servname|no address associated/i
      .test(text)
  ) {
    return { kind: "dns", reason: `DNS lookup of ${host} failed (no network, no resolver, or a wrong host name)` };
  }
  if (/connection refused|ECONNREFUSED/i.test(text)) {
    return { kind: "refused", reason: `${host} refused the connection (nothing listens on that port)` };
  }
  if (
    /certificate|tls|ssl|handshake|UnknownIssuer|InvalidCertificate|corrupt message|InvalidContentType|peer is incompatible|AlertReceived/i
      .test(text)
  ) {
    const detail = /(invalid peer certificate[^|]*|certificate[^|]*|received corrupt message[^|]*)/i.exec(text)?.[1]
      ?.trim();
    return { kind: "tls", reason: `TLS with ${host} failed${detail ? ` (${detail})` : ""}` };
  }
  if (/network is unreachable|no route to host|host is unreachable|ENETUNREACH|EHOSTUNREACH/i.test(text)) {
    return { kind: "unreachable", reason: `${host} is unreachable (no route: check the network)` };
  }
  if (/connection reset|broken pipe|connection closed|unexpected eof|ECONNRESET/i.test(text)) {
    return { kind: "reset", reason: `the connection to ${host} was dropped` };
  }
  if (/fetch failed|error sending request|client error|tcp connect error/i.test(text)) {
    return { kind: "other", reason: `the request to ${host} failed: ${messages(error).at(-1)}` };
  }
  return undefined;
}
