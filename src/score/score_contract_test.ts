import assert from "node:assert/strict";
import { parseScoreRequest, parseScoreResponse, SCORE_CONTRACT_VERSION } from "./score_contract.ts";

const request = {
  version: SCORE_CONTRACT_VERSION,
  modelDir: "/m",
  samplesFile: "/s.jsonl",
  cacheDir: "/c",
  device: "cpu",
  deadlineMs: 1000,
};

Deno.test("parseScoreRequest() takes a well-formed request and names the first bad field otherwise", () => {
  assert.deepEqual(
    parseScoreRequest({ ...request, batchTokens: 2048, constraints: { minParameters: 0, maxParameters: 9 } }),
    {
      ...request,
      tokenizerDir: undefined,
      batchTokens: 2048,
      padding: undefined,
      threads: undefined,
      constraints: { minParameters: 0, maxParameters: 9 },
      logLevel: undefined,
    },
  );
  assert.throws(() => parseScoreRequest({ ...request, modelDir: "" }), /"modelDir" must be a path/);
  assert.throws(() => parseScoreRequest({ ...request, deadlineMs: -1 }), /"deadlineMs" must be a positive integer/);
  assert.throws(() => parseScoreRequest({ ...request, padding: "middle" }), /"padding" must be "left" or "right"/);
  assert.throws(() => parseScoreRequest({ ...request, constraints: { minParameters: 1 } }), /"maxParameters"/);
  assert.throws(() => parseScoreRequest({ ...request, version: 2 }), /contract version 2, this worker speaks 1/);
  assert.throws(() => parseScoreRequest([request]), /not a JSON object/);
});

Deno.test("parseScoreResponse() accepts reports and failures of this version only", () => {
  const report = { model: "/m", device: "cpu", loss: 1, samples: [], "tokens_per_second": 1, seconds: 1 };
  assert.equal(parseScoreResponse({ version: 1, ok: true, report }).ok, true);
  const failure = parseScoreResponse({ version: 1, ok: false, error: { name: "E", message: "m", exitCode: 3 } });
  assert.equal(failure.ok, false);
  assert.throws(() => parseScoreResponse({ version: 2, ok: true, report }), /Not a version 1 score response/);
  assert.throws(() => parseScoreResponse({ version: 1, ok: false }), /a failure without an error/);
  assert.throws(() => parseScoreResponse({ version: 1, ok: true }), /no report/);
});
