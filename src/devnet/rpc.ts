/**
 * The devnet's JSON-RPC methods (the subset of a subtensor node that
 * `@polkadot/api` 16 uses, research/chain.md §4 and §6.1), their
 * subscriptions, and `dev_*` controls. Transport-agnostic: the server feeds
 * parsed requests and a `send` function per connection.
 *
 * @module
 */
import { hexToU8a, isHex, u8aToHex } from "@polkadot/util";
import type { Block, DevnetChain } from "./chain.ts";
import { PoolError } from "./extrinsic.ts";
import type { TxStatus } from "./pool.ts";
import { RuntimeApiError, stateCall } from "./runtime_api.ts";
import type { State } from "./state.ts";

/** A JSON-RPC error. */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

/** One client connection's side of the RPC layer. */
export interface RpcConnection {
  /** Sends a JSON message to the client. */
  send(message: unknown): void;
  /** Active subscriptions: id → cancel. */
  readonly subscriptions: Map<string, () => void>;
}

/** A JSON-RPC response as the devnet sends it. */
export interface RpcResponse {
  readonly jsonrpc: "2.0";
  readonly id: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/**
 * Rewrites a response before it is sent, as a misbehaving node would (fault injection). Returns the
 * message to send instead (any JSON), or `undefined` to send the response unchanged.
 */
export type ReplyMangler = (method: string, params: readonly unknown[], response: RpcResponse) => unknown;

/** Controls behind the `dev_*` methods. */
export interface DevControls {
  /** Produces `count` blocks. */
  mine(count: number): Block[];
  /** Stores a drand pulse. */
  addPulse(round: number, signature: string): void;
}

type Handler = (params: unknown[], connection: RpcConnection) => unknown;

let subscriptionCounter = 0;
function newSubscriptionId(): string {
  subscriptionCounter++;
  return `sub${subscriptionCounter.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/** The JSON-RPC method table over a chain. */
export class RpcMethods {
  readonly #chain: DevnetChain;
  readonly #methods: Record<string, Handler>;
  /** How many times each method was called. */
  readonly calls = new Map<string, number>();
  /** Runtime-API methods (`state_call` names) answered as missing, as an older runtime would; `*` for all but Core/Metadata. */
  readonly missingRuntimeApis = new Set<string>();
  /** Rewrites responses before they are sent (fault injection); `undefined` sends them as they are. */
  mangler: ReplyMangler | undefined;

  constructor(chain: DevnetChain, controls: DevControls, version: string) {
    this.#chain = chain;
    const c = chain;
    const subscribeHeads = (method: string, pick: (block: Block) => Block) => (_: unknown[], conn: RpcConnection) => {
      const id = newSubscriptionId();
      const push = (block: Block) => conn.send(notification(method, id, pick(block).header));
      let last = "";
      const dedupe = (block: Block) => {
        const picked = pick(block);
        if (picked.hash === last) return;
        last = picked.hash;
        push(block);
      };
      conn.subscriptions.set(id, c.onBlock(dedupe));
      queueMicrotask(() => dedupe(c.best));
      return id;
    };
    const unsubscribe = (params: unknown[], conn: RpcConnection) => {
      const cancel = conn.subscriptions.get(String(params[0]));
      conn.subscriptions.delete(String(params[0]));
      cancel?.();
      return cancel !== undefined;
    };
    const newHeads = subscribeHeads("chain_newHead", (b) => b);
    const finalizedHeads = subscribeHeads("chain_finalizedHead", () => c.finalized);
    const allHeads = subscribeHeads("chain_allHead", (b) => b);
    this.#methods = {
      rpc_methods: () => ({ methods: Object.keys(this.#methods).sort(), version: 1 }),
      system_chain: () => "Bittensor",
      system_name: () => "subvalid-devnet",
      system_version: () => version,
      system_chainType: () => "Development",
      system_health: () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }),
      system_properties: () => ({ ss58Format: 42, tokenDecimals: 9, tokenSymbol: "TAO" }),
      system_peers: () => [],
      system_accountNextIndex: ([address]) => c.nextIndex(String(address)),
      chain_getBlockHash: ([n]) => {
        const number = n === undefined || n === null ? c.best.number : typeof n === "string" ? Number(n) : Number(n);
        return c.block(number)?.hash ?? null;
      },
      chain_getHeader: ([at]) => this.#block(at)?.header ?? null,
      chain_getBlock: ([at]) => {
        const block = this.#block(at);
        return block === undefined
          ? null
          : { block: { header: block.header, extrinsics: block.extrinsics }, justifications: null };
      },
      chain_getFinalizedHead: () => c.finalized.hash,
      chain_getFinalisedHead: () => c.finalized.hash,
      chain_subscribeNewHead: newHeads,
      chain_subscribeNewHeads: newHeads,
      chain_unsubscribeNewHead: unsubscribe,
      chain_unsubscribeNewHeads: unsubscribe,
      chain_subscribeFinalizedHeads: finalizedHeads,
      chain_subscribeFinalisedHeads: finalizedHeads,
      chain_unsubscribeFinalizedHeads: unsubscribe,
      chain_unsubscribeFinalisedHeads: unsubscribe,
      chain_subscribeAllHeads: allHeads,
      chain_unsubscribeAllHeads: unsubscribe,
      state_getRuntimeVersion: ([at]) => (this.#stateAt(at), c.runtime.version),
      chain_getRuntimeVersion: ([at]) => (this.#stateAt(at), c.runtime.version),
      state_getMetadata: ([at]) => (this.#stateAt(at), u8aToHex(c.runtime.metadataBytes)),
      state_subscribeRuntimeVersion: (_, conn) => {
        const id = newSubscriptionId();
        conn.subscriptions.set(id, () => {});
        queueMicrotask(() => conn.send(notification("state_runtimeVersion", id, c.runtime.version)));
        return id;
      },
      state_unsubscribeRuntimeVersion: unsubscribe,
      state_call: ([method, data, at]) => {
        const state = this.#stateAt(at);
        const name = String(method);
        const builtin = name.startsWith("Core_") || name.startsWith("Metadata_");
        if (this.missingRuntimeApis.has(name) || (!builtin && this.missingRuntimeApis.has("*"))) {
          throw new RpcError(4003, `Client error: Execution failed: Other: Exported method ${name} is not found`);
        }
        try {
          return u8aToHex(stateCall(state, String(method), hexToU8a(String(data ?? "0x"))));
        } catch (error) {
          if (error instanceof RuntimeApiError || error instanceof RangeError) {
            throw new RpcError(4003, `Client error: Execution failed: Other: ${error.message}`);
          }
          throw error;
        }
      },
      state_getStorage: ([key, at]) => this.#get(this.#stateAt(at), key),
      state_getStorageAt: ([key, at]) => this.#get(this.#stateAt(at), key),
      state_getStorageHash: ([key, at]) => {
        const value = this.#get(this.#stateAt(at), key);
        return value === null ? null : u8aToHex(c.runtime.registry.hash(hexToU8a(value)));
      },
      state_getStorageSize: ([key, at]) => {
        const value = this.#get(this.#stateAt(at), key);
        return value === null ? null : hexToU8a(value).length;
      },
      state_queryStorageAt: ([keys, at]) => {
        const block = at === undefined || at === null ? c.best : this.#block(at);
        const state = this.#stateAt(block?.hash ?? at);
        const list = keysParam(keys);
        return [{ block: block!.hash, changes: list.map((key) => [key, this.#get(state, key)]) }];
      },
      state_getKeysPaged: ([prefix, count, startKey, at]) => {
        const state = this.#stateAt(at);
        const limit = Number(count);
        if (!Number.isInteger(limit) || limit < 0 || limit > 1000) {
          throw new RpcError(-32602, `count exceeds maximum value. value: ${count}, max: 1000`);
        }
        const start = typeof startKey === "string" ? startKey.toLowerCase() : "";
        return state.keysWithPrefix(hexParam(prefix)).filter((k) => k > start).slice(0, limit);
      },
      state_getKeys: ([prefix, at]) => this.#stateAt(at).keysWithPrefix(hexParam(prefix)),
      state_subscribeStorage: ([keys], conn) => this.#subscribeStorage(keysParam(keys), conn),
      state_unsubscribeStorage: unsubscribe,
      author_submitExtrinsic: ([extrinsic]) => pool(() => c.submit(String(extrinsic)).xt.hash),
      author_submitAndWatchExtrinsic: ([extrinsic], conn) => {
        const entry = pool(() => c.submit(String(extrinsic)));
        const id = newSubscriptionId();
        const watcher = (status: TxStatus) => {
          conn.send(notification("author_extrinsicUpdate", id, status));
          if (typeof status === "object" && "finalized" in status || status === "invalid" || status === "dropped") {
            entry.watchers.delete(watcher);
            conn.subscriptions.delete(id);
          }
        };
        conn.subscriptions.set(id, () => entry.watchers.delete(watcher));
        const initial = entry.status;
        queueMicrotask(() => {
          watcher(initial);
          entry.watchers.add(watcher);
          if (initial === "ready" && entry.status === "future") watcher("future");
        });
        return id;
      },
      author_unwatchExtrinsic: unsubscribe,
      author_pendingExtrinsics: () => [...c.pool.ready()].map((e) => u8aToHex(e.xt.bytes)),
      dev_newBlock: ([options]) => {
        const count = Number((options as { count?: number } | undefined)?.count ?? 1);
        if (!Number.isInteger(count) || count < 1 || count > 10_000) {
          throw new RpcError(-32602, `Invalid count ${count}: give 1 to 10000`);
        }
        return controls.mine(count).at(-1)!.hash;
      },
      dev_addPulse: ([round, signature]) => {
        controls.addPulse(Number(round), String(signature));
        return null;
      },
    };
  }

  /** Runs one request; returns the JSON-RPC response object (passed through {@linkcode mangler} when set). */
  handle(request: { id?: unknown; method?: unknown; params?: unknown }, connection: RpcConnection): unknown {
    const method = typeof request.method === "string" ? request.method : "";
    const params = Array.isArray(request.params)
      ? request.params
      : request.params === undefined
      ? []
      : [request.params];
    const response = this.#handle(request.id ?? null, method, params, connection);
    return this.mangler === undefined ? response : this.mangler(method, params, response) ?? response;
  }

  #handle(id: unknown, method: string, params: unknown[], connection: RpcConnection): RpcResponse {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const handler = this.#methods[method];
    if (handler === undefined) return { jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } };
    try {
      const result = handler(params, connection);
      return { jsonrpc: "2.0", id, result: result === undefined ? null : result };
    } catch (error) {
      if (error instanceof RpcError) {
        const body = { code: error.code, message: error.message };
        return { jsonrpc: "2.0", id, error: error.data === undefined ? body : { ...body, data: error.data } };
      }
      return { jsonrpc: "2.0", id, error: { code: -32603, message: `Internal error: ${(error as Error).message}` } };
    }
  }

  #block(at: unknown): Block | undefined {
    if (at === undefined || at === null) return this.#chain.best;
    return this.#chain.block(String(at));
  }

  #stateAt(at: unknown): State {
    try {
      return this.#chain.stateAt(at === undefined || at === null ? undefined : String(at));
    } catch (error) {
      const message = (error as Error).message;
      throw new RpcError(
        4003,
        message.startsWith("State already discarded")
          ? `Client error: ${message}`
          : `Client error: UnknownBlock: Header was not found in the database: ${at}`,
      );
    }
  }

  #get(state: State, key: unknown): string | null {
    const value = state.getRaw(hexParam(key));
    return value === undefined ? null : u8aToHex(value);
  }

  #subscribeStorage(keys: string[], conn: RpcConnection): string {
    if (keys.length === 0) throw new RpcError(-32602, "Subscribing to all storage is not supported by the devnet");
    const id = newSubscriptionId();
    const chain = this.#chain;
    let last = new Map<string, string | null>();
    const push = (block: Block, all: boolean) => {
      const state = block.state!;
      const changes: [string, string | null][] = [];
      const next = new Map<string, string | null>();
      for (const key of keys) {
        const value = this.#get(state, key);
        next.set(key, value);
        if (all || last.get(key) !== value) changes.push([key, value]);
      }
      last = next;
      if (changes.length > 0) conn.send(notification("state_storage", id, { block: block.hash, changes }));
    };
    conn.subscriptions.set(id, chain.onBlock((block) => push(block, false)));
    const best = chain.best;
    queueMicrotask(() => push(best, true));
    return id;
  }
}

function notification(method: string, subscription: string, result: unknown): unknown {
  return { jsonrpc: "2.0", method, params: { subscription, result } };
}

function hexParam(value: unknown): string {
  const text = String(value ?? "").toLowerCase();
  if (!isHex(text)) throw new RpcError(-32602, `Invalid params: "${text}" is not hex`);
  return text;
}

function keysParam(value: unknown): string[] {
  if (!Array.isArray(value)) throw new RpcError(-32602, "Invalid params: expected an array of storage keys");
  return value.map(hexParam);
}

function pool<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof PoolError) throw new RpcError(error.code, error.rpcMessage, error.data);
    throw error;
  }
}
