import assert from "node:assert/strict";
import { parseWeightsJson } from "./parse_weights_json.ts";

Deno.test("parseWeightsJson() reads the uids/weights shape and the uid map shape", () => {
  assert.deepEqual(parseWeightsJson('{"uids":[0,5,9],"weights":[0.1,0,2]}'), { uids: [0, 5, 9], weights: [0.1, 0, 2] });
  // Integer-like keys come out in ascending order (JSON object key order rules).
  assert.deepEqual(parseWeightsJson('{"9": 1, "0": 0.5, "12": 0}'), { uids: [0, 9, 12], weights: [0.5, 1, 0] });
});

Deno.test("parseWeightsJson() names what is wrong in the file", () => {
  assert.throws(() => parseWeightsJson("{", "w.json"), {
    name: "SyntaxError",
    message: /^Cannot read w\.json: not JSON/,
  });
  assert.throws(() => parseWeightsJson("[1,2]"), { name: "SyntaxError", message: /expected \{"uids"/ });
  assert.throws(() => parseWeightsJson('{"uids":[1]}'), { message: /must both be arrays/ });
  assert.throws(() => parseWeightsJson('{"uids":["1"],"weights":[1]}'), {
    message: /uids\[0\] is "1", expected an integer/,
  });
  assert.throws(() => parseWeightsJson('{"uids":[1],"weights":[null]}'), { message: /weights\[0\] is null/ });
  assert.throws(() => parseWeightsJson('{"abc": 1}'), { message: /key "abc" is not a uid/ });
  assert.throws(() => parseWeightsJson('{"70000": 1}'), { message: /key "70000" is not a uid/ });
  assert.throws(() => parseWeightsJson('{"3": "x"}'), { message: /the weight of uid 3 is "x"/ });
});

Deno.test("parseWeightsJson() refuses a uid given twice, in either shape", () => {
  assert.throws(() => parseWeightsJson('{"uids":[2,3,2],"weights":[1,1,0.5]}', "w.json"), {
    name: "SyntaxError",
    message: "Cannot read w.json: uid 2 appears twice (uids[0] and uids[2]); give each uid one weight",
  });
  assert.throws(() => parseWeightsJson('{"2": 1, "3": 0.5, "2": 0.25}', "w.json"), {
    name: "SyntaxError",
    message: "Cannot read w.json: uid 2 appears twice; give each uid one weight",
  });
  assert.deepEqual(parseWeightsJson('{"2": 1, "22": 0.5}'), { uids: [2, 22], weights: [1, 0.5] });
});
