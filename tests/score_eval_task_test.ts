/** `deno task eval`: per-task losses of a local model on the built-in set and on a samples file. */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

async function evalJson(...args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=eval", "tasks/eval.ts", ...args, "--device", "cpu", "--json"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(text.trim() !== "", new TextDecoder().decode(out.stderr));
  return { code: out.code, json: JSON.parse(text) };
}

Deno.test("deno task eval scores a local model dir on the built-in set in a child process, loss per task", async () => {
  const { code, json } = await evalJson("--model", "tests/fixtures/models/tiny-gpt", "--set", "smoke");
  assert.equal(code, 0);
  const tasks = json.tasks as Record<string, { loss: number; samples: number }>;
  assert.deepEqual(Object.keys(tasks), ["reverse", "arithmetic", "word_sorting"]);
  for (const t of Object.values(tasks)) assert.equal(t.samples, 16);
  assert.ok(tasks.reverse!.loss < tasks.arithmetic!.loss, "the model was trained on word reversal");
  const mean = Object.values(tasks).reduce((s, t) => s + t.loss, 0) / 3;
  assert.ok(Math.abs((json.loss as number) - mean) < 1e-9);
});

Deno.test("deno task eval reports Infinity and exit code 8 for a directory without a model", async () => {
  const { code, json } = await evalJson(
    "--model",
    "tests/fixtures/tokenizers/bytes",
    "--samples",
    "tests/fixtures/samples/ids.jsonl",
  );
  assert.equal(code, 8);
  assert.equal(json.loss, null);
  assert.match(String(json.error), /Cannot find an ONNX graph/);
});
