/**
 * The devnet's chain: blocks with real header hashes (`blake2_256` of the
 * SCALE header), per-block storage (kept for the last `stateHistory` blocks,
 * as a pruned node does), the transaction pool, and block production that
 * runs the start-of-block hooks, the timestamp inherent and the ready
 * transactions, each checked again and dispatched transactionally.
 *
 * @module
 */
import { compactToU8a, u8aConcat, u8aToHex, u8aToU8a } from "@polkadot/util";
import { blake2AsU8a } from "@polkadot/util-crypto";
import type { Header } from "@polkadot/types/interfaces";
import { guardCall, handlerOf } from "./dispatch.ts";
import { type EmittedEvent, EventSink } from "./events.ts";
import {
  decodeSignedExtrinsic,
  INVALID,
  invalid,
  PoolError,
  type SignedExtrinsic,
  verifySignature,
} from "./extrinsic.ts";
import { type BlockContext, DispatchError } from "./pallets/context.ts";
import { isEpochBlock, runEpoch, subnets } from "./pallets/subtensor.ts";
import { account, incrementNonce } from "./pallets/system.ts";
import { revealTimelockedCommits } from "./pallets/weights.ts";
import { type PoolEntry, TxPool } from "./pool.ts";
import type { DevnetRuntime } from "./runtime.ts";
import type { State } from "./state.ts";

/** A header as the node's JSON-RPC returns it. */
export interface HeaderJson {
  parentHash: string;
  number: string;
  stateRoot: string;
  extrinsicsRoot: string;
  digest: { logs: string[] };
}

/** One block. */
export interface Block {
  readonly number: number;
  readonly hash: string;
  readonly header: HeaderJson;
  readonly extrinsics: readonly string[];
  readonly events: readonly EmittedEvent[];
  /** The storage after this block; `undefined` once pruned. */
  state: State | undefined;
}

/** Options of {@linkcode DevnetChain}. */
export interface DevnetChainOptions {
  /** How many recent blocks keep their storage. @default 256 */
  stateHistory?: number;
  /** How many blocks finality lags behind the best block. @default 0 */
  finalityLag?: number;
  /** The clock for the timestamp inherent (milliseconds). @default Date.now */
  now?: () => number;
}

/** `System.BlockHashCount`. */
export const BLOCK_HASH_COUNT = 2400;
const HASH69 = `0x${"69".repeat(32)}`;

/** The chain, its storage and its pool. */
export class DevnetChain {
  readonly runtime: DevnetRuntime;
  readonly pool: TxPool = new TxPool();
  readonly #blocks: Block[] = [];
  readonly #byHash = new Map<string, Block>();
  readonly #stateHistory: number;
  readonly #now: () => number;
  readonly #onBlock = new Set<(block: Block) => void>();
  readonly #onSubmit = new Set<(entry: PoolEntry) => void>();
  #pendingFinality: { entry: PoolEntry; block: Block }[] = [];
  #finalityLag: number;
  #lastTimestamp = 0;

  constructor(runtime: DevnetRuntime, genesis: State, options: DevnetChainOptions = {}) {
    this.runtime = runtime;
    this.#stateHistory = options.stateHistory ?? 256;
    this.#finalityLag = options.finalityLag ?? 0;
    this.#now = options.now ?? Date.now;
    genesis.setRaw(runtime.key("System", "BlockHash", 0), u8aToU8a(HASH69));
    genesis.write("System", "Number", [], 0);
    this.#push(this.#seal(0, `0x${"00".repeat(32)}`, [], genesis, [], u8aToU8a(`0x${"00".repeat(32)}`)));
  }

  /** The genesis hash. */
  get genesisHash(): string {
    return this.#blocks[0]!.hash;
  }

  /** The best block. */
  get best(): Block {
    return this.#blocks.at(-1)!;
  }

  /** The finalized block. */
  get finalized(): Block {
    return this.#blocks[Math.max(0, this.#blocks.length - 1 - this.#finalityLag)]!;
  }

  /** Sets how far finality lags behind the best block. */
  set finalityLag(blocks: number) {
    this.#finalityLag = Math.max(0, Math.floor(blocks));
    this.#announceFinality();
  }

  /** A block by number or hash. */
  block(at: number | string): Block | undefined {
    return typeof at === "number" ? this.#blocks[at] : this.#byHash.get(at.toLowerCase());
  }

