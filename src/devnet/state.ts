/**
 * The devnet's storage: raw SCALE values under real storage keys (hex),
 * with typed reads and writes through the runtime metadata.
 *
 * @module
 */
import type { Codec } from "@polkadot/types/types";
import type { DevnetRuntime } from "./runtime.ts";

/** One block's storage. Forked (copied) for each new block. */
export class State {
  readonly runtime: DevnetRuntime;
  readonly #map: Map<string, Uint8Array>;
  readonly #changed = new Set<string>();

  constructor(runtime: DevnetRuntime, entries?: Map<string, Uint8Array>) {
    this.runtime = runtime;
    this.#map = new Map(entries);
  }

  /** A copy to build the next block on. */
  fork(): State {
    return new State(this.runtime, this.#map);
  }

  /** The number of stored keys. */
  get size(): number {
    return this.#map.size;
  }

  /** The raw value under a hex key. */
  getRaw(key: string): Uint8Array | undefined {
    return this.#map.get(key);
  }

  /** Stores (or with `undefined`, removes) a raw value. */
  setRaw(key: string, value: Uint8Array | undefined): void {
    if (value === undefined) this.#map.delete(key);
    else this.#map.set(key, value);
    this.#changed.add(key);
  }

  /** Keys changed since the fork, sorted. */
  changedKeys(): string[] {
    return [...this.#changed].sort();
  }

  /** The sorted keys starting with a hex prefix. */
  keysWithPrefix(prefix: string): string[] {
    const keys: string[] = [];
    for (const key of this.#map.keys()) if (key.startsWith(prefix)) keys.push(key);
    return keys.sort();
  }

  /** Reads a ValueQuery item (its default when absent) or an OptionQuery item (`undefined` when absent). */
  read<T extends Codec = Codec>(pallet: string, item: string, ...keys: unknown[]): T {
    const bytes = this.#map.get(this.runtime.key(pallet, item, ...keys)) ??
      this.runtime.fallback(pallet, item);
    return this.runtime.decodeValue<T>(pallet, item, bytes);
  }

  /** Reads an OptionQuery item: `undefined` when absent. */
  readOptional<T extends Codec = Codec>(pallet: string, item: string, ...keys: unknown[]): T | undefined {
    const bytes = this.#map.get(this.runtime.key(pallet, item, ...keys));
    return bytes === undefined ? undefined : this.runtime.decodeValue<T>(pallet, item, bytes);
  }

  /** Whether `pallet.item(...keys)` is stored. */
  has(pallet: string, item: string, ...keys: unknown[]): boolean {
    return this.#map.has(this.runtime.key(pallet, item, ...keys));
  }

  /** Writes `pallet.item(...keys) = value` (encoded with the item's type). */
  write(pallet: string, item: string, keys: readonly unknown[], value: unknown): void {
    this.setRaw(this.runtime.key(pallet, item, ...keys), this.runtime.encodeValue(pallet, item, value));
  }

  /** Removes `pallet.item(...keys)`. */
  remove(pallet: string, item: string, ...keys: unknown[]): void {
    this.setRaw(this.runtime.key(pallet, item, ...keys), undefined);
  }

  /** Reads a number-like ValueQuery item as a JS number. */
  number(pallet: string, item: string, ...keys: unknown[]): number {
    return Number((this.read(pallet, item, ...keys) as unknown as { toBigInt(): bigint }).toBigInt());
  }

  /** Reads a bool ValueQuery item. */
  bool(pallet: string, item: string, ...keys: unknown[]): boolean {
    return (this.read(pallet, item, ...keys) as unknown as { isTrue: boolean }).isTrue;
  }
}
