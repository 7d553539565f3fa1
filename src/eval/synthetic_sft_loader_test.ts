import assert from "node:assert/strict";
import { parseSftRow } from "./synthetic_sft_loader.ts";

const chat = (reply: unknown, question: unknown = "Q") => [
  { role: "user", content: question },
  { role: "assistant", content: reply },
];
const math = (reply: unknown) => parseSftRow("verifiable_math", chat(reply))?.reference;
const code = (reply: unknown) => parseSftRow("code_output_prediction", chat(reply))?.reference;

Deno.test("verifiable_math: the last \\boxed{} match, the text before its last occurrence, Python strip", () => {
  assert.equal(math("<think>t</think> so \\boxed{7}"), "<think>t</think> so \\boxed{7}");
  assert.equal(math("a \\boxed{1} b \\boxed{2} tail"), "a \\boxed{1} b \\boxed{2}", "text after the answer is dropped");
  assert.equal(math("x \\boxed{5} y \\boxed{5} z"), "x \\boxed{5} y \\boxed{5}", "rfind: cut at the last one");
  assert.equal(math("n \\boxed{\\frac{1}{2}} end"), "n \\boxed{\\frac{1}", "non-greedy: nested braces cut short");
  assert.equal(math("\x1c trace \\boxed{3} \ufeff"), "trace \\boxed{3}", "U+001C stripped, text after cut");
});

Deno.test("verifiable_math: an empty or missing answer keeps the whole text and still appends \\boxed{}", () => {
  assert.equal(math(" empty \\boxed{} \x85"), "empty \\boxed{} \\boxed{}");
  assert.equal(math("\ufeff none \x1f"), "\ufeff none \\boxed{}", "U+FEFF is not Python whitespace");
  assert.equal(math("x \\boxed{9} then \\boxed{}"), "x \\boxed{9} then \\boxed{} \\boxed{}", "the last match is empty");
});

Deno.test("verifiable_math: '.' matches \\r and U+2028 but not \\n (no DOTALL)", () => {
  assert.equal(math("cr \\boxed{a\rb}"), "cr \\boxed{a\rb}");
  assert.equal(math("ls \\boxed{a\u2028b}\u2028"), "ls \\boxed{a\u2028b}");
  assert.equal(math("ok \\boxed{1} then \\boxed{2\n3}"), "ok \\boxed{1}", "a boxed spanning \\n does not match");
  assert.equal(math("astral \\boxed{\u{1F600}} \u{1F600}"), "astral \\boxed{\u{1F600}}");
});

Deno.test("code_output_prediction: the last output, removed at its FIRST occurrence", () => {
  assert.equal(code('r {"output": "3"} s {"output": "3"} t'), 'r  s {"output": "3"} t {"output": "3"}');
  assert.equal(code(' {"output": "a"} mid {"output": "b"} '), '{"output": "a"} mid {"output": "b"}');
  assert.equal(code('empty {"output": ""} \x1e'), 'empty {"output": ""} {"output": ""}', "empty answer: whole text");
  assert.equal(code("no output here"), 'no output here {"output": ""}');
  assert.equal(code('{"output": "x\ry"}\u2029'), ' {"output": "x\ry"}', "the trace is empty");
});

Deno.test("rows the reference fails to parse are skipped; the question is kept as is", () => {
  assert.equal(parseSftRow("verifiable_math", [{ role: "user", content: "Q" }]), undefined);
  assert.equal(parseSftRow("verifiable_math", "not a list"), undefined);
  assert.equal(parseSftRow("verifiable_math", []), undefined);
  assert.equal(parseSftRow("verifiable_math", chat(null)), undefined);
  assert.equal(parseSftRow("verifiable_math", [{ role: "user" }, { content: "x" }]), undefined);
  assert.equal(parseSftRow("swe_fixer", chat("x")), undefined);
  const three = parseSftRow("verifiable_math", [...chat("a \\boxed{1}", " Q\x1c "), { role: "user", content: "more" }]);
  assert.deepEqual(three, { question: " Q\x1c ", reference: "a \\boxed{1}" }, "a third message is ignored");
});

interface ParseVector {
  "task_type": string;
  messages: unknown;
  question?: string;
  reference?: string;
  skipped?: string;
}

Deno.test("parseSftRow() equals the Python parsing on every vector of make_py_str_vectors.py", async () => {
  const vectors: { parse: ParseVector[] } = JSON.parse(
    await Deno.readTextFile(new URL("../../tests/fixtures/py_str_vectors.json", import.meta.url)),
  );
  assert.ok(vectors.parse.length >= 30);
  for (const v of vectors.parse) {
    const got = parseSftRow(v.task_type, v.messages);
    const want = v.skipped === undefined ? { question: v.question, reference: v.reference } : undefined;
    assert.deepEqual(got, want, `${v.task_type} ${JSON.stringify(v.messages)}`);
  }
});
