/**
 * Isolation: scoring runs in a child process under the `score` permission
 * set with a deadline; a model that runs past it is killed and scores
 * Infinity while the parent carries on; the child cannot reach the network
 * or the wallet.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  parseScoreResponse,
  SCORE_CONTRACT_VERSION,
  scoreInSubprocess,
  type ScoreRequest,
  ScoringUnavailableError,
} from "../src/score/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const FIXTURES = join(ROOT, "tests/fixtures");
const reference = JSON.parse(await Deno.readTextFile(join(FIXTURES, "reference.json")));

Deno.test("scoreInSubprocess() kills a model that runs past the deadline, scores it Infinity, and the next model scores", async () => {
  const started = performance.now();
  const cacheDir = join(ROOT, `.cache/huggingface/subvalid-score/test-${crypto.randomUUID()}`);
  const slow = await scoreInSubprocess(join(FIXTURES, "models/slow"), join(FIXTURES, "samples/ids.jsonl"), {
    timeoutMs: 2500,
    device: "cpu",
    cacheDir,
  });
  const elapsed = performance.now() - started;
  await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
  assert.equal(slow.loss, Infinity);
  assert.match(slow.error ?? "", /timed out after \d+ s; the scoring process was killed/);
  assert.ok(elapsed >= 2400 && elapsed < 10_000, `killed at the deadline (${elapsed} ms)`);

  const next = await scoreInSubprocess(join(FIXTURES, "models/tiny-llama"), join(FIXTURES, "samples/chat.jsonl"), {
    device: "cpu",
  });
  assert.equal(next.error, undefined);
  const expected = reference.models["tiny-llama"].chat.bytes as { loss: number }[];
  next.samples.forEach((s, i) => assert.ok(Math.abs(s.loss - expected[i]!.loss) < 1e-4));
});

Deno.test("deno task score --json prints exactly the documented shape, with null and error for Infinity", async () => {
  const run = async (model: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-P=score",
        "tasks/score.ts",
        "--model",
        model,
        "--samples",
        "tests/fixtures/samples/ids.jsonl",
        "--device",
        "cpu",
        "--batch-tokens",
        "256",
        "--json",
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, json: JSON.parse(new TextDecoder().decode(out.stdout)) };
  };
  const ok = await run("tests/fixtures/models/tiny-gpt");
  assert.equal(ok.code, 0);
  assert.deepEqual(Object.keys(ok.json).sort(), ["device", "loss", "model", "samples", "seconds", "tokens_per_second"]);
  assert.equal(ok.json.device, "cpu");
  assert.equal(ok.json.samples.length, 10);
  assert.deepEqual(Object.keys(ok.json.samples[0]).sort(), ["loss", "tokens"]);
  const expected = reference.models["tiny-gpt"].ids as { loss: number }[];
  ok.json.samples.forEach((s: { loss: number }, i: number) => assert.ok(Math.abs(s.loss - expected[i]!.loss) < 1e-4));
  assert.ok(ok.json.tokens_per_second > 0);

  const bad = await run("tests/fixtures/tokenizers/bytes");
  assert.equal(bad.code, 8, "a model that fails exits with the Score code");
  assert.equal(bad.json.loss, null);
  assert.match(bad.json.error, /Cannot find an ONNX graph/);
});

Deno.test("scoreInSubprocess() turns a crashed scoring process into Infinity with its stderr", async () => {
  const report = await scoreInSubprocess(join(FIXTURES, "models/tiny-gpt"), join(FIXTURES, "samples/ids.jsonl"), {
    script: join(FIXTURES, "score_crash.ts"),
    timeoutMs: 30_000,
  });
  assert.equal(report.loss, Infinity);
  assert.match(report.error ?? "", /exited with code 1 without a report: .*boom: the native runtime crashed/);
});

Deno.test("scoreInSubprocess() throws for the validator's own failures instead of scoring the model Infinity", async () => {
  // A device that does not exist is the validator's configuration, not the miner's model.
  await assert.rejects(
    scoreInSubprocess(join(FIXTURES, "models/tiny-gpt"), join(FIXTURES, "samples/ids.jsonl"), { device: "tpu" }),
    (error: unknown) => error instanceof ScoringUnavailableError && /Unknown device "tpu"/.test(error.message),
  );
  // So is a samples file that does not exist.
  await assert.rejects(
    scoreInSubprocess(join(FIXTURES, "models/tiny-gpt"), join(FIXTURES, "samples/missing.jsonl"), { device: "cpu" }),
    (error: unknown) => error instanceof ScoringUnavailableError && /missing\.jsonl/.test(error.message),
  );
});

Deno.test("the scoring worker speaks the versioned JSON contract on stdin and stdout", async () => {
  const request: ScoreRequest = {
    version: SCORE_CONTRACT_VERSION,
    modelDir: join(FIXTURES, "models/tiny-gpt"),
    samplesFile: join(FIXTURES, "samples/ids.jsonl"),
    cacheDir: join(ROOT, ".cache/huggingface/subvalid-score"),
    device: "cpu",
    deadlineMs: 60_000,
  };
  const run = async (body: string) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-P=score", "tasks/score_worker.ts"],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(body));
    await writer.close();
    const out = await child.output();
    return { code: out.code, response: parseScoreResponse(JSON.parse(new TextDecoder().decode(out.stdout))) };
  };
  const ok = await run(JSON.stringify(request));
  assert.equal(ok.code, 0);
  assert.ok(ok.response.ok);
  const expected = reference.models["tiny-gpt"].ids as { loss: number }[];
  ok.response.report.samples.forEach((s, i) => assert.ok(Math.abs(s.loss! - expected[i]!.loss) < 1e-4));
  const old = await run(JSON.stringify({ ...request, version: 0 }));
  assert.ok(!old.response.ok);
  assert.match(old.response.error.message, /contract version 0, this worker speaks 1/);
});
