/**
 * A bit-exact port of CPython's `random.Random` (Mersenne Twister MT19937) for the methods the
 * evaluation data draw uses: integer seeding, `getrandbits`, `random`, `_randbelow`, `randrange`,
 * `randint`, `choice`, `shuffle` and `sample`. Same seed, same calls, same results as CPython.
 *
 * Version notes (checked against CPython 3.8.18, 3.11.7, 3.12.1 and 3.13.0, which agree on every
 * test vector): the reference validator ran on Python 3.8–3.11. The only difference between those
 * versions in the methods ported here is `getrandbits(0)`: 3.8 raises `ValueError`, 3.9 and later return
 * 0 without drawing. We follow 3.9+ (the loaders never ask for 0 bits). `sample` follows the algorithm
 * shared by 3.8–3.13 (pool when `n <= setsize`, else a set of selected indices), without the
 * `counts=` keyword (3.9+) and without set populations (3.8 only).
 *
 * @module
 */

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const TWO_32 = 4294967296;

/** A seed: an integer `number` (a safe integer) or a `bigint`. Negative seeds use their absolute value. */
export type PySeed = number | bigint;

/**
 * CPython's `random.Random` over MT19937.
 *
 * @example
 * ```ts
 * import { PyRandom } from "./py_random.ts";
 * const rng = new PyRandom(42n);
 * // Python: random.seed(42); random.randint(0, 149) == 28
 * console.assert(rng.randint(0, 149) === 28);
 * ```
 */
export class PyRandom {
  readonly #mt = new Uint32Array(N);
  #index = N;

  /** Seeds like `random.Random(seed)`. */
  constructor(seed: PySeed) {
    this.seed(seed);
  }

  /**
   * `random.seed(a)` for an integer: `init_by_array` over the 32-bit little-endian words of `abs(a)`
   * (`[0]` for 0).
   *
   * @throws {TypeError} for a number that is not a safe integer
   */
  seed(seed: PySeed): void {
    let n: bigint;
    if (typeof seed === "number") {
      if (!Number.isSafeInteger(seed)) {
        throw new TypeError(`Cannot seed PyRandom with ${seed}: expected a safe integer or a bigint`);
      }
      n = BigInt(seed);
    } else {
      n = seed;
    }
    if (n < 0n) n = -n;
    const key: number[] = [];
    while (n > 0n) {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.#initByArray(key);
  }

  #initGenrand(s: number): void {
    const mt = this.#mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.#index = N;
  }

