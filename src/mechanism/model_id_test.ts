import assert from "node:assert/strict";
import { describeInvalidModelId, formatModelId, isCommitSha, parseModelId, parseRepoId } from "./model_id.ts";

Deno.test("parseModelId() reads namespace:name:commit:secure_hash:competition_id", () => {
  const parsed = parseModelId("org:model:0123abcd:Q3Qe2tZkbRomNB3EPaUu19A6u2QoovGAFaYLn6AMiNM=:4");
  assert.deepEqual(parsed, {
    ok: true,
    modelId: {
      namespace: "org",
      name: "model",
      commit: "0123abcd",
      secureHash: "Q3Qe2tZkbRomNB3EPaUu19A6u2QoovGAFaYLn6AMiNM=",
      competitionId: 4,
    },
  });
});

Deno.test("parseModelId() ignores tokens after the fifth and maps None to null", () => {
  const parsed = parseModelId("a:b:None:None:2:extra:more");
  assert.ok(parsed.ok);
  assert.equal(parsed.modelId.commit, null);
  assert.equal(parsed.modelId.secureHash, null);
  assert.equal(parsed.modelId.competitionId, 2);
});

Deno.test("parseModelId() accepts what Python int() accepts for the competition id", () => {
  for (const [text, id] of [[" 4 ", 4], ["+4", 4], ["1_0", 10], ["-1", -1]] as const) {
    const parsed = parseModelId(`a:b:c:d:${text}`);
    assert.ok(parsed.ok, text);
    assert.equal(parsed.modelId.competitionId, id);
  }
});

Deno.test("parseModelId() reports the legacy 4-field format and bad competition ids with the reason", () => {
  const legacy = parseModelId("a:b:c:d");
  assert.equal(legacy.ok, false);
  assert.match(!legacy.ok ? legacy.error : "", /has 4 fields/);
  const bad = parseModelId("a:b:c:d:four");
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : "", /competition id "four" is not an integer/);
  for (const text of ["", "hello", "a:b:c:d:4.0", "a:b:c:d:1__0", "a:b:c:d:"]) {
    assert.equal(parseModelId(text).ok, false, text);
  }
});

Deno.test("formatModelId() and parseModelId() round-trip", () => {
  const id = { namespace: "ns", name: "n", commit: null, secureHash: "h", competitionId: 7 };
  assert.equal(formatModelId(id), "ns:n:None:h:7");
  const parsed = parseModelId(formatModelId(id));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.modelId, id);
});

Deno.test("describeInvalidModelId() accepts hub repository ids and revisions and names what is wrong otherwise", () => {
  assert.equal(describeInvalidModelId({ namespace: "acme", name: "tiny-lm.v2_1", commit: "main" }), undefined);
  assert.equal(describeInvalidModelId({ namespace: "acme", name: "x", commit: "refs/pr/1" }), undefined);
  assert.match(describeInvalidModelId({ namespace: "..", name: "x", commit: "main" })!, /namespace/);
  assert.match(describeInvalidModelId({ namespace: "a", name: "b--c", commit: "main" })!, /name "b--c"/);
  assert.match(describeInvalidModelId({ namespace: "a", name: "b", commit: "../../x" })!, /revision/);
  assert.match(describeInvalidModelId({ namespace: "a", name: "b", commit: "" })!, /revision/);
  assert.match(describeInvalidModelId({ namespace: "a", name: "b", commit: null })!, /no revision/);
});

Deno.test("isCommitSha() and parseRepoId() recognise exact shas and ns/name", () => {
  assert.ok(isCommitSha("0123456789abcdef0123456789abcdef01234567"));
  assert.ok(!isCommitSha("main"));
  assert.deepEqual(parseRepoId("acme/tiny"), { namespace: "acme", name: "tiny" });
  assert.throws(() => parseRepoId("acme"), TypeError);
});
