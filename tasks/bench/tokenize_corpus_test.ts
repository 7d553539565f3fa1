import assert from "node:assert/strict";
import { makeTokenizeCorpus } from "./tokenize_corpus.ts";
import { SYSTEM_PROMPT } from "../../src/eval/draw_task_data.ts";

Deno.test("makeTokenizeCorpus() is deterministic and shaped like one step: 240 chats of both tasks, mixed content", () => {
  const a = makeTokenizeCorpus({ scale: 0.05 });
  assert.deepEqual(makeTokenizeCorpus({ scale: 0.05 }), a);
  assert.notDeepEqual(makeTokenizeCorpus({ scale: 0.05, seed: 1 }), a);
  assert.equal(a.length, 240);
  assert.equal(a.filter((s) => s.task === "SYNTHETIC_1_SFT").length, 120);
  assert.equal(a.filter((s) => s.task === "CODEFORCES_COTS").length, 120);
  const all = a.map((s) => s.messages[1]!.content + s.reference).join("\n");
  for (const needle of ["\r\n", "```cpp", "```python", "\\frac{", "\\boxed{", "<think>", "\t", "\u00a0"]) {
    assert.ok(all.includes(needle), needle);
  }
  assert.match(all, /\p{Script=Han}/u);
  assert.match(all, /\p{Extended_Pictographic}/u);
  assert.ok(a.every((s) => s.messages[0]!.content === SYSTEM_PROMPT));
});
