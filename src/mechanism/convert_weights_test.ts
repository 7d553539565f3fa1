import assert from "node:assert/strict";
import { convertWeightsForEmit, roundHalfEven } from "./convert_weights.ts";

// ---------------------------------------------------------------------------
// Reference: the SDK math redone in exact rational arithmetic (BigInt), with
// every IEEE rounding step (float32 cast, float64 division, float64
// multiplication) done by an explicit round-to-nearest-even of a rational.
// It shares no code with the implementation (no Math.fround, no float ops).
// ---------------------------------------------------------------------------

/** A non-negative binary float: m · 2^e. */
interface Bin {
  m: bigint;
  e: number;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Rounds the positive rational n/d to `bits` mantissa bits (exponent ≥ minExp), ties to even. */
function roundRational(n: bigint, d: bigint, bits: number, minExp: number): Bin {
  if (n === 0n) return { m: 0n, e: minExp };
  let e = bitLength(n) - bitLength(d) - bits;
  const scaled = (exp: number) => exp >= 0 ? { num: n, den: d << BigInt(exp) } : { num: n << BigInt(-exp), den: d };
  // Adjust so that 2^(bits-1) ≤ n / (d·2^e) < 2^bits.
  for (;;) {
    const { num, den } = scaled(e);
    const q = num / den;
    if (q >= 1n << BigInt(bits)) e++;
    else if (q < 1n << BigInt(bits - 1)) e--;
    else break;
  }
  if (e < minExp) e = minExp;
  const { num, den } = scaled(e);
  let q = num / den;
  const twiceRemainder = 2n * (num % den);
  if (twiceRemainder > den || (twiceRemainder === den && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(bits)) return { m: q >> 1n, e: e + 1 };
  return { m: q, e };
}

/** The exact rational value of a finite non-negative double, from its bits. */
function doubleToBin(x: number): Bin {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (bits >> 63n) throw new Error("reference takes non-negative input only");
  return exponent === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: exponent - 1075 };
}

function toRational(b: Bin): { n: bigint; d: bigint } {
  return b.e >= 0 ? { n: b.m << BigInt(b.e), d: 1n } : { n: b.m, d: 1n << BigInt(-b.e) };
}

function compareBin(a: Bin, b: Bin): number {
  const x = toRational(a);
  const y = toRational(b);
  const l = x.n * y.d;
  const r = y.n * x.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

const FLOAT32 = { bits: 24, minExp: -149, maxExclusive: 128 };
const FLOAT64 = { bits: 53, minExp: -1074 };

/** Python's round() of an exact binary value: nearest integer, ties to even. */
function roundBinHalfEven(b: Bin): bigint {
  if (b.e >= 0) return b.m << BigInt(b.e);
  const shift = BigInt(-b.e);
  const floor = b.m >> shift;
  const twiceRest = 2n * (b.m & ((1n << shift) - 1n));
  const unit = 1n << shift;
  if (twiceRest > unit || (twiceRest === unit && (floor & 1n) === 1n)) return floor + 1n;
  return floor;
}

function referenceEmit(uids: readonly number[], weights: readonly number[]): { uids: number[]; values: number[] } {
  const f32 = weights.map((w) => {
    const { n, d } = toRational(doubleToBin(w));
    const r = roundRational(n, d, FLOAT32.bits, FLOAT32.minExp);
    if (bitLength(r.m) + r.e > FLOAT32.maxExclusive) throw new Error("float32 overflow");
    return r;
  });
  const max = f32.reduce((a, b) => compareBin(a, b) >= 0 ? a : b);
  if (max.m === 0n) return { uids: [], values: [] };
  const out = { uids: [] as number[], values: [] as number[] };
  const top = toRational(max);
  f32.forEach((w, i) => {
    const x = toRational(w);
    const ratio = roundRational(x.n * top.d, x.d * top.n, FLOAT64.bits, FLOAT64.minExp); // float(w) / max
    const r = toRational(ratio);
    const scaled = roundRational(r.n * 65535n, r.d, FLOAT64.bits, FLOAT64.minExp); // * 65535
    const value = roundBinHalfEven(scaled);
    if (value !== 0n) {
      out.uids.push(uids[i]!);
      out.values.push(Number(value));
    }
  });
  return out;
}

// A small seeded generator so failures reproduce.
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomWeights(rand: () => number, n: number, kind: number): number[] {
  const view = new DataView(new ArrayBuffer(4));
  return Array.from({ length: n }, () => {
    switch (kind) {
      case 0:
        return rand();
      case 1:
        return Math.exp((rand() - 0.5) * 60); // 1e-13 .. 1e13
      case 2:
        return rand() < 0.4 ? 0 : rand() * 1000;
      case 3: {
        view.setUint32(0, Math.floor(rand() * 0x7f7fffff)); // any finite positive float32 bit pattern
        return view.getFloat32(0);
      }
      default: {
        // Near a .5 tie of a max of 131070: (2k+1) of 131070ths, nudged by a few ulps or not.
        const k = Math.floor(rand() * 65535);
        const nudge = [0, 0, 0, 1, -1][Math.floor(rand() * 5)]!;
        return (2 * k + 1) * (1 + nudge * 2 ** -23);
      }
    }
  });
}

// ---------------------------------------------------------------------------

Deno.test("convertWeightsForEmit() equals the independent rational reference on 5000 random vectors", () => {
  const rand = mulberry32(3010);
  for (let c = 0; c < 5000; c++) {
    const kind = c % 5;
    const n = 1 + Math.floor(rand() * 40);
    const weights = randomWeights(rand, n, kind);
    if (kind === 4) weights[Math.floor(rand() * n)] = 131070;
    const uids = Array.from({ length: n }, (_, i) => (i * 7 + c) % 256);
    assert.deepEqual(convertWeightsForEmit(uids, weights), referenceEmit(uids, weights), `case ${c}: ${weights}`);
  }
});

Deno.test("convertWeightsForEmit() rounds exact .5 ties to even, as Python's round()", () => {
  // (2k+1)/131070 of the max is k + 0.5 units of 65535: 0.5 → 0 (dropped), 1.5 → 2, 2.5 → 2, 3.5 → 4, 4.5 → 4, 5.5 → 6.
  const weights = [1, 3, 5, 7, 9, 11, 131070];
  const uids = [0, 1, 2, 3, 4, 5, 6];
  const out = convertWeightsForEmit(uids, weights);
  assert.deepEqual(out, { uids: [1, 2, 3, 4, 5, 6], values: [2, 2, 4, 4, 6, 65535] });
  assert.deepEqual(out, referenceEmit(uids, weights));
  assert.deepEqual(convertWeightsForEmit([7, 9], [1, 2]), { uids: [7, 9], values: [32768, 65535] }, "32767.5 → 32768");
  assert.deepEqual(convertWeightsForEmit([7, 9], [2, 4]), referenceEmit([7, 9], [2, 4]));
});

Deno.test("convertWeightsForEmit() matches the numpy/Python fixture, where the float32 cast changes the result too", async () => {
  const fixture = JSON.parse(await Deno.readTextFile(new URL("./testdata/convert_fixture.json", import.meta.url))) as {
    cases: {
      name: string;
      uids: number[];
      weights: number[];
      expectUids: number[];
      expectValues: number[];
      float32Matters: boolean;
    }[];
  };
  assert.ok(fixture.cases.length > 200);
  assert.ok(fixture.cases.filter((c) => c.float32Matters).length > 10, "the fixture exercises the float32 cast");
  for (const c of fixture.cases) {
    const out = convertWeightsForEmit(c.uids, c.weights);
    assert.deepEqual(out, { uids: c.expectUids, values: c.expectValues }, c.name);
    assert.deepEqual(out, referenceEmit(c.uids, c.weights), `reference disagrees with python on ${c.name}`);
  }
});

Deno.test("convertWeightsForEmit() scales by the maximum and keeps the input order", () => {
  assert.deepEqual(convertWeightsForEmit([3, 1, 2], [0.25, 1, 0.5]), {
    uids: [3, 1, 2],
    values: [16384, 65535, 32768],
  });
  assert.deepEqual(convertWeightsForEmit([4], [1e-30]), { uids: [4], values: [65535] });
});

Deno.test("convertWeightsForEmit() sends nothing for an all-zero vector and drops weights that round to zero", () => {
  assert.deepEqual(convertWeightsForEmit([0, 1, 2], [0, 0, 0]), { uids: [], values: [] });
  assert.deepEqual(convertWeightsForEmit([0, 1, 2], [1e-6, 1, 0]), { uids: [1], values: [65535] });
  assert.deepEqual(
    convertWeightsForEmit([0, 1], [1e-46, 1e-45]),
    { uids: [1], values: [65535] },
    "1e-46 is 0 as float32",
  );
});

Deno.test("convertWeightsForEmit() rejects negative weights and uids, unequal lengths and empty input", () => {
  assert.throws(() => convertWeightsForEmit([0, 1], [1, -0.5]), {
    name: "RangeError",
    message: 'Cannot convert weights: weight of uid 1 is "-0.5", it must be non-negative',
  });
  assert.throws(() => convertWeightsForEmit([0, -1], [1, 1]), { name: "RangeError", message: /uid "-1" at index 1/ });
  assert.throws(() => convertWeightsForEmit([0, 1, 2], [1, 1]), {
    name: "RangeError",
    message: "Cannot convert weights: 3 uids but 2 weights, the lengths must be equal",
  });
  assert.throws(() => convertWeightsForEmit([], []), RangeError);
  assert.throws(() => convertWeightsForEmit([65536], [1]), { message: /not an integer in 0\.\.65535/ });
  assert.throws(() => convertWeightsForEmit([1.5], [1]), RangeError);
  assert.throws(() => convertWeightsForEmit([0, 1], [1, Number.NaN]), { message: /must be finite/ });
  assert.throws(() => convertWeightsForEmit([0], [1e39]), { message: /must be finite as a float32/ });
});

Deno.test("roundHalfEven() rounds to nearest with ties to even", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.49999, 3.5, 65534.5, 65535].map(roundHalfEven), [0, 2, 2, 3, 4, 65534, 65535]);
});
