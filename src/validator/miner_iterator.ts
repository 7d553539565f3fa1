/**
 * A cyclic iterator over the miner uids (taoverse `MinerIterator`): sorted,
 * from a random start so that restarts do not always favour low uids, and
 * keeping its place when the metagraph changes (the next uid is the first
 * at or after the one that would have come next).
 *
 * @module
 */

/** Iterates the uids forever. */
export class MinerIterator {
  #uids: number[];
  #index: number;

  /**
   * @param uids the metagraph's uids
   * @param random a source of [0, 1) for the starting place @default Math.random
   */
  constructor(uids: readonly number[], random: () => number = Math.random) {
    this.#uids = [...uids].sort((a, b) => a - b);
    this.#index = this.#uids.length === 0 ? 0 : Math.floor(random() * this.#uids.length);
  }

  /**
   * The next uid.
   *
   * @throws {RangeError} when there are no uids
   */
  next(): number {
    const uid = this.peek();
    this.#index = (this.#index + 1) % this.#uids.length;
    return uid;
  }

  /**
   * The uid {@linkcode next} returns, without moving.
   *
   * @throws {RangeError} when there are no uids
   */
  peek(): number {
    if (this.#uids.length === 0) throw new RangeError("Cannot iterate the miners: there are no uids");
    return this.#uids[this.#index]!;
  }

  /** Replaces the uids, continuing at the first uid ≥ the one that would have come next. */
  setUids(uids: readonly number[]): void {
    const sorted = [...uids].sort((a, b) => a - b);
    if (this.#uids.length === 0) {
      this.#uids = sorted;
      this.#index = 0;
      return;
    }
    const next = this.#uids[this.#index]!;
    let index = sorted.findIndex((uid) => uid >= next);
    if (index < 0) index = 0;
    this.#uids = sorted;
    this.#index = index;
  }
}