  /**
   * The storage at a block (the best when `at` is undefined).
   *
   * @throws {RangeError} for an unknown block or one whose state was pruned
   */
  stateAt(at?: string): State {
    const block = at === undefined || at === null ? this.best : this.#byHash.get(at.toLowerCase());
    if (block === undefined) throw new RangeError(`Unknown block ${at}`);
    if (block.state === undefined) throw new RangeError(`State already discarded for ${at}`);
    return block.state;
  }

  /** Calls `listener` with every new block; returns an unsubscribe function. */
  onBlock(listener: (block: Block) => void): () => void {
    this.#onBlock.add(listener);
    return () => this.#onBlock.delete(listener);
  }

  /** The pool-aware next nonce of an account (`system_accountNextIndex`). */
  nextIndex(address: string): number {
    return this.pool.nextNonce(address, account(this.best.state!, address).nonce);
  }

  /**
   * Checks a submitted extrinsic as the node's pool does and adds it.
   *
   * @throws {PoolError} with the node's JSON-RPC code and message
   */
  submit(hex: string): PoolEntry {
    const xt = decodeSignedExtrinsic(this.runtime, hex);
    if (this.pool.get(xt.hash) !== undefined) throw new PoolError(1013, "Transaction Already Imported", xt.hash);
    const state = this.best.state!;
    const stateNonce = this.#validate(xt, state, this.best.number + 1);
    const clash = this.pool.bySignerNonce(xt.address, xt.nonce);
    if (clash !== undefined) {
      throw new PoolError(
        1014,
        "Priority is too low: (0 vs 0)",
        "The transaction has too low priority to replace another transaction already in the pool.",
      );
    }
    const entry = this.pool.add(xt, stateNonce);
    for (const listener of this.#onSubmit) listener(entry);
    return entry;
  }

  /** Calls `listener` with every transaction accepted into the pool; returns an unsubscribe function. */
  onSubmit(listener: (entry: PoolEntry) => void): () => void {
    this.#onSubmit.add(listener);
    return () => this.#onSubmit.delete(listener);
  }

  /** The runtime's `validate_transaction` at `state` for block `current`; returns the account nonce. */
  #validate(xt: SignedExtrinsic, state: State, current: number): number {
    verifySignature(this.runtime, xt, {
      specVersion: this.runtime.version.specVersion,
      transactionVersion: this.runtime.version.transactionVersion,
      genesisHash: u8aToU8a(this.genesisHash),
      blockHash: (n) => this.#blockHashForEra(n, current),
      current,
    });
    if (xt.signer.every((b) => b === 0)) throw invalid(INVALID.badSigner);
    const handler = handlerOf(xt.call);
    const info = account(state, xt.address);
    if (xt.nonce < info.nonce) throw invalid(INVALID.stale);
    if (handler.paysFee && info.providers === 0 && info.sufficients === 0) throw invalid(INVALID.payment);
    guardCall(state, xt.address, xt.call, current);
    return info.nonce;
  }

