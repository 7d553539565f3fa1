/**
 * A fast, exact encoder for one `tokenizer.json` family: GPT-style byte-level BPE (cl100k, the encoding of
 * `Xenova/gpt-4`). It gives the ids the Rust `tokenizers` library gives (what transformers 4.x
 * `encode(text)` returns for these files), about 5–10 times faster than `@huggingface/tokenizers`.
 *
 * Supported shape, checked field by field by {@linkcode byteLevelBpeUnsupported} (anything else keeps the
 * generic tokenizer):
 * - `normalizer` null; `post_processor` null or `ByteLevel` (which only moves offsets); no truncation or
 *   padding;
 * - `pre_tokenizer` a `Sequence` of `Split` (a pattern known to `_split_patterns.ts`, behaviour
 *   `Removed`, `invert` true: the matches are the pieces) and `ByteLevel` (`add_prefix_space` false,
 *   `use_regex` false);
 * - `model` BPE without dropout, byte fallback, word prefix or suffix, with every byte's character in the
 *   vocabulary and every merge's result too;
 * - added tokens with `lstrip`, `rstrip`, `single_word` and `normalized` false.
 *
 * Encoding: added tokens are split out first (leftmost-longest, as the Aho-Corasick matcher of
 * `tokenizers` does); each other segment is cut into pieces by the split regex, each piece becomes its
 * UTF-8 bytes, and BPE merges them: always the adjacent pair with the lowest merge rank, the leftmost one
 * on ties — the order of the priority queue in `tokenizers`' `Word::merge_all` (short pieces use a scan,
 * long ones a heap; both give that order). With `ignore_merges`, a piece that is itself in the vocabulary
 * is that token. Results per piece are cached (bounded: the cache is cleared when full). The cl100k regex
 * matches at every position, so its pieces tile the text and are read between `lastIndex` values of a
 * sticky regex (no match arrays).
 *
 * One thread on purpose: one evaluation step (~2 M tokens) takes about 1 s on one core of a 2-core
 * machine (`deno task bench:tokenize`), so worker threads — whose start-up (module, 4 MB JSON, tables)
 * costs a good part of that second — would not pay for their lifecycle and failure handling.
 *
 * @module
 */
import { gaplessSplitRegExp, splitPatternRegExp } from "./_split_patterns.ts";

/** Options of {@linkcode ByteLevelBpe}. */
export interface ByteLevelBpeOptions {
  /** Pieces whose ids are remembered; the cache is cleared when full. @default 262144 */
  cacheSize?: number;
  /** Pieces up to this many bytes are merged by scanning, longer ones through a heap (tests set it). @default 64 */
  scanLimit?: number;
  /**
   * Read pieces between `lastIndex` values when the split regex is gapless (faster); false takes every
   * match with `exec`, the general way (tests compare both). @default true
   */
  gapless?: boolean;
}

