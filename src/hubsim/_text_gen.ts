/**
 * Deterministic helpers for the generated datasets: a small PRNG (mulberry32) and text snippets.
 *
 * @module
 */

/** A deterministic random source for fixture text. */
export class TextRng {
  #a: number;

  constructor(seed: number) {
    this.#a = (seed * 2654435761) >>> 0 || 1;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#a = (this.#a + 0x6d2b79f5) >>> 0;
    let t = this.#a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A lowercase hex id. */
  hex(length: number): string {
    let s = "";
    while (s.length < length) s += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, "0");
    return s.slice(0, length);
  }
}

/** Python-only whitespace: `str.strip()` removes it, `String.prototype.trim()` does not. */
export const PY_ONLY_SPACE = ["\x1c", "\x1d", "\x1e", "\x1f", "\x85"] as const;
/** JS-only whitespace: `trim()` removes it, Python's `strip()` does not. */
export const JS_ONLY_SPACE = "\ufeff";
/** Characters outside the BMP (two UTF-16 units, one Python code point). */
export const ASTRAL = ["\u{1F600}", "\u{1F9EE}", "\u{20000}", "\u{1D4B3}", "\u{10348}"] as const;

const NAMES = ["Alice", "Bob", "Chen", "Dana", "Emeka", "Farah", "Goro", "Hana", "Ivan", "Jia"];
const ITEMS = ["apples", "coins", "books", "stones", "cards", "tiles", "beads", "shells"];

/** A name for word problems. */
export function personName(rng: TextRng): string {
  return rng.pick(NAMES);
}

/** A countable item for word problems. */
export function itemName(rng: TextRng): string {
  return rng.pick(ITEMS);
}

/** Wraps `text` in Python-only whitespace at both ends. */
export function pyOnlyPadded(rng: TextRng, text: string): string {
  return `${rng.pick(PY_ONLY_SPACE)} ${text} ${rng.pick(PY_ONLY_SPACE)}\n`;
}

/** Wraps `text` in U+FEFF (and spaces) at both ends. */
export function jsOnlyPadded(text: string): string {
  return `${JS_ONLY_SPACE} ${text} ${JS_ONLY_SPACE}`;
}

/** A filler reasoning paragraph of exactly `codePoints` code points, `astral` of them outside the BMP. */
export function fillerText(rng: TextRng, codePoints: number, astral = 0): string {
  const parts: string[] = [];
  let n = 0;
  let left = astral;
  while (n < codePoints) {
    const line = left > 0 ? `${rng.pick(ASTRAL)}` : `Check case ${rng.int(1, 999)}: the sum stays ${rng.int(0, 99)}.\n`;
    if (left > 0) left--;
    const len = [...line].length;
    if (n + len > codePoints) {
      parts.push("x".repeat(codePoints - n));
      n = codePoints;
    } else {
      parts.push(line);
      n += len;
    }
  }
  return parts.join("");
}
