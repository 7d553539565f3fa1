/**
 * Who beats whom: pairwise wins with an advantage for earlier commits, win
 * rates, and winner-take-all step weights, as the SN37 reference validator
 * computes them (research/sn37_mechanism.md §4).
 *
 * @module
 */

/** Linear epsilon decay of a competition. */
export interface EpsilonDecay {
  /** Epsilon of a model committed at the current block. */
  readonly start: number;
  /** Epsilon once the model is `blocks` old. */
  readonly end: number;
  /** Blocks over which epsilon decays from `start` to `end`. */
  readonly blocks: number;
}

/** One evaluated model. */
export interface ScoredModel {
  /** The miner's uid. */
  readonly uid: number;
  /** Loss (lower is better); `Infinity` for a failed model. */
  readonly loss: number;
  /** Block of the model's commitment (its age); `Infinity` when unknown. */
  readonly block: number;
}

/**
 * Epsilon of a model committed at `block`, at `currentBlock`: `start` minus
 * the decayed part, never below `end`.
 *
 * @example
 * ```ts
 * import { epsilon } from "./win_rate.ts";
 * const decay = { start: 0.05, end: 0.01, blocks: 21_600 };
 * console.assert(Math.abs(epsilon(decay, 10_800, 0) - 0.03) < 1e-12);
 * ```
 */
export function epsilon(decay: EpsilonDecay, currentBlock: number, block: number): number {
  const age = Math.max(currentBlock - block, 0);
  const fraction = Number.isFinite(age) ? Math.min(age / decay.blocks, 1) : 1;
  return decay.start - fraction * (decay.start - decay.end);
}

/**
 * Whether model `i` beats model `j`: the earlier commit's loss is lowered by
 * its epsilon, and the win must be strict (equal losses and equal blocks give
 * no win; two infinite losses never win).
 */
export function isWin(i: ScoredModel, j: ScoredModel, decay: EpsilonDecay, currentBlock: number): boolean {
  const li = i.block < j.block ? (1 - epsilon(decay, currentBlock, i.block)) * i.loss : i.loss;
  const lj = j.block < i.block ? (1 - epsilon(decay, currentBlock, j.block)) * j.loss : j.loss;
  return li < lj;
}

/** Each model's share of pairwise wins against the others (0 for a lone model). */
export function winRates(
  models: readonly ScoredModel[],
  decay: EpsilonDecay,
  currentBlock: number,
): Map<number, number> {
  const rates = new Map<number, number>();
  for (const i of models) {
    let wins = 0;
    for (const j of models) if (j !== i && isWin(i, j, decay, currentBlock)) wins++;
    rates.set(i.uid, models.length > 1 ? wins / (models.length - 1) : 0);
  }
  return rates;
}

/**
 * Winner-take-all step weights: 1 for every uid whose win rate equals the
 * maximum (ties share), 0 for the others, normalized to sum to 1.
 */
export function stepWeights(rates: ReadonlyMap<number, number>): Map<number, number> {
  const best = Math.max(...rates.values());
  const winners = [...rates].filter(([, rate]) => rate === best).map(([uid]) => uid);
  return new Map([...rates.keys()].map((uid) => [uid, winners.includes(uid) ? 1 / winners.length : 0]));
}

/**
 * The moving average of a competition's weights: the first record takes the
 * new weights, later ones `alpha·old + (1 − alpha)·new` over every uid (so
 * models not evaluated this step decay too). Computed in float32 like the
 * reference's torch tensors.
 */
export function movingAverage(
  previous: ReadonlyMap<number, number> | undefined,
  next: ReadonlyMap<number, number>,
  alpha = 0.9,
): Map<number, number> {
  const total = [...next.values()].reduce((a, b) => a + b, 0);
  const normalized = new Map([...next].map(([uid, w]) => [uid, total > 0 ? Math.fround(w / total) : 0]));
  if (previous === undefined) return normalized;
  const uids = new Set([...previous.keys(), ...normalized.keys()]);
  return new Map(
    [...uids].map((uid) => [
      uid,
      Math.fround(
        Math.fround(alpha * (previous.get(uid) ?? 0)) + Math.fround((1 - alpha) * (normalized.get(uid) ?? 0)),
      ),
    ]),
  );
}

/**
 * The weights to set from one competition's moving average: entries below
 * `threshold` of the normalized average are dropped and the rest renormalized.
 */
export function thresholdWeights(average: ReadonlyMap<number, number>, threshold = 0.18): Map<number, number> {
  const total = [...average.values()].reduce((a, b) => a + b, 0);
  if (!(total > 0)) return new Map([...average.keys()].map((uid) => [uid, 0]));
  const kept = new Map([...average].map(([uid, w]) => [uid, w / total >= threshold ? w / total : 0]));
  const keptTotal = [...kept.values()].reduce((a, b) => a + b, 0);
  return new Map([...kept].map(([uid, w]) => [uid, keptTotal > 0 ? w / keptTotal : 0]));
}
