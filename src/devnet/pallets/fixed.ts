/**
 * The I32F32 fixed-point arithmetic subtensor uses to upscale and check
 * weights (`substrate_fixed`), on bigints holding the raw bits
 * (value × 2³²). Multiplication and division round toward negative infinity,
 * `round` rounds half away from zero, as the `fixed` crate does.
 *
 * @module
 */

const FRAC = 32n;
const ONE = 1n << FRAC;

function fromInt(value: number | bigint): bigint {
  return BigInt(value) << FRAC;
}

function mul(a: bigint, b: bigint): bigint {
  return floorDiv(a * b, ONE);
}

/** Division that returns 0 for a zero divisor (subtensor's `SafeDiv`). */
function safeDiv(a: bigint, b: bigint): bigint {
  return b === 0n ? 0n : floorDiv(a << FRAC, b);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function round(a: bigint): bigint {
  const half = ONE >> 1n;
  return a >= 0n ? ((a + half) >> FRAC) << FRAC : -(((-a + half) >> FRAC) << FRAC);
}

function toU16(a: bigint): number {
  const value = a >> FRAC;
  return Number(value < 0n ? 0n : value > 65535n ? 65535n : value);
}

/** `vec_u16_max_upscale_to_u16`: scales so the largest value becomes 65535. */
export function maxUpscaleToU16(values: readonly number[]): number[] {
  const fixed = values.map(fromInt);
  const u16Max = fromInt(65535);
  const max = fixed.reduce((a, b) => (b > a ? b : a), 0n);
  if (fixed.length === 0) return [];
  if (max === 0n) return fixed.map((e) => toU16(mul(e, u16Max)));
  if (max > fromInt(32768)) return fixed.map((e) => toU16(round(mul(e, safeDiv(u16Max, max)))));
  return fixed.map((e) => toU16(round(safeDiv(mul(e, u16Max), max))));
}

/** `check_vec_max_limited`: after normalizing to sum 1, no value exceeds `limit / 65535`. */
export function isMaxLimited(values: readonly number[], limit: number): boolean {
  const limitFixed = safeDiv(fromInt(limit), fromInt(65535));
  const fixed = values.map(fromInt);
  const sum = fixed.reduce((a, b) => a + b, 0n);
  const normalized = sum === 0n ? fixed : fixed.map((e) => safeDiv(e, sum));
  return normalized.every((v) => v <= limitFixed);
}
