/**
 * How far our weights agree with the other validators' (what Yuma consensus
 * rewards as vtrust): for every validator with a permit that has set weights,
 * the cosine similarity of its row with ours and whether it puts the most
 * weight on the same uid as we do; over all of them, the share of their
 * stake that agrees with our top uid, the stake-weighted majority's top uid,
 * and the cosine similarity of ours with their stake-weighted mean row.
 * Pure: rows in, numbers out.
 *
 * @module
 */

/** One neuron's weights row: `[target uid, value]` pairs, any non-negative scale (u16 on chain). */
export type WeightsRow = readonly (readonly [number, number])[];

/** A validator, as consensus needs it. */
export interface ConsensusNeuron {
  readonly uid: number;
  readonly hotkey: string;
  /** Stake weight (TAO units). */
  readonly stake: number;
  readonly validatorPermit: boolean;
}

/** Ours: which uid we are (when registered) and the row we compare. */
export interface OurWeights {
  /** Our uid on the subnet, when known (our row on chain is then excluded from the others). */
  readonly uid?: number | undefined;
  /** Our weights: dense (index = uid) or as `[uid, value]` pairs. */
  readonly weights: readonly number[] | WeightsRow;
  /** Where they came from: our row on chain, or the subnet weights we computed last. */
  readonly source: "chain" | "computed";
}

/** One validator compared with us. */
export interface ValidatorAgreement {
  readonly uid: number;
  readonly hotkey: string;
  readonly stake: number;
  /** Its share of the stake of every permitted validator that has set weights (ours excluded). */
  readonly stakeShare: number;
  /** Whether it has a weights row on chain. */
  readonly hasWeights: boolean;
  /** Cosine similarity of its row with ours (0..1), null without a row or when ours is empty. */
  readonly cosine: number | null;
  /** The uid it gives the most weight (lowest uid on ties), null without weights. */
  readonly topUid: number | null;
  /** Whether its top uid is ours, null when either has none. */
  readonly agreesOnTop: boolean | null;
  /** This is us (never counted in the shares). */
  readonly self: boolean;
}

/** The comparison of our weights with every permitted validator's. */
export interface ConsensusReport {
  readonly ourUid: number | null;
  readonly source: "chain" | "computed";
  /** The uid we give the most weight (lowest on ties), null when we give none. */
  readonly ourTopUid: number | null;
  /** Every permitted validator (and us), by stake, largest first. */
  readonly validators: readonly ValidatorAgreement[];
  /** Permitted validators other than us with a weights row. */
  readonly comparedValidators: number;
  /** Share (0..1) of their stake whose top uid is ours; null when none is compared or we have no top uid. */
  readonly agreeingStakeShare: number | null;
  /** The uid the most of their stake gives its top weight (lowest on ties), null when none is compared. */
  readonly majorityTopUid: number | null;
  /** The share of their stake behind {@linkcode majorityTopUid}. */
  readonly majorityStakeShare: number | null;
  /** Cosine similarity of ours with their stake-weighted mean row (rows normalized first); null when undefined. */
  readonly consensusCosine: number | null;
  /** Our top uid differs from the stake-weighted majority's (false when either is unknown). */
  readonly disagreesWithMajority: boolean;
}

/** `[uid, value]` pairs → a sparse map, values summed per uid; negative and non-finite values dropped. */
function toMap(weights: readonly number[] | WeightsRow): Map<number, number> {
  const out = new Map<number, number>();
  const add = (uid: number, value: number) => {
    if (Number.isFinite(value) && value > 0 && Number.isInteger(uid) && uid >= 0) {
      out.set(uid, (out.get(uid) ?? 0) + value);
    }
  };
  for (const [i, entry] of weights.entries()) {
    if (typeof entry === "number") add(i, entry);
    else add(entry[0], entry[1]);
  }
  return out;
}

