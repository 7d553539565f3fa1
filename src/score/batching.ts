/**
 * Length-sorted, token-budget batching: samples are sorted by length
 * (longest first) and packed so that `rows × padded length` stays within a
 * token budget; each batch gets padded input ids, attention mask, position ids
 * and the labels the log-prob head gathers.
 *
 * @module
 */

/** A sample as token ids: the model sees `context ++ reference`. */
export interface TokenizedSample {
  readonly contextIds: readonly number[];
  readonly referenceIds: readonly number[];
}

/** Indices of the samples in one batch, and its padded length. */
export interface BatchPlan {
  /** Sample indices, one per row. */
  readonly indices: readonly number[];
  /** Padded sequence length (the longest sample's). */
  readonly length: number;
}

/** Where padding goes. Right padding needs no position ids; left padding does. */
export type Padding = "left" | "right";

/**
 * Plans batches: longest samples first, each batch as many rows as fit in
 * `budget` padded tokens (a sample longer than the budget gets a batch of
 * its own). Ties keep the input order, so the plan is deterministic.
 *
 * @example
 * ```ts
 * import { planBatches } from "./batching.ts";
 * const plan = planBatches([3, 10, 4, 9], 20);
 * console.assert(plan[0]!.indices.join() === "1,3" && plan[1]!.indices.join() === "2,0");
 * ```
 */
export function planBatches(lengths: readonly number[], budget: number): BatchPlan[] {
  if (!Number.isSafeInteger(budget) || budget < 1) throw new RangeError(`Token budget must be >= 1, got ${budget}`);
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const plans: BatchPlan[] = [];
  let current: number[] = [];
  let length = 0;
  for (const index of order) {
    const n = lengths[index]!;
    if (current.length > 0 && (current.length + 1) * length > budget) {
      plans.push({ indices: current, length });
      current = [];
    }
    if (current.length === 0) length = n;
    current.push(index);
  }
  if (current.length > 0) plans.push({ indices: current, length });
  return plans;
}

/** The tensors of one batch (row-major `[rows, length]`). */
export interface BatchTensors {
  readonly rows: number;
  readonly length: number;
  /** Token ids, pad id 0 in padding. */
  readonly inputIds: Int32Array;
  /** 1 for tokens, 0 for padding. */
  readonly attentionMask: Int32Array;
  /** 0-based positions of the tokens (1 in padding, as transformers does). */
  readonly positionIds: Int32Array;
  /** At each position, the next token (0 where there is none). */
  readonly labels: Int32Array;
  /** Per row: the flat index of the first reference prediction, and how many there are. */
  readonly spans: readonly { readonly start: number; readonly count: number }[];
}

/**
 * Builds the padded tensors of a batch. Position `t` predicts token `t + 1`;
 * a sample's reference predictions start at its last context token.
 */
export function buildBatch(
  samples: readonly TokenizedSample[],
  plan: BatchPlan,
  padding: Padding = "right",
): BatchTensors {
  const rows = plan.indices.length;
  const length = plan.length;
  const size = rows * length;
  const inputIds = new Int32Array(size);
  const attentionMask = new Int32Array(size);
  const positionIds = new Int32Array(size).fill(1);
  const labels = new Int32Array(size);
  const spans: { start: number; count: number }[] = [];
  plan.indices.forEach((sampleIndex, row) => {
    const s = samples[sampleIndex]!;
    const n = s.contextIds.length + s.referenceIds.length;
    if (n > length) throw new RangeError(`Sample ${sampleIndex} has ${n} tokens, more than the batch length ${length}`);
    const offset = row * length + (padding === "left" ? length - n : 0);
    const c = s.contextIds.length;
    for (let j = 0; j < n; j++) {
      const id = j < c ? s.contextIds[j]! : s.referenceIds[j - c]!;
      inputIds[offset + j] = id;
      attentionMask[offset + j] = 1;
      positionIds[offset + j] = j;
      if (j > 0) labels[offset + j - 1] = id;
    }
    spans.push({ start: offset + c - 1, count: s.referenceIds.length });
  });
  return { rows, length, inputIds, attentionMask, positionIds, labels, spans };
}
