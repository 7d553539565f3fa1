import assert from "node:assert/strict";
import { CODEFORCES_MAX_TOKENS, parseCodeforcesRow } from "./codeforces_loader.ts";

const pair = (q: unknown, t: unknown) => [{ role: "user", content: q }, { role: "assistant", content: t }];
const text = (codePoints: number, astral = 0) => "\u{1F600}".repeat(astral) + "x".repeat(codePoints - astral);

Deno.test("parseCodeforcesRow(): exactly two messages; the reference is the answer with Python's strip", () => {
  assert.deepEqual(parseCodeforcesRow(pair("q", " \x1c t \x85\n")), { question: "q", reference: "t" });
  assert.deepEqual(parseCodeforcesRow(pair("q", "\ufeff t \ufeff")), { question: "q", reference: "\ufeff t \ufeff" });
  assert.equal(parseCodeforcesRow([{ role: "user", content: "q" }]), undefined);
  assert.equal(parseCodeforcesRow([...pair("q", "t"), { role: "user", content: "again" }]), undefined);
  assert.equal(parseCodeforcesRow(null), undefined);
  assert.equal(parseCodeforcesRow([{ role: "user" }, { content: "t" }]), undefined);
  assert.equal(parseCodeforcesRow(pair(1, "t")), undefined);
});

Deno.test("parseCodeforcesRow(): len(q)//4 + len(t)//4 + 10 <= 16384, in code points, each part floored, before strip", () => {
  assert.equal(CODEFORCES_MAX_TOKENS, 16384);
  const q = text(400); // 100 tokens
  assert.ok(parseCodeforcesRow(pair(q, text(65_099))), "100 + 16274 + 10 = 16384 is kept");
  assert.equal(parseCodeforcesRow(pair(q, text(65_100))), undefined, "16385 is dropped");
  assert.ok(parseCodeforcesRow(pair(text(403), text(65_099))), "403//4 + 65099//4 floors each part: kept");
  const astral = text(65_099, 2000);
  assert.equal(astral.length, 67_099, "UTF-16 units would say 16774 tokens");
  assert.ok(parseCodeforcesRow(pair(q, astral)), "code points say 16274: kept");
  assert.equal(parseCodeforcesRow(pair(q, `  ${text(65_096)}\x1c\n`)), undefined, "whitespace counts before strip");
  assert.ok(parseCodeforcesRow(pair("", text(16374 * 4 + 3))), "an empty question counts 0");
});
