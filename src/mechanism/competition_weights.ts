/**
 * The reference's competition tracker, in float32 as its torch tensors are
 * (taoverse `CompetitionTracker`, research/sn37_mechanism.md §4.5–§4.8): a
 * step's winner-take-all weights, the moving average per competition (the
 * first record sets it; every uid decays), the subnet weights across active
 * competitions with the minimum-weight threshold, the priority that decides
 * which models stay queued, and the bf16 rounding of per-sample losses.
 *
 * Scalars meet float32 tensors the way torch's CPU kernels do: a Python
 * float is cast to float32 first (`0.9 · W` is `fround(0.9) · W`), products
 * and sums are rounded to float32, and `tensor.sum()` adds in the order of
 * torch's cascade sum over 8-lane float32 vectors ({@linkcode torchSum};
 * measured against torch 2.13 on an AVX-512 machine, on 400 vectors of 1 to
 * 4,099 elements: every sum equal to the bit).
 *
 * @module
 */

const f = Math.fround;

/** The moving-average weight of the past (`constants.ALPHA`). */
export const EMA_ALPHA = 0.9;
/** Competition weights below this share are dropped from the subnet weights (`MIN_WEIGHT_THRESHOLD`). */
export const MIN_WEIGHT_THRESHOLD = 0.18;
/** Models kept queued for the next step of a competition (`sample_min`). */
export const MODELS_TO_KEEP = 3;

/** SIMD lanes of torch's float32 sum kernel (8 float32 per vector; measured, see the module doc). */
export const TORCH_SUM_LANES = 8;

function ceilLog2(x: number): number {
  return x <= 1 ? 0 : Math.ceil(Math.log2(x));
}

/**
 * torch's `multi_row_sum`: `nrows` running sums over `size` rows, added in
 * chunks of at least 16 rows that are themselves summed in levels. Each
 * element is a vector of `lanes` float32 values, added lane by lane.
 */
function multiRowSum(
  load: (row: number, col: number) => Float32Array,
  size: number,
  nrows: number,
  lanes: number,
): Float32Array[] {
  const levels = 4;
  const power = Math.max(4, Math.floor(ceilLog2(size) / levels));
  const step = 1 << power;
  const mask = step - 1;
  const acc = Array.from({ length: levels }, () => Array.from({ length: nrows }, () => new Float32Array(lanes)));
  const add = (into: Float32Array, from: Float32Array) => {
    for (let l = 0; l < lanes; l++) into[l] = f(into[l]! + from[l]!);
  };
  let i = 0;
  while (i + step <= size) {
    for (let j = 0; j < step; j++, i++) for (let k = 0; k < nrows; k++) add(acc[0]![k]!, load(i, k));
    for (let j = 1; j < levels; j++) {
      for (let k = 0; k < nrows; k++) {
        add(acc[j]![k]!, acc[j - 1]![k]!);
        acc[j - 1]![k]!.fill(0);
      }
      if ((i & (mask << (j * power))) !== 0) break;
    }
  }
  for (; i < size; i++) for (let k = 0; k < nrows; k++) add(acc[0]![k]!, load(i, k));
  for (let j = 1; j < levels; j++) for (let k = 0; k < nrows; k++) add(acc[0]![k]!, acc[j]![k]!);
  return acc[0]!;
}

/** torch's `row_sum`: the row read as four interleaved columns, summed, then folded together. */
function rowSum(load: (index: number) => Float32Array, size: number, lanes: number): Float32Array {
  const ilp = 4;
  const rows = Math.floor(size / ilp);
  const partial = multiRowSum((row, col) => load(row * ilp + col), rows, ilp, lanes);
  const add = (into: Float32Array, from: Float32Array) => {
    for (let l = 0; l < lanes; l++) into[l] = f(into[l]! + from[l]!);
  };
  for (let i = rows * ilp; i < size; i++) add(partial[0]!, load(i));
  for (let k = 1; k < ilp; k++) add(partial[0]!, partial[k]!);
  return partial[0]!;
}

/**
 * `tensor.sum()` of a contiguous float32 vector as torch computes it on the
 * CPU (ATen's `cascade_sum`, float32 accumulators): whole vectors of `lanes`
 * elements are cascade-summed lane by lane, the leftover elements summed in
 * order, then each lane added to that.
 */
export function torchSum(values: Float32Array, lanes = TORCH_SUM_LANES): number {
  const n = values.length;
  if (n < lanes) return rowSum((i) => values.subarray(i, i + 1), n, 1)[0]!;
  const vectors = Math.floor(n / lanes);
  const acc = rowSum((i) => values.subarray(i * lanes, (i + 1) * lanes), vectors, lanes);
  let total = 0;
  for (let k = vectors * lanes; k < n; k++) total = f(total + values[k]!);
  for (let l = 0; l < lanes; l++) total = f(total + acc[l]!);
  return total;
}

/** `x /= x.sum()`, in place: an all-zero vector becomes NaN, as in torch. */
function divideBySumInPlace(values: Float32Array): void {
  const total = torchSum(values);
  for (let i = 0; i < values.length; i++) values[i] = f(values[i]! / total);
}

