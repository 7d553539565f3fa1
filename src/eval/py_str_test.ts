import assert from "node:assert/strict";
import { findallLast, PY_WHITESPACE, pyIsSpace, pyLen, pyReplaceFirst, pyStrip } from "./py_str.ts";

/** Made by real CPython: tests/fixtures/make_py_str_vectors.py. */
const V: {
  whitespace: number[];
  strip: [string, string][];
  len: [string, number][];
  findall: { pattern: "boxed" | "output"; input: string; last: string | null }[];
} = JSON.parse(await Deno.readTextFile(new URL("../../tests/fixtures/py_str_vectors.json", import.meta.url)));

Deno.test("pyIsSpace() is exactly Python's str.isspace() over all code points", () => {
  assert.deepEqual([...PY_WHITESPACE].sort((a, b) => a - b), V.whitespace);
  for (let cp = 0; cp < 0x110000; cp++) {
    assert.equal(pyIsSpace(cp), V.whitespace.includes(cp), `U+${cp.toString(16)}`);
  }
});

Deno.test("pyStrip() equals Python's str.strip() (U+001C–U+001F and U+0085 stripped, U+FEFF kept), unlike trim()", () => {
  assert.ok(V.strip.length > 1000);
  for (const [input, expected] of V.strip) assert.equal(pyStrip(input), expected, JSON.stringify(input));
  assert.equal(pyStrip("\x1c a \x85"), "a");
  assert.equal("\x1c a \x85".trim(), "\x1c a \x85", "JS trim() keeps what Python strips");
  assert.equal(pyStrip("\ufeff a \ufeff"), "\ufeff a \ufeff");
  assert.equal("\ufeff a \ufeff".trim(), "a", "JS trim() strips what Python keeps");
});

Deno.test("pyLen() counts code points like Python's len()", () => {
  for (const [input, expected] of V.len) assert.equal(pyLen(input), expected, JSON.stringify(input));
  assert.equal(pyLen("\ud800x"), 2, "a lone surrogate is one code point");
  assert.equal("\u{1F600}".length, 2);
});

Deno.test("findallLast() with [^\\n] patterns equals Python's re.findall()[-1] without DOTALL (\\r and U+2028 match)", () => {
  const patterns = { boxed: /\\boxed\{([^\n]*?)\}/g, output: /\{"output": "([^\n]*?)"\}/g };
  for (const c of V.findall) {
    assert.equal(
      findallLast(patterns[c.pattern], c.input) ?? null,
      c.last,
      `${c.pattern} on ${JSON.stringify(c.input)}`,
    );
  }
  assert.equal(findallLast(/\\boxed\{(.*?)\}/g, "\\boxed{a\rb}"), undefined, "JS . stops at \\r, Python's does not");
  assert.throws(() => findallLast(/x(y)/, "xy"), TypeError);
});

Deno.test("pyReplaceFirst() replaces only the first occurrence, like str.replace(old, new, 1)", () => {
  assert.equal(pyReplaceFirst("a-x-b-x", "-x", ""), "a-b-x");
  assert.equal(pyReplaceFirst("abc", "z", "y"), "abc");
  assert.equal(pyReplaceFirst("abc", "", "X"), "Xabc");
  assert.equal(pyReplaceFirst("$&$&", "$&", "$'"), "$'$&", "no replacement patterns");
});

Deno.test("the committed string vectors are what this machine's python3 makes", async () => {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const script = new URL("../../tests/fixtures/make_py_str_vectors.py", import.meta.url);
    const run = await new Deno.Command("python3", { args: [script.pathname, out], stderr: "piped" }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    const { python: _, ...fresh } = JSON.parse(await Deno.readTextFile(out));
    const { python: __, ...committed } = JSON.parse(
      await Deno.readTextFile(new URL("../../tests/fixtures/py_str_vectors.json", import.meta.url)),
    );
    assert.deepEqual(fresh, committed);
  } finally {
    await Deno.remove(out);
  }
});
