/**
 * One `@polkadot/api` connection with deadlines and bounded reconnects.
 * `ApiPromise.create` alone never gives up on an endpoint that does not
 * answer and the provider's own auto-reconnect retries forever; here the
 * provider never reconnects by itself: the client does, with exponential
 * backoff and a bounded number of attempts, and every call runs under a
 * deadline. Each role (reading, setting weights) opens its own client.
 *
 * @module
 */
import { ApiPromise, WsProvider } from "@polkadot/api";
import type { ApiOptions } from "@polkadot/api/types";
import { getLog, type Log } from "../log/mod.ts";
import { delay, raceSignal } from "../util/mod.ts";
import { apiOptions } from "./api_options.ts";
import { ChainConnectionError, ChainError, ChainTimeoutError } from "./chain_error.ts";

/** Reconnect policy. */
export interface ReconnectOptions {
  /** First delay after a failed attempt. @default 250 */
  initialDelayMs?: number;
  /** Longest delay between attempts. @default 5000 */
  maxDelayMs?: number;
  /** Attempts per outage before calls fail (a later call starts a new round). @default 8 */
  maxAttempts?: number;
}

/** One finished call, for metrics: what it was, how long it took, and how it failed. */
export interface ChainCallEvent {
  /** The call's description (`read the best block`, `read the hash of block 12`, …). */
  readonly what: string;
  readonly seconds: number;
  /** How it failed: no answer by the deadline, the connection, or anything else; absent on success. */
  readonly error?: "timeout" | "connection" | "error";
}

/** Options of {@linkcode connectChain}. */
export interface ConnectChainOptions {
  /** Closes the connection and fails pending calls when aborted. */
  signal?: AbortSignal;
  /** Deadline of connecting, and the default deadline of every call (ms). @default 30000 */
  timeoutMs?: number;
  /** Reconnect policy. @default {@linkcode ReconnectOptions} defaults */
  reconnect?: ReconnectOptions;
  /** Logger. @default getLog("chain") */
  log?: Log;
  /** Told of every finished {@linkcode ChainClient.call} (a call the caller cancelled is not a failure). */
  onCall?: ((event: ChainCallEvent) => void) | undefined;
}

/** Options of {@linkcode ChainClient.call}. */
export interface CallOptions {
  /** Cancels the call. */
  signal?: AbortSignal | undefined;
  /** The call's deadline. @default the client's `timeoutMs` */
  timeoutMs?: number | undefined;
  /** Retry once after a reconnect if the connection dropped during the call (reads only). @default true */
  retry?: boolean | undefined;
}

const DISCONNECTED = /disconnected from|WebSocket is not connected|Abnormal Closure|Normal Closure|Going Away/i;

/** A connection to one chain endpoint. Create with {@linkcode connectChain}; close with `close()`. */
export class ChainClient implements AsyncDisposable {
  /** The `ws(s)://` endpoint. */
  readonly endpoint: string;
  /** The default deadline of a call (ms). */
  readonly timeoutMs: number;
  readonly #provider: WsProvider;
  readonly #log: Log;
  readonly #reconnect: Required<ReconnectOptions>;
  readonly #onCall: ((event: ChainCallEvent) => void) | undefined;
  readonly #closed = new AbortController();
  #api: ApiPromise | undefined;
  #reconnecting: Promise<void> | undefined;

