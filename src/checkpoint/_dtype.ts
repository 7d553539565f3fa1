/**
 * Half-precision helpers: bfloat16 and float16 bit patterns to and from
 * float32, with round-to-nearest-even as PyTorch converts.
 *
 * @module
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bfloat16 bit pattern nearest to `value` (round to nearest even; NaN stays NaN). */
export function toBfloat16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  if ((bits & 0x7fffffff) > 0x7f800000) return (bits >>> 16) | 0x40; // NaN, keep it quiet
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The float value of a bfloat16 bit pattern. */
export function fromBfloat16Bits(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

/** Rounds a number to the nearest bfloat16 value. */
export function roundToBfloat16(value: number): number {
  return fromBfloat16Bits(toBfloat16Bits(value));
}

/** The float value of a float16 bit pattern. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The float16 bit pattern nearest to `value` (round to nearest even). */
export function toFloat16Bits(value: number): number {
  const x = Math.fround(value);
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // Subnormal: units of 2^-24, ties to even.
    return sign | roundHalfEven(a * 2 ** 24);
  }
  const exponent = Math.floor(Math.log2(a));
  let e = exponent;
  let mantissa = a / 2 ** e; // in [1, 2)
  if (mantissa >= 2) {
    mantissa /= 2;
    e++;
  } else if (mantissa < 1) {
    mantissa *= 2;
    e--;
  }
  let fraction = roundHalfEven((mantissa - 1) * 1024);
  if (fraction === 1024) {
    fraction = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | fraction;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
