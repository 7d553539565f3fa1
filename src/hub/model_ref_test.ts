import assert from "node:assert/strict";
import { describeInvalidRef, isCommitSha, parseRepoId } from "./model_ref.ts";

Deno.test("describeInvalidRef() accepts hub repository ids and revisions and names what is wrong otherwise", () => {
  assert.equal(describeInvalidRef({ namespace: "acme", name: "tiny-lm.v2_1", commit: "main" }), undefined);
  assert.equal(describeInvalidRef({ namespace: "acme", name: "x", commit: "refs/pr/1" }), undefined);
  assert.match(describeInvalidRef({ namespace: "..", name: "x", commit: "main" })!, /namespace/);
  assert.match(describeInvalidRef({ namespace: "a", name: "b--c", commit: "main" })!, /name "b--c"/);
  assert.match(describeInvalidRef({ namespace: "a", name: "b", commit: "../../x" })!, /revision/);
  assert.match(describeInvalidRef({ namespace: "a", name: "b", commit: "" })!, /revision/);
  assert.match(describeInvalidRef({ namespace: "a", name: "b", commit: null })!, /no revision/);
});

Deno.test("isCommitSha() and parseRepoId() recognise exact shas and ns/name", () => {
  assert.ok(isCommitSha("0123456789abcdef0123456789abcdef01234567"));
  assert.ok(!isCommitSha("main"));
  assert.deepEqual(parseRepoId("acme/tiny"), { namespace: "acme", name: "tiny" });
  assert.throws(() => parseRepoId("acme"), TypeError);
});
