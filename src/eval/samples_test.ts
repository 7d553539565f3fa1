import assert from "node:assert/strict";
import { isIdsSample, parseSamples } from "./samples.ts";
import { SamplesError } from "./samples.ts";

Deno.test("parseSamples() reads id and chat samples and skips blank lines", () => {
  const samples = parseSamples(
    '{"context_ids":[1,2],"reference_ids":[3],"task":"sft"}\n\n' +
      '{"messages":[{"role":"user","content":"hi"}],"reference":"yo"}\n',
  );
  assert.equal(samples.length, 2);
  assert.ok(isIdsSample(samples[0]!));
  assert.deepEqual(samples[0], { contextIds: [1, 2], referenceIds: [3], task: "sft" });
  assert.deepEqual(samples[1], { messages: [{ role: "user", content: "hi" }], reference: "yo" });
});

Deno.test("parseSamples() names the line and the field that is wrong", () => {
  const cases: [string, RegExp][] = [
    ['{"context_ids":[1],"reference_ids":[]}', /line 1: "reference_ids" must be a non-empty array/],
    ['{"context_ids":[1.5],"reference_ids":[2]}', /line 1: "context_ids" holds 1.5, not a token id/],
    ['\n{"messages":[{"role":"user"}],"reference":"x"}', /line 2: messages\[0\] must have string "role" and "content"/],
    ['{"messages":[{"role":"user","content":"a"}],"reference":""}', /"reference" must be a non-empty string/],
    ["{nope", /line 1 is not JSON/],
    ['{"prompt":"x"}', /has neither/],
    ["\n\n", /holds no samples/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(() => parseSamples(text), (e: unknown) => e instanceof SamplesError && pattern.test(e.message));
  }
});
