import assert from "node:assert/strict";
import { CODEFORCES_CONFIGS, SN37_DATASET_REPOS, writeSn37Datasets } from "./sn37_datasets.ts";

async function generate(options: Parameters<typeof writeSn37Datasets>[1] = {}) {
  const root = await Deno.makeTempDir({ prefix: "subvalid-sn37-" });
  const started = performance.now();
  const written = await writeSn37Datasets(root, options);
  const seconds = (performance.now() - started) / 1000;
  const rows = async (i: number) =>
    (await Deno.readTextFile(written[i]!.path)).trimEnd().split("\n").map((l) => JSON.parse(l));
  return {
    root,
    written,
    seconds,
    rows,
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

Deno.test("writeSn37Datasets() writes both datasets, >= 2000 rows a config, fast, the same bytes for the same seed", async () => {
  await using a = await generate();
  assert.ok(a.seconds < 2, `generation took ${a.seconds} s`);
  assert.deepEqual(a.written.map((w) => [w.repo, w.config, w.split]), [
    [SN37_DATASET_REPOS.synthetic1Sft, "default", "train"],
    ...CODEFORCES_CONFIGS.map((c) => [SN37_DATASET_REPOS.codeforcesCots, c, "train"]),
  ]);
  for (const w of a.written) assert.ok(w.rows >= 2000, `${w.config}: ${w.rows} rows`);
  assert.ok(a.written.reduce((n, w) => n + w.bytes, 0) < 20e6, "a few MB per file");
  await using b = await generate();
  await using c = await generate({ seed: 38 });
  for (const [i, w] of a.written.entries()) {
    assert.deepEqual(
      await Deno.readFile(w.path),
      await Deno.readFile(b.written[i]!.path),
      `${w.config}: deterministic`,
    );
  }
  assert.notDeepEqual(await Deno.readFile(a.written[0]!.path), await Deno.readFile(c.written[0]!.path));
});

Deno.test("the SFT rows have the real columns, a task-type mix with dropped types, and the parser's edge cases", async () => {
  await using g = await generate({ longRows: false });
  const rows = await g.rows(0);
  assert.deepEqual(Object.keys(rows[1]).sort(), ["messages", "problem_id", "response_id", "score", "task_type"]);
  const types = new Set(rows.map((r) => r.task_type));
  for (const t of ["verifiable_math", "code_output_prediction", "swe_fixer", "reasoning_gym", undefined, null]) {
    assert.ok(types.has(t), `task type ${t}`);
  }
  const lengths = new Set(rows.map((r) => r.messages.length));
  assert.deepEqual([...lengths].sort(), [1, 2, 3]);
  const replies = rows.filter((r) => r.messages.length >= 2).map((r) => r.messages[1].content as string);
  const has = (re: RegExp, what: string) => assert.ok(replies.some((t) => re.test(t)), what);
  has(/\\boxed\{\\frac\{\d+\}\{2\}\}/, "nested braces");
  has(/\\boxed\{\d+\}[^]*\\boxed\{\d+\}/, "several boxed");
  has(/\\boxed\{\}/, "an empty boxed");
  has(/\\boxed\{\d+\r\}/, "\\r inside an answer");
  has(/\\boxed\{\d+\u2028/, "U+2028 inside an answer");
  // deno-lint-ignore no-control-regex
  has(/^[\x1c-\x1f\x85]/, "Python-only whitespace first");
  has(/^\ufeff/, "U+FEFF first");
  has(/[\u{10000}-\u{10FFFF}]/u, "characters outside the BMP");
  has(/\{"output": "(\d+|(ba)+)"\}[^]*\{"output": "\1"\}/, "a repeated output");
  has(/\{"output": ""\}/, "an empty output");
  has(/\{"output": "[^"]*\r"\}/, "\\r inside an output");
});

Deno.test("the codeforces rows have the real columns per config and five long rows around the length limit", async () => {
  await using g = await generate();
  const checker = await g.rows(1);
  const decontaminated = await g.rows(4);
  for (const column of ["id", "contest_type", "title", "description", "examples", "prompt", "generation", "messages"]) {
    assert.ok(column in checker[0], column);
  }
  assert.ok("interaction_format" in checker[0] && !("interaction_format" in decontaminated[0]));
  assert.ok("public_tests" in decontaminated[0] && !("public_tests" in checker[0]));
  assert.deepEqual([...new Set(checker.map((r) => r.messages.length))].sort(), [1, 2, 3]);
  for (const rows of [checker, decontaminated]) {
    const long = rows.filter((r) => r.messages.length === 2 && r.messages[1].content.length > 60_000);
    assert.equal(long.length, 5);
  }
  await using short = await generate({ longRows: false });
  assert.ok((await short.rows(1)).every((r) => r.messages.every((m: { content: string }) => m.content.length < 2000)));
});
