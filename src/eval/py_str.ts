/**
 * Python `str` semantics the reference loaders depend on, where JavaScript differs:
 *
 * - `str.strip()` strips Python's whitespace (`str.isspace()`: includes U+001C–U+001F and U+0085,
 *   excludes U+FEFF), not what `String.prototype.trim()` strips;
 * - `len()` counts code points, not UTF-16 code units;
 * - `re` without `DOTALL`: `.` matches everything but `\n` (JavaScript's `.` also stops at `\r`, U+2028
 *   and U+2029), so patterns here spell it `[^\n]`.
 *
 * `str.find`/`rfind`/`replace`/slicing need no helper: JavaScript's `indexOf`, `lastIndexOf` and `slice`
 * work in UTF-16 units consistently, which gives the same substrings.
 *
 * @module
 */

/**
 * Every code point for which Python's `str.isspace()` is true (Unicode 12.1–15.0 agree); checked against
 * python3 over all code points by `tests/fixtures/make_py_str_vectors.py`.
 */
export const PY_WHITESPACE: ReadonlySet<number> = new Set([
  0x09,
  0x0a,
  0x0b,
  0x0c,
  0x0d,
  0x1c,
  0x1d,
  0x1e,
  0x1f,
  0x20,
  0x85,
  0xa0,
  0x1680,
  0x2000,
  0x2001,
  0x2002,
  0x2003,
  0x2004,
  0x2005,
  0x2006,
  0x2007,
  0x2008,
  0x2009,
  0x200a,
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
]);

/** Python's `str.isspace()` for one code point. */
export function pyIsSpace(codePoint: number): boolean {
  return PY_WHITESPACE.has(codePoint);
}

/** Python's `s.strip()` (no argument). Every Python whitespace character is in the BMP. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PY_WHITESPACE.has(s.charCodeAt(start))) start++;
  while (end > start && PY_WHITESPACE.has(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Python's `len(s)`: code points (a lone surrogate counts as one, as in Python). */
export function pyLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * The last element of Python's `re.findall(pattern, s)` for a pattern with one group, or `undefined`
 * when nothing matches. `pattern` must carry the `g` flag.
 *
 * @throws {TypeError} for a pattern without the `g` flag
 */
export function findallLast(pattern: RegExp, s: string): string | undefined {
  if (!pattern.global) throw new TypeError(`Cannot findall with /${pattern.source}/: the pattern needs the g flag`);
  let last: string | undefined;
  for (const match of s.matchAll(pattern)) last = match[1] ?? "";
  return last;
}

/** Python's `s.replace(old, new, 1)`: only the first occurrence. */
export function pyReplaceFirst(s: string, old: string, replacement: string): string {
  const i = s.indexOf(old);
  return i < 0 ? s : s.slice(0, i) + replacement + s.slice(i + old.length);
}
