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

/** A translated pattern. */
interface Translation {
  /** The JavaScript source (flags `u`, plus `g` or `y`). */
  readonly source: string;
  /**
   * Whether the pattern matches at every position of every string, so that its matches tile the text
   * with no gaps (then the encoder may take each piece as the text between two `lastIndex` values).
   */
  readonly gapless: boolean;
}

/** Translations by Oniguruma pattern. */
const PATTERNS: ReadonlyMap<string, Translation> = new Map([
  [CL100K_PATTERN, {
    source: String
      .raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^${S}\p{L}\p{N}]+[\r\n]*|[${S}]*[\r\n]+|[${S}]+(?![^${S}])|[${S}]+`,
    // Any character is a letter (\p{L}+), a number (\p{N}{1,3}), a space (\s+) or else ([^\s\p{L}\p{N}]+),
    // a lone surrogate included: some alternative always matches.
    gapless: true,
  }],
]);

/** The JavaScript regex (flags `gu`) for an Oniguruma split pattern, or `undefined` when it is not known. */
export function splitPatternRegExp(pattern: string): RegExp | undefined {
  const translation = PATTERNS.get(pattern);
  return translation === undefined ? undefined : new RegExp(translation.source, "gu");
}

/**
 * The sticky JavaScript regex (flags `uy`) of a gapless split pattern, or `undefined` when the pattern is
 * unknown or may leave gaps.
 */
export function gaplessSplitRegExp(pattern: string): RegExp | undefined {
  const translation = PATTERNS.get(pattern);
  return translation?.gapless ? new RegExp(translation.source, "uy") : undefined;
}
