/**
 * A model against the competition's leaders, the way a validator would
 * judge it (research/sn37_mechanism.md §4.1–§4.3): pairwise wins with the
 * epsilon advantage of the earlier commit, the win rate, and the score it
 * must stay under to beat every one of them. Also: who the leaders are, by
 * the stake-weighted weights of the validators on chain.
 *
 * @module
 */
import { epsilon, type EpsilonDecay, isWin } from "../mechanism/mod.ts";

/** A model in a comparison. */
export interface Contender {
  readonly label: string;
  /** Its competition score (lower is better; `Infinity` when it failed). */
  readonly score: number;
  /** Its commit block (the model's age for epsilon). */
  readonly block: number;
}

/** How a model fares against the others. */
export interface Comparison {
  /** Share of pairwise wins. */
  readonly winRate: number;
  /** The labels it beats. */
  readonly beats: readonly string[];
  /** The labels that beat it, or that it does not beat. */
  readonly losesTo: readonly string[];
  /** Each other model's bar: the score to stay strictly under to beat it. */
  readonly bars: ReadonlyMap<string, number>;
  /** The score to stay strictly under to beat every other model (`Infinity` when there are none). */
  readonly mustBeat: number;
}

/** The score `candidate` must stay under to beat `other` (strictly), given their commit blocks. */
export function scoreToBeat(
  candidateBlock: number,
  other: Pick<Contender, "score" | "block">,
  decay: EpsilonDecay,
  currentBlock: number,
): number {
  if (candidateBlock < other.block) return other.score / (1 - epsilon(decay, currentBlock, candidateBlock));
  if (candidateBlock > other.block) return (1 - epsilon(decay, currentBlock, other.block)) * other.score;
  return other.score;
}

/** Compares `candidate` with each of `others` at `currentBlock`. */
export function compareModels(
  candidate: Contender,
  others: readonly Contender[],
  decay: EpsilonDecay,
  currentBlock: number,
): Comparison {
  const me = { uid: -1, loss: candidate.score, block: candidate.block };
  const beats: string[] = [];
  const losesTo: string[] = [];
  const bars = new Map<string, number>();
  for (const [i, other] of others.entries()) {
    const them = { uid: i, loss: other.score, block: other.block };
    (isWin(me, them, decay, currentBlock) ? beats : losesTo).push(other.label);
    bars.set(other.label, scoreToBeat(candidate.block, other, decay, currentBlock));
  }
  return {
    winRate: others.length === 0 ? 0 : beats.length / others.length,
    beats,
    losesTo,
    bars,
    mustBeat: Math.min(...bars.values()),
  };
}

/**
 * The uids the validators favour: each validator with a permit and stake
 * contributes its weights row, normalized, times its stake; the `count`
 * uids with the most come first (ties by uid).
 */
export function leadingUids(
  validators: readonly { readonly uid: number; readonly stake: number; readonly validatorPermit: boolean }[],
  weights: ReadonlyMap<number, readonly (readonly [number, number])[]>,
  count: number,
): { uid: number; share: number }[] {
  const total = new Map<number, number>();
  let stakeSum = 0;
  for (const v of validators) {
    if (!v.validatorPermit || !(v.stake > 0)) continue;
    const row = weights.get(v.uid) ?? [];
    const sum = row.reduce((s, [, w]) => s + w, 0);
    if (sum <= 0) continue;
    stakeSum += v.stake;
    for (const [uid, w] of row) total.set(uid, (total.get(uid) ?? 0) + v.stake * w / sum);
  }
  return [...total]
    .map(([uid, value]) => ({ uid, share: stakeSum > 0 ? value / stakeSum : 0 }))
    .sort((a, b) => b.share - a.share || a.uid - b.uid)
    .slice(0, count);
}
