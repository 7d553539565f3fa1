import assert from "node:assert/strict";
import { CL100K_PATTERN, gaplessSplitRegExp, ONIG_SPACE, splitPatternRegExp } from "./_split_patterns.ts";

const onig: { tokenizers: string; classes: Record<"L" | "N" | "s", [number, number][]> } = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/fixtures/tokenizers/onig_classes.json", import.meta.url)),
);

for (
  const [name, js] of [["L", /^\p{L}$/u], ["N", /^\p{N}$/u], ["s", new RegExp(`^[${ONIG_SPACE}]$`, "u")]] as const
) {
  Deno.test(`V8's ${js.source} holds exactly the code points Oniguruma's ${name} holds in Python tokenizers`, () => {
    const members = new Set<number>();
    for (const [from, to] of onig.classes[name]) for (let c = from; c <= to; c++) members.add(c);
    const wrong: string[] = [];
    for (let c = 0; c < 0x110000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (js.test(String.fromCodePoint(c)) !== members.has(c)) wrong.push(`U+${c.toString(16).toUpperCase()}`);
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} code points differ (tokenizers ${onig.tokenizers})`);
  });
}

Deno.test("The cl100k split regex treats U+0085 as space and U+FEFF as a symbol, as Oniguruma does", () => {
  const pieces = (text: string) => text.match(splitPatternRegExp(CL100K_PATTERN)!);
  assert.deepEqual(pieces("a\u0085\u0085b"), ["a", "\u0085", "\u0085b"]);
  assert.deepEqual(pieces("a \ufeffb"), ["a", " \ufeff", "b"]);
  assert.deepEqual(pieces("He'S 'll'LL"), ["He", "'S", " '", "ll", "'LL"]);
  // Python tokenizers: "'ſt 'Kt" -> ["'ſ", "t", " '", "Kt"] (ſ case-folds to s).
  assert.deepEqual(pieces("'\u017ft 'Kt"), ["'\u017f", "t", " '", "Kt"]);
  assert.equal(splitPatternRegExp("\\s+"), undefined);
});

Deno.test("The cl100k split regex is gapless: its matches tile any text, lone surrogates included", async () => {
  const { gunzipSync } = await import("node:zlib");
  const cases: { cases: { text: string }[] } = JSON.parse(
    new TextDecoder().decode(
      gunzipSync(await Deno.readFile(new URL("../../tests/fixtures/tokenizers/gpt4_cases.json.gz", import.meta.url))),
    ),
  );
  const texts = [...cases.cases.map((c) => c.text), "a\ud800b", "\udc00", "x \udbff\udbff 1\ud83d"];
  const sticky = gaplessSplitRegExp(CL100K_PATTERN)!;
  assert.equal(sticky.flags, "uy");
  for (const text of texts) {
    const pieces = text.match(splitPatternRegExp(CL100K_PATTERN)!) ?? [];
    assert.equal(pieces.join(""), text);
    sticky.lastIndex = 0;
    const tiles: string[] = [];
    for (let start = 0; start < text.length; start = sticky.lastIndex) {
      assert.ok(sticky.test(text), JSON.stringify(text));
      tiles.push(text.slice(start, sticky.lastIndex));
    }
    assert.deepEqual(tiles, pieces);
  }
});
