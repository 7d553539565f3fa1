/**
 * Pre-tokenizer regexes of `tokenizer.json` (written for Oniguruma, the engine of the Rust `tokenizers`)
 * translated by hand to JavaScript, by the exact pattern string. Only patterns in this table get the fast
 * encoder; any other pattern keeps the generic tokenizer.
 *
 * The one translation needed: Oniguruma's `\s` is Unicode `White_Space` (U+0009–U+000D, U+0085 and the
 * `Z` categories), JavaScript's is not (it adds U+FEFF and lacks U+0085), so `\s` becomes the class
 * `[\t-\r\p{Z}]` and `\S` its complement. `\p{L}`, `\p{N}` and the `(?i:…)` group (simple case
 * folding, so `'ſ` matches like `'s`) mean the same in both engines; `character_classes_test.ts` checks
 * V8's classes against the ones Python `tokenizers` uses, code point by code point.
 *
 * @module
 */

/** Oniguruma's `\s` (Unicode White_Space) as the inside of a JavaScript `u`-mode class. */
export const ONIG_SPACE = String.raw`\t-\r\x85\p{Z}`;

/** The cl100k pattern (OpenAI's tiktoken `cl100k_base`; also Llama 3's) as tokenizer.json writes it. */
export const CL100K_PATTERN = String
  .raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

const S = ONIG_SPACE;

/** JavaScript sources (flags `gu`) by Oniguruma pattern. */
const PATTERNS: ReadonlyMap<string, string> = new Map([
  [
    CL100K_PATTERN,
    String
      .raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^${S}\p{L}\p{N}]+[\r\n]*|[${S}]*[\r\n]+|[${S}]+(?![^${S}])|[${S}]+`,
  ],
]);

/** The JavaScript regex (flags `gu`) for an Oniguruma split pattern, or `undefined` when it is not known. */
export function splitPatternRegExp(pattern: string): RegExp | undefined {
  const source = PATTERNS.get(pattern);
  return source === undefined ? undefined : new RegExp(source, "gu");
}