  #initByArray(key: readonly number[]): void {
    const mt = this.#mt;
    this.#initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = (((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = (((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = UPPER_MASK;
  }

  /** One 32-bit output of the generator (`genrand_uint32`). */
  genrandUint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.#index = 0;
    }
    let y = mt[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random()`: a double in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.genrandUint32() >>> 5;
    const b = this.genrandUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * `getrandbits(k)` as a number, for `0 <= k <= 53` (the number fast path). For k > 32 the words are
   * assembled little-endian as CPython does: the first output is the low 32 bits.
   *
   * @throws {RangeError} for k outside 0..53
   */
  getrandbitsNumber(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 53) {
      throw new RangeError(`Cannot draw ${k} random bits as a number: expected an integer in 0..53`);
    }
    if (k === 0) return 0;
    if (k <= 32) return this.genrandUint32() >>> (32 - k);
    const low = this.genrandUint32();
    const high = this.genrandUint32() >>> (64 - k);
    return high * TWO_32 + low;
  }

  /**
   * `getrandbits(k)` for any k >= 0, as a bigint.
   *
   * @throws {RangeError} for a negative or non-integer k
   */
  getrandbits(k: number): bigint {
    if (!Number.isSafeInteger(k) || k < 0) {
      throw new RangeError(`Cannot draw ${k} random bits: expected a non-negative integer`);
    }
    if (k <= 53) return BigInt(this.getrandbitsNumber(k));
    let result = 0n;
    let shift = 0n;
    for (let left = k; left > 0; left -= 32) {
      let r = this.genrandUint32();
      if (left < 32) r >>>= 32 - left;
      result |= BigInt(r) << shift;
      shift += 32n;
    }
    return result;
  }

  /**
   * `_randbelow(n)`: a uniform integer in [0, n) by rejection on `getrandbits(n.bit_length())`.
   * A number in gives a number out, a bigint gives a bigint.
   *
   * @throws {RangeError} for n <= 0 (CPython loops forever or raises there)
   */
  randbelow(n: number): number;
  randbelow(n: bigint): bigint;
  randbelow(n: number | bigint): number | bigint;
  randbelow(n: number | bigint): number | bigint {
    if (typeof n === "number") {
      if (!Number.isSafeInteger(n) || n <= 0) {
        throw new RangeError(`Cannot draw below ${n}: expected a positive safe integer`);
      }
      const k = bitLength(n);
      let r = this.getrandbitsNumber(k);
      while (r >= n) r = this.getrandbitsNumber(k);
      return r;
    }
    if (n <= 0n) throw new RangeError(`Cannot draw below ${n}: expected a positive integer`);
    const k = bigBitLength(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /**
   * `randrange(start, stop?, step?)` over integers. With numbers the result is a number (every value
   * must be a safe integer); with any bigint argument it is a bigint.
   *
   * @throws {RangeError} for an empty range or a zero step (CPython's `ValueError`)
   */
  randrange(start: number, stop?: number, step?: number): number;
  randrange(start: bigint, stop?: bigint, step?: bigint): bigint;
  randrange(start: number | bigint, stop?: number | bigint, step?: number | bigint): number | bigint {
    const big = typeof start === "bigint" || typeof stop === "bigint" || typeof step === "bigint";
    const istart = toBig(start, "start");
    if (stop === undefined) {
      if (step !== undefined && toBig(step, "step") !== 1n) {
        throw new TypeError("Missing a non-None stop argument");
      }
      if (istart > 0n) return out(this.randbelow(istart), big);
      throw new RangeError(`Empty range for randrange(${start})`);
    }
    const istop = toBig(stop, "stop");
    const istep = step === undefined ? 1n : toBig(step, "step");
    const width = istop - istart;
    if (istep === 1n) {
      if (width > 0n) {
        if (!big && width <= BigInt(Number.MAX_SAFE_INTEGER)) {
          return Number(istart) + this.randbelow(Number(width));
        }
        return out(istart + this.randbelow(width), big);
      }
      throw new RangeError(`Empty range for randrange(${start}, ${stop})`);
    }
    let n: bigint;
    if (istep > 0n) n = floorDiv(width + istep - 1n, istep);
    else if (istep < 0n) n = floorDiv(width + istep + 1n, istep);
    else throw new RangeError("Zero step for randrange()");
    if (n <= 0n) throw new RangeError(`Empty range for randrange(${start}, ${stop}, ${step})`);
    return out(istart + istep * this.randbelow(n), big);
  }

  /** `randint(a, b)` = `randrange(a, b + 1)`: a uniform integer in [a, b]. */
  randint(a: number, b: number): number;
  randint(a: bigint, b: bigint): bigint;
  randint(a: number | bigint, b: number | bigint): number | bigint {
    if (typeof a === "number" && typeof b === "number") {
      if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) {
        throw new TypeError(`Cannot draw randint(${a}, ${b}): bounds must be safe integers`);
      }
      return this.randrange(a, b + 1);
    }
    return this.randrange(toBig(a, "a"), toBig(b, "b") + 1n);
  }

  /**
   * `choice(seq)`: `seq[_randbelow(len(seq))]`; a sequence of one element still draws.
   *
   * @throws {RangeError} for an empty sequence (CPython's `IndexError`)
   */
  choice<T>(seq: ArrayLike<T>): T {
    if (seq.length === 0) throw new RangeError("Cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)]!;
  }

  /** `shuffle(x)` in place: `for i in reversed(range(1, len(x))): j = _randbelow(i + 1)`, swap. */
  shuffle<T>(x: T[]): T[] {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t;
    }
    return x;
  }

  /**
   * `sample(population, k)`: k unique positions in selection order. Uses CPython's two algorithms:
   * a pool when `n <= setsize` (`setsize = 21`, plus `4 ** ceil(log(3k, 4))` when k > 5), else
   * redraws against the set of selected indices.
   *
   * @throws {RangeError} when k is negative or larger than the population (CPython's `ValueError`)
   */
  sample<T>(population: ArrayLike<T>, k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new RangeError(`Sample larger than population or is negative: k=${k}, population ${n}`);
    }
    const result = new Array<T>(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Array.from(population);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j]!;
      }
    }
    return result;
  }
}

/** `int.bit_length()` of a non-negative safe integer. */
function bitLength(n: number): number {
  return n <= 0xffffffff ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / TWO_32));
}

function bigBitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function toBig(value: number | bigint, name: string): bigint {
  if (typeof value === "bigint") return value;
  if (!Number.isSafeInteger(value)) throw new TypeError(`Cannot use ${name}=${value}: expected an integer`);
  return BigInt(value);
}

function out(value: bigint | number, big: boolean): number | bigint {
  if (big) return BigInt(value);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Result ${value} is not a safe integer: pass bigints`);
  return n;
}

/** Python's `a // b` on bigints (floor, not truncation). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}