  #blockHashForEra(n: number, current: number): Uint8Array | undefined {
    if (n !== 0 && n < current - BLOCK_HASH_COUNT - 1) return undefined;
    const block = this.#blocks[n];
    return block === undefined || n >= current ? undefined : u8aToU8a(block.hash);
  }

  /** Builds, stores and announces the next block with the ready transactions. */
  produceBlock(): Block {
    const parent = this.best;
    const number = parent.number + 1;
    const state = parent.state!.fork();
    const events = new EventSink(this.runtime);
    const ctx: BlockContext = { runtime: this.runtime, state, number, events };
    state.write("System", "Number", [], number);
    state.write("System", "ParentHash", [], parent.hash);
    state.write("System", "BlockHash", [number - 1], parent.hash);
    const stale = number - BLOCK_HASH_COUNT - 1;
    if (stale > 0) state.remove("System", "BlockHash", stale);

    events.phase = "initialization";
    revealTimelockedCommits(ctx);
    for (const netuid of subnets(state)) {
      if (isEpochBlock(netuid, state.number("SubtensorModule", "Tempo", netuid), number)) runEpoch(ctx, netuid);
    }

    const extrinsics: Uint8Array[] = [this.#timestampInherent(ctx)];
    const included: PoolEntry[] = [];
    for (const entry of this.pool.ready()) {
      const { xt } = entry;
      try {
        if (account(state, xt.address).nonce !== xt.nonce) continue;
        this.#validate(xt, state, number);
      } catch (error) {
        if (!(error instanceof PoolError)) throw error;
        this.pool.remove(xt.hash, "invalid");
        continue;
      }
      events.phase = { applyExtrinsic: extrinsics.length };
      incrementNonce(state, xt.address);
      this.#dispatch(ctx, xt);
      extrinsics.push(xt.bytes);
      included.push(entry);
    }

    events.phase = "finalization";
    state.setRaw(this.runtime.key("System", "Events"), events.encode());
    state.write("System", "EventCount", [], events.count);
    const block = this.#seal(number, parent.hash, extrinsics, state, events.emitted, u8aToU8a(parent.header.stateRoot));
    this.#push(block);
    for (const entry of included) {
      this.pool.remove(entry.xt.hash);
      this.pool.notify(entry, { inBlock: block.hash });
    }
    for (const signer of this.pool.signers()) {
      const nonce = account(state, signer).nonce;
      this.pool.dropStale(signer, nonce);
      this.pool.promote(signer, nonce);
    }
    this.#pendingFinality.push(...included.map((entry) => ({ entry, block })));
    this.#announceFinality();
    for (const listener of this.#onBlock) listener(block);
    return block;
  }

  /** Tells watchers of included transactions when their block is finalized. */
  #announceFinality(): void {
    const finalized = this.finalized.number;
    const due = this.#pendingFinality.filter((p) => p.block.number <= finalized);
    this.#pendingFinality = this.#pendingFinality.filter((p) => p.block.number > finalized);
    for (const { entry, block } of due) this.pool.notify(entry, { finalized: block.hash });
  }

  /** Runs a call in a scratch copy of the state; keeps its writes and events only when it succeeds. */
  #dispatch(ctx: BlockContext, xt: SignedExtrinsic): void {
    const handler = handlerOf(xt.call);
    const scratch = ctx.state.fork();
    const mark = ctx.events.count;
    const info = {
      weight: { refTime: 100_000_000, proofSize: 0 },
      class: "Normal",
      paysFee: handler.paysFee ? "Yes" : "No",
    };
    try {
      handler.dispatch({ ...ctx, state: scratch }, xt.address, xt.call);
      for (const key of scratch.changedKeys()) ctx.state.setRaw(key, scratch.getRaw(key));
      ctx.events.emit("System", "ExtrinsicSuccess", [info]);
    } catch (error) {
      if (!(error instanceof DispatchError)) throw error;
      ctx.events.truncate(mark);
      const [index, code] = this.runtime.errorIndex(error.pallet, error.error);
      ctx.events.emit("System", "ExtrinsicFailed", [
        { Module: { index, error: u8aToHex(new Uint8Array([code, 0, 0, 0])) } },
        info,
      ]);
    }
  }

  #timestampInherent(ctx: BlockContext): Uint8Array {
    const now = Math.max(this.#now(), this.#lastTimestamp + 1);
    this.#lastTimestamp = now;
    ctx.state.write("Timestamp", "Now", [], now);
    ctx.events.phase = { applyExtrinsic: 0 };
    ctx.events.emit("System", "ExtrinsicSuccess", [
      { weight: { refTime: 10_000_000, proofSize: 1493 }, class: "Mandatory", paysFee: "Yes" },
    ]);
    const call = this.runtime.decorated.tx.timestamp!.set!(now).toU8a();
    const body = u8aConcat(new Uint8Array([0x04]), call);
    return u8aConcat(compactToU8a(body.length), body);
  }

  #seal(
    number: number,
    parentHash: string,
    extrinsics: Uint8Array[],
    state: State,
    events: readonly EmittedEvent[],
    parentStateRoot: Uint8Array,
  ): Block {
    const changes = state.changedKeys().map((key) => u8aConcat(u8aToU8a(key), state.getRaw(key) ?? new Uint8Array()));
    const stateRoot = blake2AsU8a(u8aConcat(parentStateRoot, ...changes));
    const extrinsicsRoot = blake2AsU8a(u8aConcat(...extrinsics));
    const header = this.runtime.registry.createType<Header>("Header", {
      parentHash,
      number,
      stateRoot,
      extrinsicsRoot,
      digest: { logs: [] },
    });
    const json: HeaderJson = {
      parentHash,
      number: `0x${number.toString(16)}`,
      stateRoot: u8aToHex(stateRoot),
      extrinsicsRoot: u8aToHex(extrinsicsRoot),
      digest: { logs: [] },
    };
    return {
      number,
      hash: u8aToHex(blake2AsU8a(header.toU8a())),
      header: json,
      extrinsics: extrinsics.map((x) => u8aToHex(x)),
      events,
      state,
    };
  }

  #push(block: Block): void {
    this.#blocks.push(block);
    this.#byHash.set(block.hash, block);
    const pruned = this.#blocks[block.number - this.#stateHistory];
    if (pruned !== undefined && pruned.number !== 0) pruned.state = undefined;
  }
}