/** `x.nan_to_num(0.0)`, in place. */
function nanToZeroInPlace(values: Float32Array): void {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) values[i] = 0;
}

/** `x /= x.sum(); x = x.nan_to_num(0.0)` on a vector the caller owns. */
function normalizeInPlace(values: Float32Array): void {
  divideBySumInPlace(values);
  nanToZeroInPlace(values);
}

/**
 * A step's weights as the reference builds them: 1 (float32) for every
 * evaluated uid whose win rate equals the best, 0 elsewhere, in a vector the
 * size of the metagraph.
 */
export function stepWeightVector(winRates: ReadonlyMap<number, number>, size: number): Float32Array {
  const out = new Float32Array(size);
  if (winRates.size === 0) return out;
  const best = Math.max(...winRates.values());
  for (const [uid, rate] of winRates) {
    if (uid < 0 || uid >= size) throw new RangeError(`Uid ${uid} is outside the metagraph of ${size} neurons`);
    if (rate === best) out[uid] = 1;
  }
  return out;
}

/**
 * `record_competition_weights`: normalizes the step's weights and folds them
 * into the competition's moving average (`alpha·W + (1 − alpha)·new` over
 * every uid; the first record sets it). A stored vector shorter than the new
 * one grows with zeros; it never shrinks. Returns a new vector.
 */
export function recordCompetitionWeights(
  stored: Float32Array | undefined,
  step: Float32Array,
  alpha = EMA_ALPHA,
): Float32Array {
  const next = Float32Array.from(step);
  normalizeInPlace(next);
  if (stored === undefined) return next;
  const size = Math.max(stored.length, next.length);
  const past = resizeWeights(stored, size);
  const now = resizeWeights(next, size);
  const a = f(alpha);
  const b = f(1 - alpha);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = f(f(a * past[i]!) + f(b * now[i]!));
  return out;
}

/** A copy of `values` grown with zeros to `size` (never shorter than it is). */
export function resizeWeights(values: Float32Array, size: number): Float32Array {
  if (size <= values.length) return Float32Array.from(values);
  const out = new Float32Array(size);
  out.set(values);
  return out;
}

/** One active competition, as the subnet weights need it. */
export interface RewardShare {
  readonly id: number;
  /** Its share of the subnet's weight (sums to 1 over the schedule). */
  readonly rewardPercentage: number;
}

/**
 * `get_subnet_weights`: the weights to set, from each active competition's
 * moving average. With a threshold (> 0) each stored average is first
 * divided by its sum **in place** (as the reference does to its stored tensor), then
 * on a copy entries below the threshold are zeroed and the rest
 * renormalized; each competition adds its share; the total is normalized.
 * Without a threshold (the reference at startup) the averages are used as
 * they are.
 */
export function subnetWeights(
  averages: Map<number, Float32Array>,
  competitions: readonly RewardShare[],
  size: number,
  threshold = 0,
): Float32Array {
  const total = new Float32Array(size);
  const limit = f(threshold);
  for (const competition of competitions) {
    const stored = averages.get(competition.id);
    if (stored === undefined) continue;
    let weights = stored;
    if (threshold > 0) {
      // The reference divides its stored tensor in place; nan_to_num then makes a copy. So an all-zero average
      // is stored as NaN from here on (it cannot arise in a step: a step always has a winner).
      divideBySumInPlace(stored);
      weights = Float32Array.from(stored);
      nanToZeroInPlace(weights);
      for (let i = 0; i < weights.length; i++) if (weights[i]! < limit) weights[i] = 0;
      normalizeInPlace(weights);
    }
    const share = f(competition.rewardPercentage);
    for (let i = 0; i < Math.min(size, weights.length); i++) total[i] = f(total[i]! + f(weights[i]! * share));
  }
  normalizeInPlace(total);
  return total;
}

/**
 * The priority that decides which models stay queued after a step:
 * `1 + W` for a uid holding at least 0.001 of the competition's moving
 * average (so it always outranks a win rate), else its win rate.
 */
export function modelPriority(average: Float32Array | undefined, uid: number, winRate: number): number {
  const weight = average?.[uid] ?? 0;
  return weight >= 0.001 ? 1 + weight : winRate;
}

/**
 * The uids to keep for the competition's next step: the `keep` highest
 * priorities, descending; ties keep the order of `uids` (the caller passes
 * them ascending, see the README on tie order).
 */
export function modelsToKeep(
  uids: readonly number[],
  priority: (uid: number) => number,
  keep = MODELS_TO_KEEP,
): number[] {
  return uids.map((uid, index) => ({ uid, index, p: priority(uid) }))
    .sort((a, b) => b.p - a.p || a.index - b.index)
    .slice(0, keep)
    .map((x) => x.uid);
}

const scratch = new DataView(new ArrayBuffer(4));

/**
 * Rounds a number to bfloat16 (round to nearest, ties to even), as the
 * reference's bf16 cross-entropy returns each sample's loss. Infinity and
 * NaN pass through.
 */
export function roundToBfloat16(x: number): number {
  if (!Number.isFinite(x)) return x;
  scratch.setFloat32(0, x);
  const bits = scratch.getUint32(0);
  const rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000;
  scratch.setUint32(0, rounded >>> 0);
  return scratch.getFloat32(0);
}
