/**
 * The transaction pool: ready and future transactions per signer, ordered by
 * nonce, with watchers that receive the node's `author_extrinsicUpdate`
 * statuses (`"future"`, `"ready"`, `{inBlock}`, `{finalized}`, `"invalid"`,
 * `"dropped"`).
 *
 * @module
 */
import type { SignedExtrinsic } from "./extrinsic.ts";

/** A status of `author_submitAndWatchExtrinsic`. */
export type TxStatus =
  | "future"
  | "ready"
  | "invalid"
  | "dropped"
  | { readonly inBlock: string }
  | { readonly finalized: string };

/** A transaction in the pool. */
export interface PoolEntry {
  readonly xt: SignedExtrinsic;
  status: "future" | "ready";
  /** Submission order. */
  readonly seq: number;
  readonly watchers: Set<(status: TxStatus) => void>;
}

/** Ready and future transactions. */
export class TxPool {
  readonly #byHash = new Map<string, PoolEntry>();
  #seq = 0;

  /** The number of transactions in the pool. */
  get size(): number {
    return this.#byHash.size;
  }

  /** The entry with this extrinsic hash. */
  get(hash: string): PoolEntry | undefined {
    return this.#byHash.get(hash);
  }

  /** The entry of a signer with this nonce. */
  bySignerNonce(address: string, nonce: number): PoolEntry | undefined {
    for (const entry of this.#byHash.values()) {
      if (entry.xt.address === address && entry.xt.nonce === nonce) return entry;
    }
    return undefined;
  }

  /** Adds a transaction; `stateNonce` is the signer's account nonce. */
  add(xt: SignedExtrinsic, stateNonce: number): PoolEntry {
    const entry: PoolEntry = { xt, status: "future", seq: this.#seq++, watchers: new Set() };
    this.#byHash.set(xt.hash, entry);
    this.promote(xt.address, stateNonce);
    return entry;
  }

  /** The next nonce of a signer counting its ready transactions (`system_accountNextIndex`). */
  nextNonce(address: string, stateNonce: number): number {
    let next = stateNonce;
    const nonces = new Set(this.#entriesOf(address).filter((e) => e.status === "ready").map((e) => e.xt.nonce));
    while (nonces.has(next)) next++;
    return next;
  }

  /** Marks the signer's transactions ready whose nonces continue the account nonce without gaps. */
  promote(address: string, stateNonce: number): void {
    const entries = this.#entriesOf(address).sort((a, b) => a.xt.nonce - b.xt.nonce);
    let next = stateNonce;
    for (const entry of entries) {
      if (entry.xt.nonce === next) {
        if (entry.status !== "ready") {
          entry.status = "ready";
          this.notify(entry, "ready");
        }
        next++;
      } else if (entry.status === "ready" && entry.xt.nonce > next) {
        entry.status = "future";
      }
    }
  }

  /** Ready transactions in submission order, each signer's in nonce order. */
  ready(): PoolEntry[] {
    const ready = [...this.#byHash.values()].filter((e) => e.status === "ready").sort((a, b) => a.seq - b.seq);
    const bySigner = new Map<string, PoolEntry[]>();
    for (const entry of ready) {
      const list = bySigner.get(entry.xt.address) ?? [];
      list.push(entry);
      bySigner.set(entry.xt.address, list);
    }
    for (const list of bySigner.values()) list.sort((a, b) => a.xt.nonce - b.xt.nonce);
    const cursor = new Map<string, number>();
    return ready.map((entry) => {
      const i = cursor.get(entry.xt.address) ?? 0;
      cursor.set(entry.xt.address, i + 1);
      return bySigner.get(entry.xt.address)![i]!;
    });
  }

  /** Removes a transaction, telling its watchers `final` if given. */
  remove(hash: string, final?: TxStatus): PoolEntry | undefined {
    const entry = this.#byHash.get(hash);
    if (entry === undefined) return undefined;
    this.#byHash.delete(hash);
    if (final !== undefined) this.notify(entry, final);
    return entry;
  }

  /** Removes every transaction of a signer with a nonce below `stateNonce` (now stale). */
  dropStale(address: string, stateNonce: number): void {
    for (const entry of this.#entriesOf(address)) {
      if (entry.xt.nonce < stateNonce) this.remove(entry.xt.hash, "invalid");
    }
  }

  /** Every signer with transactions in the pool. */
  signers(): string[] {
    return [...new Set([...this.#byHash.values()].map((e) => e.xt.address))];
  }

  /** Sends a status to an entry's watchers. */
  notify(entry: PoolEntry, status: TxStatus): void {
    for (const watcher of entry.watchers) watcher(status);
  }

  #entriesOf(address: string): PoolEntry[] {
    return [...this.#byHash.values()].filter((e) => e.xt.address === address);
  }
}