  /** @internal Use {@linkcode connectChain}. */
  constructor(endpoint: string, options: ConnectChainOptions = {}) {
    this.endpoint = endpoint;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#log = options.log ?? getLog("chain");
    this.#onCall = options.onCall;
    this.#reconnect = {
      initialDelayMs: options.reconnect?.initialDelayMs ?? 250,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 5_000,
      maxAttempts: options.reconnect?.maxAttempts ?? 8,
    };
    this.#provider = new WsProvider(endpoint, false, {}, this.timeoutMs);
    this.#provider.on("disconnected", () => this.#onDisconnected());
    options.signal?.addEventListener("abort", () => void this.close(), { once: true });
  }

  /** The polkadot.js API. Use it through {@linkcode call} so that every use has a deadline. */
  get api(): ApiPromise {
    if (this.#api === undefined) throw new ChainError(`Cannot use chain "${this.endpoint}": not connected yet`);
    return this.#api;
  }

  /** Whether the WebSocket is open now. */
  get isConnected(): boolean {
    return this.#provider.isConnected;
  }

  /** @internal Connects and waits for the API to be ready, by the deadline. */
  async open(signal: AbortSignal): Promise<void> {
    await this.#ensureConnected(signal);
    const provider = this.#provider as unknown as NonNullable<ApiOptions["provider"]>;
    const api = new ApiPromise({ ...apiOptions(), provider });
    this.#api = api;
    try {
      await raceSignal(api.isReadyOrError, signal);
    } catch (error) {
      throw this.#wrap(error, "connect to the chain", this.timeoutMs);
    }
    this.#log.debug("Connected", { endpoint: this.endpoint, chain: api.runtimeChain.toString() });
  }

  /**
   * Runs `fn` with the API under a deadline, reconnecting first if the
   * connection is down.
   *
   * @throws {ChainTimeoutError} when the deadline passes
   * @throws {ChainConnectionError} when the endpoint cannot be reached
   * @throws {ChainError} when the call fails
   */
  async call<T>(what: string, fn: (api: ApiPromise) => Promise<T>, options: CallOptions = {}): Promise<T> {
    if (this.#onCall === undefined) return await this.#call(what, fn, options);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const value = await this.#call(what, fn, options);
      this.#tell({ what, seconds: seconds() });
      return value;
    } catch (error) {
      if (!options.signal?.aborted) {
        const kind = error instanceof ChainTimeoutError
          ? "timeout"
          : error instanceof ChainConnectionError
          ? "connection"
          : "error";
        this.#tell({ what, seconds: seconds(), error: kind });
      }
      throw error;
    }
  }

  #tell(event: ChainCallEvent): void {
    try {
      this.#onCall?.(event);
    } catch { /* an observer never breaks a call */ }
  }

  async #call<T>(what: string, fn: (api: ApiPromise) => Promise<T>, options: CallOptions): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const signals = [AbortSignal.timeout(timeoutMs), this.#closed.signal];
    if (options.signal) signals.push(options.signal);
    const signal = AbortSignal.any(signals);
    let attempt = 0;
    for (;;) {
      try {
        await this.#ensureConnected(signal);
        return await raceSignal(fn(this.api), signal);
      } catch (error) {
        const retry = (options.retry ?? true) && attempt === 0 && !signal.aborted && isDisconnect(error);
        if (!retry) throw this.#wrap(error, what, timeoutMs, options.signal);
        attempt++;
        this.#log.debug("Retrying after the connection dropped", { what });
      }
    }
  }

  #wrap(error: unknown, what: string, timeoutMs: number, callerSignal?: AbortSignal): unknown {
    if (callerSignal?.aborted && error === callerSignal.reason) return error;
    if (error instanceof ChainError) return error;
    if (this.#closed.signal.aborted) {
      return new ChainConnectionError(`Cannot ${what}: the connection to "${this.endpoint}" was closed`);
    }
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return new ChainTimeoutError(`Cannot ${what}: no answer from "${this.endpoint}" within ${timeoutMs} ms`, {
        hint: "The node is slow, stalled or overloaded; check it, or use another endpoint (--subtensor.network)",
        cause: error,
      });
    }
    if (isDisconnect(error)) {
      return new ChainConnectionError(`Cannot ${what}: lost the connection to "${this.endpoint}"`, {
        hint: "Check that the node is up and reachable",
        cause: error,
      });
    }
    return new ChainError(`Cannot ${what} on "${this.endpoint}": ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }

  #onDisconnected(): void {
    if (this.#closed.signal.aborted || this.#reconnecting !== undefined) return;
    this.#log.warn("Lost the chain connection; reconnecting", { endpoint: this.endpoint });
    this.#ensureConnected(this.#closed.signal).catch(() => {});
  }

  /** Connects (or waits for the reconnect in progress), with backoff and bounded attempts. */
  #ensureConnected(signal: AbortSignal): Promise<void> {
    if (this.#provider.isConnected) return Promise.resolve();
    this.#reconnecting ??= this.#connectWithBackoff().finally(() => {
      this.#reconnecting = undefined;
    });
    return raceSignal(this.#reconnecting, signal);
  }

  async #connectWithBackoff(): Promise<void> {
    const { initialDelayMs, maxDelayMs, maxAttempts } = this.#reconnect;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.#closed.signal.aborted) break;
      try {
        await this.#connectOnce();
        if (attempt > 1) this.#log.info("Reconnected", { endpoint: this.endpoint, attempt });
        return;
      } catch (error) {
        lastError = error;
        if (attempt === maxAttempts) break;
        const wait = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
        this.#log.debug("Connection attempt failed", { endpoint: this.endpoint, attempt, waitMs: wait });
        await delay(wait, this.#closed.signal).catch(() => {});
      }
    }
    throw new ChainConnectionError(
      `Cannot connect to "${this.endpoint}": ${maxAttempts} attempts failed (${
        (lastError as Error)?.message ?? "closed"
      })`,
      { hint: "Check --subtensor.network / --subtensor.chain_endpoint and that the node is up", cause: lastError },
    );
  }

  /** One WebSocket connection attempt: resolves when open, rejects when it closes or errors first. */
  #connectOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`no WebSocket handshake within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const offConnected = this.#provider.on("connected", () => done());
      const offDisconnected = this.#provider.on("disconnected", () => done(new Error("connection refused or closed")));
      const done = (error?: Error) => {
        clearTimeout(timer);
        offConnected();
        offDisconnected();
        if (error) reject(error);
        else resolve();
      };
      this.#provider.connect().catch((error) => done(error as Error));
    });
  }

  /** Closes the connection; pending calls fail. */
  async close(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort(new ChainConnectionError(`The connection to "${this.endpoint}" was closed`));
    const wasConnected = this.#provider.isConnected;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = new Promise<void>((resolve) => {
      const off = this.#provider.on("disconnected", () => {
        off();
        clearTimeout(timer);
        resolve();
      });
      timer = setTimeout(() => {
        off();
        resolve();
      }, 1_000);
    });
    try {
      if (this.#api !== undefined) await this.#api.disconnect();
      else await this.#provider.disconnect();
    } catch { /* already closed */ }
    if (wasConnected) await closed;
    clearTimeout(timer);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function isDisconnect(error: unknown): boolean {
  return error instanceof ChainConnectionError || DISCONNECTED.test(String((error as Error)?.message ?? error));
}

/**
 * Connects to a chain endpoint and waits until the API is ready, by a
 * deadline. Each caller owns its client and closes it.
 *
 * @example
 * ```ts ignore
 * await using client = await connectChain("ws://127.0.0.1:9944", { timeoutMs: 10_000 });
 * const hash = await client.call("read the finalized head", (api) => api.rpc.chain.getFinalizedHead());
 * ```
 *
 * @throws {ChainConnectionError} when the endpoint cannot be reached
 * @throws {ChainTimeoutError} when the API is not ready by the deadline
 */
export async function connectChain(endpoint: string, options: ConnectChainOptions = {}): Promise<ChainClient> {
  const client = new ChainClient(endpoint, options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const signals = [AbortSignal.timeout(timeoutMs)];
  if (options.signal) signals.push(options.signal);
  try {
    await client.open(AbortSignal.any(signals));
  } catch (error) {
    await client.close();
    if (options.signal?.aborted && error === options.signal.reason) throw error;
    if (error instanceof ChainError) throw error;
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new ChainTimeoutError(`Cannot connect to "${endpoint}": not ready within ${timeoutMs} ms`, {
        hint: "Check --subtensor.network / --subtensor.chain_endpoint and that the node is up",
        cause: error,
      });
    }
    throw error;
  }
  return client;
}
