import assert from "node:assert/strict";
import { parseReferences } from "./gc_references.ts";

Deno.test("parseReferences() reads reference lists, {references} objects and chain snapshots", () => {
  assert.deepEqual(
    parseReferences([{ hotkey: "5A", repo: "a/b", commit: "c" }, { namespace: "d", name: "e", commit: "f" }]),
    [
      { hotkey: "5A", repo: "a/b", commit: "c" },
      { hotkey: undefined, repo: "d/e", commit: "f" },
    ],
  );
  assert.deepEqual(parseReferences({ references: [{ repo: "a/b", commit: "c" }] }), [
    { hotkey: undefined, repo: "a/b", commit: "c" },
  ]);
  const snapshot = {
    block: 123,
    commitments: [
      { uid: 1, hotkey: "5A", modelId: { namespace: "a", name: "b", commit: "c", secureHash: "h", competitionId: 4 } },
      { uid: 2, hotkey: "5B", modelId: null, raw: "garbage" },
      { uid: 3, hotkey: "5C", block: 9, raw: "x:y", error: "the model id has too few fields" },
      {
        uid: 4,
        hotkey: "5D",
        modelId: { namespace: "a", name: "b", commit: null, secureHash: null, competitionId: 4 },
      },
    ],
  };
  assert.deepEqual(parseReferences(snapshot), [{ hotkey: "5A", repo: "a/b", commit: "c" }]);
});

Deno.test("parseReferences() rejects documents of no known shape and entries without repo and commit", () => {
  assert.throws(() => parseReferences({ models: [] }), TypeError);
  assert.throws(() => parseReferences([{ repo: "a/b" }]), /entry 0 has no repo and commit/);
});
