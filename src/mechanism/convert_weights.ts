/**
 * Weights → the u16 values a `set_weights` call carries, exactly as the
 * Python SDK's `convert_weights_and_uids_for_emit` computes them after
 * `convert_uids_and_weights` (research/chain.md §2.4):
 *
 * 1. every weight is cast to float32 (numpy `astype(float32)`);
 * 2. negative weights or uids, and unequal lengths, are refused;
 * 3. an all-zero vector sends nothing;
 * 4. each weight is divided by the maximum (in float64, as Python does with
 *    `float(w) / float(max)`), multiplied by 65535 (float64) and rounded with
 *    Python's `round`: to nearest, ties to even;
 * 5. entries that round to 0 are dropped with their uid; the order is kept.
 *
 * @module
 */

/** The largest u16, the value the biggest weight becomes. */
export const U16_MAX = 65535;

/** What a weight-setting extrinsic carries: destination uids and u16 values. */
export interface EmitWeights {
  /** Destination uids, in the input order, zeros dropped. */
  readonly uids: number[];
  /** u16 values, one per uid; the largest is 65535. */
  readonly values: number[];
}

/**
 * Rounds a non-negative float64 to the nearest integer, ties to even (Python's
 * `round`). Exact: for `x < 2**52` the fractional part `x - floor(x)` is
 * representable, so comparing it with 0.5 is exact.
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Converts weights for `uids` into the u16 values the chain receives,
 * identical to the Python SDK (see the module doc).
 *
 * @throws {RangeError} If the lengths differ, the input is empty, a uid is not
 * an integer in 0..65535, or a weight is negative or not finite (also after the
 * float32 cast).
 *
 * @example
 * ```ts
 * import { convertWeightsForEmit } from "./convert_weights.ts";
 * const out = convertWeightsForEmit([0, 1, 2], [0.5, 1, 0]);
 * console.assert(out.uids.join() === "0,1" && out.values.join() === "32768,65535");
 * ```
 */
export function convertWeightsForEmit(uids: ArrayLike<number>, weights: ArrayLike<number>): EmitWeights {
  if (uids.length !== weights.length) {
    throw new RangeError(
      `Cannot convert weights: ${uids.length} uids but ${weights.length} weights, the lengths must be equal`,
    );
  }
  if (uids.length === 0) throw new RangeError("Cannot convert weights: no uids and no weights given");
  const float32 = new Array<number>(weights.length);
  let max = 0;
  for (let i = 0; i < weights.length; i++) {
    const uid = uids[i]!;
    if (!Number.isInteger(uid) || uid < 0 || uid > U16_MAX) {
      throw new RangeError(`Cannot convert weights: uid "${uid}" at index ${i} is not an integer in 0..${U16_MAX}`);
    }
    const raw = weights[i]!;
    const w = Math.fround(raw);
    if (!Number.isFinite(w)) {
      throw new RangeError(
        `Cannot convert weights: weight of uid ${uid} is "${raw}", it must be finite${
          Number.isFinite(raw) ? " as a float32" : ""
        }`,
      );
    }
    if (w < 0) {
      throw new RangeError(`Cannot convert weights: weight of uid ${uid} is "${raw}", it must be non-negative`);
    }
    float32[i] = w;
    if (w > max) max = w;
  }
  const out: EmitWeights = { uids: [], values: [] };
  if (max === 0) return out;
  for (let i = 0; i < float32.length; i++) {
    const value = roundHalfEven((float32[i]! / max) * U16_MAX);
    if (value !== 0) {
      out.uids.push(uids[i]!);
      out.values.push(value);
    }
  }
  return out;
}