/** The uid with the largest value (the lowest uid on ties), or null for an empty row. */
export function topUid(weights: readonly number[] | WeightsRow): number | null {
  let best: number | null = null;
  let bestValue = 0;
  for (const [uid, value] of [...toMap(weights)].sort((a, b) => a[0] - b[0])) {
    if (value > bestValue) {
      best = uid;
      bestValue = value;
    }
  }
  return best;
}

/** Cosine similarity of two non-negative rows (0..1); null when either is all zero. */
export function cosineSimilarity(a: readonly number[] | WeightsRow, b: readonly number[] | WeightsRow): number | null {
  const x = toMap(a);
  const y = toMap(b);
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (const [uid, v] of x) {
    nx += v * v;
    dot += v * (y.get(uid) ?? 0);
  }
  for (const v of y.values()) ny += v * v;
  if (nx === 0 || ny === 0) return null;
  return Math.min(1, dot / Math.sqrt(nx * ny));
}

/**
 * Compares our weights with those of every validator with a permit.
 * `rows` maps a setter uid to its row (as read from `SubtensorModule.Weights`).
 */
export function compareWithValidators(
  ours: OurWeights,
  neurons: readonly ConsensusNeuron[],
  rows: ReadonlyMap<number, WeightsRow>,
): ConsensusReport {
  const ourTopUid = topUid(ours.weights);
  const ourUid = ours.uid ?? null;
  const permitted = neurons.filter((n) => n.validatorPermit || n.uid === ourUid);
  const others = permitted.filter((n) => n.uid !== ourUid && (rows.get(n.uid)?.length ?? 0) > 0);
  const totalStake = others.reduce((sum, n) => sum + Math.max(0, n.stake), 0);
  // Without any stake (a fresh local chain) every compared validator counts the same.
  const share = (stake: number) => totalStake > 0 ? Math.max(0, stake) / totalStake : 1 / others.length;

  const validators: ValidatorAgreement[] = permitted.map((n) => {
    const self = n.uid === ourUid;
    const row = rows.get(n.uid) ?? [];
    const hasWeights = toMap(row).size > 0;
    const top = hasWeights ? topUid(row) : null;
    return {
      uid: n.uid,
      hotkey: n.hotkey,
      stake: n.stake,
      stakeShare: self || !hasWeights ? 0 : share(n.stake),
      hasWeights,
      cosine: hasWeights ? cosineSimilarity(row, ours.weights) : null,
      topUid: top,
      agreesOnTop: top === null || ourTopUid === null ? null : top === ourTopUid,
      self,
    };
  }).sort((a, b) => b.stake - a.stake || a.uid - b.uid);

  // Stake behind each top uid, and the stake-weighted mean of the normalized rows.
  const votes = new Map<number, number>();
  const mean = new Map<number, number>();
  for (const n of others) {
    const row = toMap(rows.get(n.uid)!);
    const top = topUid([...row]);
    const weight = share(n.stake);
    if (top !== null) votes.set(top, (votes.get(top) ?? 0) + weight);
    const sum = [...row.values()].reduce((a, b) => a + b, 0);
    for (const [uid, value] of row) mean.set(uid, (mean.get(uid) ?? 0) + weight * value / sum);
  }
  let majorityTopUid: number | null = null;
  let majorityStakeShare: number | null = null;
  for (const [uid, votesFor] of [...votes].sort((a, b) => a[0] - b[0])) {
    if (majorityStakeShare === null || votesFor > majorityStakeShare + 1e-12) {
      majorityTopUid = uid;
      majorityStakeShare = votesFor;
    }
  }
  const compared = others.length;
  const agreeingStakeShare = compared === 0 || ourTopUid === null ? null : votes.get(ourTopUid) ?? 0;
  return {
    ourUid,
    source: ours.source,
    ourTopUid,
    validators,
    comparedValidators: compared,
    agreeingStakeShare,
    majorityTopUid,
    majorityStakeShare,
    consensusCosine: compared === 0 ? null : cosineSimilarity([...mean], ours.weights),
    disagreesWithMajority: ourTopUid !== null && majorityTopUid !== null && ourTopUid !== majorityTopUid,
  };
}
