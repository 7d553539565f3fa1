import assert from "node:assert/strict";
import { competitionsAt, SUNSET_B7_BLOCK, SUNSET_INSTRUCT_8B_BLOCK } from "./competitions.ts";
import { drawCompetitionData, drawTaskData, SYSTEM_PROMPT } from "./draw_task_data.ts";

const [SFT, CF] = competitionsAt(SUNSET_INSTRUCT_8B_BLOCK)[0]!.evalTasks;

/** A datasets-server with one config of `rows` rows and a /rows answer per dataset. */
function server(answers: Record<string, () => Response>) {
  return ((input: RequestInfo | URL) => {
    const url = new URL(String(input));
    const dataset = url.searchParams.get("dataset")!;
    if (url.pathname === "/size") {
      return Promise.resolve(
        Response.json({ size: { splits: [{ config: "default", split: "train", num_rows: 1000 }] } }),
      );
    }
    return Promise.resolve(answers[dataset]!());
  }) as typeof fetch;
}

const page = (rows: unknown[]) => () => Response.json({ rows: rows.map((row, i) => ({ row_idx: i, row })) });
const cfRow = { messages: [{ role: "user", content: "q" }, { role: "assistant", content: " t\x1c" }] };

Deno.test("drawTaskData() renders [system, user] messages with the reference's system prompt", async () => {
  const fetch = server({ "open-r1/codeforces-cots": page([cfRow, { messages: [] }]) });
  const data = await drawTaskData(CF!, 1n, { baseUrl: "http://x", fetch });
  assert.equal(data.error, undefined);
  assert.equal(data.bufferLength, 2);
  assert.deepEqual(data.samples, [{
    task: "CODEFORCES_COTS",
    messages: [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: "q" }],
    reference: "t",
  }]);
  assert.ok(SYSTEM_PROMPT.startsWith("You are a reflective AI") && SYSTEM_PROMPT.endsWith("the user requests."));
});

Deno.test("drawCompetitionData(): an empty dataset is left out; a step-aborting failure stops the draw", async () => {
  const onlyCf = await drawCompetitionData(competitionsAt(SUNSET_INSTRUCT_8B_BLOCK)[0]!, 5n, {
    baseUrl: "http://x",
    sleep: () => Promise.resolve(),
    fetch: server({
      "PrimeIntellect/SYNTHETIC-1-SFT-Data": page([{ task_type: "swe_fixer", messages: [] }]),
      "open-r1/codeforces-cots": page([cfRow]),
    }),
  });
  assert.deepEqual(onlyCf.tasks.map((t) => t.error?.kind), ["empty", undefined]);
  assert.deepEqual(onlyCf.loadedTasks.map((t) => t.task.name), ["CODEFORCES_COTS"]);
  assert.equal(onlyCf.skipStep, false);
  assert.ok(onlyCf.tasks[0]!.requests.length > 10, "SFT kept fetching more rounds for its target");

  const aborted = await drawCompetitionData(competitionsAt(SUNSET_INSTRUCT_8B_BLOCK)[0]!, 5n, {
    baseUrl: "http://x",
    sleep: () => Promise.resolve(),
    fetch: server({
      "PrimeIntellect/SYNTHETIC-1-SFT-Data": () => Response.json({ error: "Unexpected error." }, { status: 500 }),
      "open-r1/codeforces-cots": page([cfRow]),
    }),
  });
  assert.equal(aborted.stepAborted, true);
  assert.equal(aborted.skipStep, true);
  assert.equal(aborted.tasks.length, 1, "CODEFORCES_COTS is not drawn");
  assert.equal(aborted.tasks[0]!.requests.length, 10);
});

Deno.test("drawTaskData() throws for an unsupported dataset and for an abort, never for a dataset failure", async () => {
  const mmlu = competitionsAt(SUNSET_B7_BLOCK)[0]!.evalTasks[0]!;
  await assert.rejects(drawTaskData(mmlu, 1n), RangeError);
  const refused = await drawTaskData(SFT!, 1n, { baseUrl: "http://127.0.0.1:1", timeoutMs: 2000 });
  assert.equal(refused.error?.kind, "size-failed");
  assert.equal(refused.sizeStatus, "network-error");
  const controller = new AbortController();
  controller.abort(new Error("bye"));
  await assert.rejects(drawTaskData(SFT!, 1n, { baseUrl: "http://x", signal: controller.signal }), /bye/);
});