/** GPT-2's reversible map from bytes to printable characters (ByteLevel). */
export function bytesToUnicode(): string[] {
  const out = new Array<string>(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out[b] = String.fromCodePoint(printable ? b : 256 + n++);
  }
  return out;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === null || v === undefined;
const emptyOrAbsent = (v: unknown) => absent(v) || v === "";

/**
 * Why a parsed `tokenizer.json` is not of the shape {@linkcode ByteLevelBpe} encodes exactly, or
 * `undefined` when it is.
 */
export function byteLevelBpeUnsupported(json: Json): string | undefined {
  if (!absent(json.normalizer)) return "it has a normalizer";
  if (!absent(json.truncation) || !absent(json.padding)) return "it truncates or pads";
  const post = json.post_processor;
  if (!absent(post) && !(isObject(post) && post.type === "ByteLevel")) return "its post-processor adds tokens";
  const pre = json.pre_tokenizer;
  if (!isObject(pre) || pre.type !== "Sequence" || !Array.isArray(pre.pretokenizers)) {
    return "its pre-tokenizer is not a Sequence";
  }
  const [split, byteLevel, ...rest] = pre.pretokenizers as unknown[];
  if (rest.length > 0 || !isObject(split) || !isObject(byteLevel)) return "its pre-tokenizer is not Split + ByteLevel";
  if (split.type !== "Split" || split.behavior !== "Removed" || split.invert !== true) {
    return "its Split is not Removed/invert";
  }
  const pattern = isObject(split.pattern) ? split.pattern.Regex : undefined;
  if (typeof pattern !== "string" || splitPatternRegExp(pattern) === undefined) return "its split regex is not known";
  if (byteLevel.type !== "ByteLevel" || byteLevel.add_prefix_space !== false || byteLevel.use_regex !== false) {
    return "its ByteLevel adds a prefix space or splits again";
  }
  const model = json.model;
  if (!isObject(model) || model.type !== "BPE") return "its model is not BPE";
  if (!absent(model.dropout) || model.byte_fallback === true || model.fuse_unk === true) {
    return "its BPE has dropout, byte fallback or fused unknowns";
  }
  if (!emptyOrAbsent(model.continuing_subword_prefix) || !emptyOrAbsent(model.end_of_word_suffix)) {
    return "its BPE has a subword prefix or suffix";
  }
  if (!isObject(model.vocab) || !Array.isArray(model.merges)) return "its BPE has no vocab or merges";
  const vocab = model.vocab;
  if (bytesToUnicode().some((c) => typeof vocab[c] !== "number")) return "a byte is not in its vocabulary";
  const added = json.added_tokens ?? [];
  if (!Array.isArray(added)) return "its added_tokens is not a list";
  for (const token of added) {
    if (
      !isObject(token) || typeof token.content !== "string" || token.content === "" || typeof token.id !== "number" ||
      token.lstrip === true || token.rstrip === true || token.single_word === true || token.normalized === true
    ) {
      return "an added token strips, matches single words or is normalized";
    }
  }
  return undefined;
}

/** Open-addressing hash table of merges: (left id, right id) → (rank, merged id). */
class MergeTable {
  readonly #bits: number;
  readonly #mask: number;
  readonly #left: Int32Array;
  readonly #right: Int32Array;
  readonly #rank: Int32Array;
  readonly #merged: Int32Array;
  /** Set by {@linkcode find}: the merged id of the last pair found. */
  merged = 0;

  constructor(count: number) {
    let bits = 4;
    while ((1 << bits) < count * 2) bits++;
    this.#bits = bits;
    this.#mask = (1 << bits) - 1;
    this.#left = new Int32Array(1 << bits).fill(-1);
    this.#right = new Int32Array(1 << bits);
    this.#rank = new Int32Array(1 << bits);
    this.#merged = new Int32Array(1 << bits);
  }

  #slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> (32 - this.#bits);
  }

  /** Adds or replaces a pair (a later merge of the same pair wins, as in `tokenizers`). */
  set(a: number, b: number, rank: number, merged: number): void {
    let i = this.#slot(a, b);
    while (this.#left[i] !== -1 && !(this.#left[i] === a && this.#right[i] === b)) i = (i + 1) & this.#mask;
    this.#left[i] = a;
    this.#right[i] = b;
    this.#rank[i] = rank;
    this.#merged[i] = merged;
  }

  /** The rank of a pair (its merged id in {@linkcode merged}), or -1. */
  find(a: number, b: number): number {
    let i = this.#slot(a, b);
    for (;;) {
      const left = this.#left[i]!;
      if (left === -1) return -1;
      if (left === a && this.#right[i] === b) {
        this.merged = this.#merged[i]!;
        return this.#rank[i]!;
      }
      i = (i + 1) & this.#mask;
    }
  }
}

/** The encoder. Build it with {@linkcode ByteLevelBpe.fromTokenizerJson}. */
export class ByteLevelBpe {
  readonly #split: RegExp;
  /** The sticky form of a gapless split regex (pieces are read between `lastIndex` values). */
  readonly #gapless: RegExp | undefined;
  readonly #special: RegExp | undefined;
  readonly #specialIds: ReadonlyMap<string, number>;
  readonly #byteIds: Int32Array;
  readonly #merges: MergeTable;
  /** Byte-level string → id, for `ignore_merges`. */
  readonly #vocab: ReadonlyMap<string, number> | undefined;
  readonly #byteChars: readonly string[];
  readonly #cache = new Map<string, number | number[]>();
  readonly #cacheSize: number;
  readonly #scanLimit: number;
  #bytes = new Uint8Array(1024);
  #ids = new Int32Array(1024);
  #ranks = new Int32Array(1024);

  private constructor(json: Json, options: ByteLevelBpeOptions) {
    const model = json.model as Json;
    const vocab = model.vocab as Record<string, number>;
    const pre = (json.pre_tokenizer as Json).pretokenizers as Json[];
    const pattern = (pre[0]!.pattern as Json).Regex as string;
    this.#split = splitPatternRegExp(pattern)!;
    this.#gapless = options.gapless === false ? undefined : gaplessSplitRegExp(pattern);
    this.#byteChars = bytesToUnicode();
    this.#byteIds = Int32Array.from(this.#byteChars, (c) => vocab[c]!);
    const merges = model.merges as unknown[];
    this.#merges = new MergeTable(merges.length);
    merges.forEach((merge, rank) => {
      const [a, b] = typeof merge === "string" ? splitMerge(merge) : merge as [string, string];
      const left = vocab[a];
      const right = vocab[b];
      const merged = vocab[a + b];
      if (left === undefined || right === undefined || merged === undefined) {
        throw new TypeError(
          `Cannot build the BPE encoder: merge ${rank} "${a} ${b}" names a token not in the vocabulary`,
        );
      }
      this.#merges.set(left, right, rank, merged);
    });
    this.#vocab = model.ignore_merges === true ? new Map(Object.entries(vocab)) : undefined;
    const added = (json.added_tokens ?? []) as { content: string; id: number }[];
    const ids = new Map<string, number>();
    for (const token of added) ids.set(token.content, token.id);
    this.#specialIds = ids;
    this.#special = ids.size === 0 ? undefined : new RegExp(
      [...ids.keys()].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&"))
        .join("|"),
      "gu",
    );
    this.#cacheSize = options.cacheSize ?? 262144;
    this.#scanLimit = options.scanLimit ?? 64;
  }

  /**
   * Builds the encoder from a parsed `tokenizer.json`.
   *
   * @throws {TypeError} when the tokenizer is not of the supported shape ({@linkcode byteLevelBpeUnsupported})
   */
  static fromTokenizerJson(json: Json, options: ByteLevelBpeOptions = {}): ByteLevelBpe {
    const why = byteLevelBpeUnsupported(json);
    if (why !== undefined) throw new TypeError(`Cannot build the BPE encoder: ${why}`);
    return new ByteLevelBpe(json, options);
  }

  /** Token ids of a text; added tokens written in the text become their ids. */
  encode(text: string): number[] {
    const out: number[] = [];
    const special = this.#special;
    if (special === undefined) {
      this.#encodeOrdinary(text, out);
      return out;
    }
    special.lastIndex = 0;
    let from = 0;
    for (let m = special.exec(text); m !== null; m = special.exec(text)) {
      if (m.index > from) this.#encodeOrdinary(text.slice(from, m.index), out);
      out.push(this.#specialIds.get(m[0])!);
      from = m.index + m[0].length;
    }
    if (from < text.length) this.#encodeOrdinary(from === 0 ? text : text.slice(from), out);
    return out;
  }

  #encodeOrdinary(text: string, out: number[]): void {
    const gapless = this.#gapless;
    if (gapless === undefined) {
      this.#encodeMatches(text, out);
      return;
    }
    // Every position starts a match: the pieces tile the text, and `test` allocates no match array.
    gapless.lastIndex = 0;
    let start = 0;
    while (start < text.length) {
      if (!gapless.test(text) || gapless.lastIndex === start) {
        this.#encodeMatches(text.slice(start), out); // unreachable for a gapless pattern; stays correct
        return;
      }
      const end = gapless.lastIndex;
      if (end - start === 1) {
        const c = text.charCodeAt(start);
        if (c < 0x80) {
          out.push(this.#byteIds[c]!);
          start = end;
          continue;
        }
      }
      this.#encodePiece(text.slice(start, end), out);
      start = end;
    }
  }

  /** Encodes each match of the split regex (gaps between matches are dropped, as `Removed` + `invert`). */
  #encodeMatches(text: string, out: number[]): void {
    const split = this.#split;
    split.lastIndex = 0;
    for (let m = split.exec(text); m !== null; m = split.exec(text)) this.#encodePiece(m[0], out);
  }

  #encodePiece(piece: string, out: number[]): void {
    let ids = this.#cache.get(piece);
    if (ids === undefined) {
      ids = this.#bpe(piece);
      if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
      this.#cache.set(piece, ids);
    }
    if (typeof ids === "number") out.push(ids);
    else for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
  }

  /** UTF-8 bytes of a piece into `#bytes`; returns the length. Lone surrogates become U+FFFD. */
  #utf8(piece: string): number {
    if (this.#bytes.length < piece.length * 3) this.#bytes = new Uint8Array(piece.length * 3 + 16);
    const bytes = this.#bytes;
    let n = 0;
    for (let i = 0; i < piece.length; i++) {
      let c = piece.charCodeAt(i);
      if (c < 0x80) {
        bytes[n++] = c;
        continue;
      }
      if (c < 0x800) {
        bytes[n++] = 0xc0 | (c >> 6);
        bytes[n++] = 0x80 | (c & 0x3f);
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < piece.length ? piece.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          bytes[n++] = 0xf0 | (c >> 18);
          bytes[n++] = 0x80 | ((c >> 12) & 0x3f);
          bytes[n++] = 0x80 | ((c >> 6) & 0x3f);
          bytes[n++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      bytes[n++] = 0xe0 | (c >> 12);
      bytes[n++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[n++] = 0x80 | (c & 0x3f);
    }
    return n;
  }

  /** The ids of one piece (a number when it is one token). */
  #bpe(piece: string): number | number[] {
    const n = this.#utf8(piece);
    const bytes = this.#bytes;
    if (n === 1) return this.#byteIds[bytes[0]!]!;
    if (this.#vocab !== undefined) {
      let chars = "";
      for (let i = 0; i < n; i++) chars += this.#byteChars[bytes[i]!];
      const whole = this.#vocab.get(chars);
      if (whole !== undefined) return whole;
    }
    if (this.#ids.length < n) {
      this.#ids = new Int32Array(n * 2);
      this.#ranks = new Int32Array(n * 2);
    }
    const ids = this.#ids;
    for (let i = 0; i < n; i++) ids[i] = this.#byteIds[bytes[i]!]!;
    const len = n <= this.#scanLimit ? this.#mergeByScan(ids, n) : mergeByHeap(ids, n, this.#merges);
    return len === 1 ? ids[0]! : Array.from(ids.subarray(0, len));
  }

  /** Merges in place, lowest rank first (leftmost on ties), by scanning; returns the new length. */
  #mergeByScan(ids: Int32Array, n: number): number {
    const merges = this.#merges;
    const ranks = this.#ranks;
    const NONE = 0x7fffffff;
    for (let i = 0; i + 1 < n; i++) {
      const r = merges.find(ids[i]!, ids[i + 1]!);
      ranks[i] = r < 0 ? NONE : r;
    }
    let len = n;
    while (len > 1) {
      let best = NONE;
      let at = -1;
      for (let i = 0; i + 1 < len; i++) {
        if (ranks[i]! < best) {
          best = ranks[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      merges.find(ids[at]!, ids[at + 1]!);
      ids[at] = merges.merged;
      ids.copyWithin(at + 1, at + 2, len);
      ranks.copyWithin(at, at + 1, len - 1);
      len--;
      if (at + 1 < len) {
        const r = merges.find(ids[at]!, ids[at + 1]!);
        ranks[at] = r < 0 ? NONE : r;
      }
      if (at > 0) {
        const r = merges.find(ids[at - 1]!, ids[at]!);
        ranks[at - 1] = r < 0 ? NONE : r;
      }
    }
    return len;
  }
}

function splitMerge(merge: string): [string, string] {
  const space = merge.indexOf(" ");
  if (space < 0) throw new TypeError(`Cannot build the BPE encoder: merge "${merge}" has no space`);
  return [merge.slice(0, space), merge.slice(space + 1)];
}

/**
 * Merges in place through a binary heap of (rank, position) and a linked list of symbols, as
 * `tokenizers`' `Word::merge_all` does (stale entries are skipped); returns the new length.
 */
function mergeByHeap(ids: Int32Array, n: number, merges: MergeTable): number {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  // Heap entries: rank, position, merged id (three parallel growable arrays).
  let heapRank = new Int32Array(n * 2);
  let heapPos = new Int32Array(n * 2);
  let heapMerged = new Int32Array(n * 2);
  let size = 0;
  const less = (i: number, j: number) =>
    heapRank[i]! < heapRank[j]! || (heapRank[i] === heapRank[j] && heapPos[i]! < heapPos[j]!);
  const swap = (i: number, j: number) => {
    const r = heapRank[i]!;
    const p = heapPos[i]!;
    const m = heapMerged[i]!;
    heapRank[i] = heapRank[j]!;
    heapPos[i] = heapPos[j]!;
    heapMerged[i] = heapMerged[j]!;
    heapRank[j] = r;
    heapPos[j] = p;
    heapMerged[j] = m;
  };
  const push = (rank: number, pos: number, merged: number) => {
    if (size === heapRank.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      heapRank = grow(heapRank);
      heapPos = grow(heapPos);
      heapMerged = grow(heapMerged);
    }
    let i = size++;
    heapRank[i] = rank;
    heapPos[i] = pos;
    heapMerged[i] = merged;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = () => {
    swap(0, --size);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(l, m)) m = l;
      if (r < size && less(r, m)) m = r;
      if (m === i) break;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i + 1 < n; i++) {
    const rank = merges.find(ids[i]!, ids[i + 1]!);
    if (rank >= 0) push(rank, i, merges.merged);
  }
  let len = n;
  while (size > 0) {
    const pos = heapPos[0]!;
    const merged = heapMerged[0]!;
    pop();
    if (!alive[pos]) continue;
    const right = next[pos]!;
    if (right < 0) continue;
    if (merges.find(ids[pos]!, ids[right]!) < 0 || merges.merged !== merged) continue;
    ids[pos] = merged;
    alive[right] = 0;
    len--;
    const after = next[right]!;
    next[pos] = after;
    if (after >= 0) prev[after] = pos;
    const before = prev[pos]!;
    if (before >= 0) {
      const rank = merges.find(ids[before]!, ids[pos]!);
      if (rank >= 0) push(rank, before, merges.merged);
    }
    if (after >= 0) {
      const rank = merges.find(ids[pos]!, ids[after]!);
      if (rank >= 0) push(rank, pos, merges.merged);
    }
  }
  let w = 0;
  for (let i = 0; i >= 0; i = next[i]!) ids[w++] = ids[i]!;
  return len;
}
