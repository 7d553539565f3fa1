/**
 * Sync blocks and the evaluation seed (the reference's `finetune/utils.py`; research/sn37_mechanism.md
 * §3.1): validators evaluate on the data drawn from the hash of the latest sync block, a block every
 * `cadence` blocks counted from the subnet's `genesis`.
 *
 * SN37 uses genesis 3_138_611 and cadence 360 (the defaults). The local chain starts at block 0: pass
 * `{ genesis: 0 }` (and a short cadence) there. Blocks below genesis give sync blocks below genesis,
 * rounding toward minus infinity as Python's `//` does.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** SN37's `GENESIS_BLOCK`. */
export const SN37_GENESIS_BLOCK = 3_138_611;
/** SN37's `SYNC_BLOCK_CADENCE`. */
export const SN37_SYNC_BLOCK_CADENCE = 360;

/** Options of {@linkcode syncBlock} and {@linkcode nextSyncBlock}. */
export interface SyncBlockOptions {
  /** The block sync blocks are counted from. @default 3_138_611 */
  readonly genesis?: number;
  /** Blocks between sync blocks. @default 360 */
  readonly cadence?: number;
}

function params(block: number, options: SyncBlockOptions): { genesis: number; cadence: number } {
  const genesis = options.genesis ?? SN37_GENESIS_BLOCK;
  const cadence = options.cadence ?? SN37_SYNC_BLOCK_CADENCE;
  if (!Number.isSafeInteger(block)) throw new TypeError(`Cannot compute a sync block of ${block}: not an integer`);
  if (!Number.isSafeInteger(genesis)) {
    throw new TypeError(`Cannot compute sync blocks: genesis ${genesis} is not an integer`);
  }
  if (!Number.isSafeInteger(cadence) || cadence <= 0) {
    throw new RangeError(`Cannot compute sync blocks: cadence ${cadence} is not a positive integer`);
  }
  return { genesis, cadence };
}

/**
 * The latest sync block at or before `block`: `(block - genesis) // cadence * cadence + genesis`
 * with Python's floor division.
 *
 * @example
 * ```ts
 * import { syncBlock } from "./sync_block.ts";
 * console.assert(syncBlock(5_500_000) === 5_499_851);
 * console.assert(syncBlock(10, { genesis: 0, cadence: 4 }) === 8);
 * ```
 */
export function syncBlock(block: number, options: SyncBlockOptions = {}): number {
  const { genesis, cadence } = params(block, options);
  return Math.floor((block - genesis) / cadence) * cadence + genesis;
}

/**
 * The next sync block strictly after `block`: the reference's
 * `ceil((block - genesis) / cadence) * cadence + genesis`, plus one cadence when that equals `block`.
 * (The reference divides in floating point; for safe integers the ceiling is the exact one.)
 */
export function nextSyncBlock(block: number, options: SyncBlockOptions = {}): number {
  const { genesis, cadence } = params(block, options);
  const next = Math.ceil((block - genesis) / cadence) * cadence + genesis;
  return next === block ? next + cadence : next;
}

/**
 * The evaluation seed of a block hash: `int(sha256(hash.encode("utf-8")).hexdigest(), 16)`, where
 * `hash` is the "0x…" string the chain returns (lowercase hex, as substrate serializes it; upper-case
 * digits are lowered first).
 *
 * @example
 * ```ts
 * import { seedFromBlockHash } from "./sync_block.ts";
 * const seed = seedFromBlockHash("0x" + "11".repeat(32));
 * console.assert(seed === 99707213387532522805047265518171547922337399156784143484050966736368402234225n);
 * ```
 * @throws {TypeError} for a string that is not "0x" followed by hex digits
 */
export function seedFromBlockHash(hash: string): bigint {
  if (!/^0x[0-9a-fA-F]+$/.test(hash)) {
    throw new TypeError(`Cannot derive a seed from block hash "${hash}": expected "0x" and hex digits`);
  }
  return BigInt("0x" + createHash("sha256").update(hash.toLowerCase(), "utf8").digest("hex"));
}
