/**
 * Fuzzing datasets-server answers (`src/eval/datasets_server.ts`, `hf_page_loader.ts`,
 * `synthetic_sft_loader.ts`, `codeforces_loader.ts`): `/size` and `/rows` bodies of any JSON shape
 * (rows whose `messages`, `content` and `task_type` are anything), non-JSON bodies, any status and
 * `Retry-After`. The client gives a page or a {@linkcode DatasetsServerError} naming the URL; the row
 * parsers never throw; a task draw gives samples, or its {@linkcode DatasetLoadError} naming the dataset.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { competitionsAt, SUNSET_INSTRUCT_8B_BLOCK } from "../../src/eval/competitions.ts";
import { DatasetLoadError } from "../../src/eval/dataset_load_error.ts";
import { DatasetsServerError, fetchDatasetSize, fetchRows } from "../../src/eval/datasets_server.ts";
import { drawTaskData } from "../../src/eval/draw_task_data.ts";
import { parseCodeforcesRow } from "../../src/eval/codeforces_loader.ts";
import { parseSftRow, SFT_TASK_TYPES } from "../../src/eval/synthetic_sft_loader.ts";
import { fuzzParameters, valueOrTypedErrorAsync } from "./fuzz.ts";

const [SFT, CF] = competitionsAt(SUNSET_INSTRUCT_8B_BLOCK)[0]!.evalTasks;
const BASE = "http://datasets.invalid";

const json = fc.jsonValue({ maxDepth: 3 });
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("\\boxed{42}", 'x {"output": "7"} y', "\\boxed{", "\\boxed{a}\\boxed{b}", "  \n", "\u00a0x\u2028"),
);
const message = fc.oneof(
  { weight: 4, arbitrary: fc.record({ role: fc.constantFrom("user", "assistant"), content: text }) },
  fc.record({ content: json }, { requiredKeys: [] }),
  json,
);
const rowFields = {
  messages: fc.oneof({ weight: 4, arbitrary: fc.array(message, { maxLength: 3 }) }, json),
  "task_type": fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SFT_TASK_TYPES, "other") }, json),
};
const row = fc.oneof(
  { weight: 30, arbitrary: fc.record(rowFields, { requiredKeys: ["messages"] }) },
  fc.record(rowFields, { requiredKeys: [] }),
  json,
);
const rowsBody = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      rows: fc.oneof(
        {
          weight: 8,
          arbitrary: fc.array(fc.record({ row_idx: json, row }, { requiredKeys: ["row"] }), { maxLength: 4 }),
        },
        json,
      ),
      num_rows_total: json,
      num_rows_per_page: json,
      partial: json,
      features: json,
    }, { requiredKeys: ["rows"] }),
  },
  json,
);
const sizeBody = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      size: fc.record({
        splits: fc.oneof(
          {
            weight: 8,
            arbitrary: fc.array(
              fc.record({
                config: fc.oneof(fc.constantFrom("default", "a", "b"), json),
                split: fc.oneof(fc.constant("train"), json),
                num_rows: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 3000 }) }, json),
              }),
              { maxLength: 3 },
            ),
          },
          json,
        ),
      }),
      partial: json,
    }),
  },
  json,
);
/** One HTTP answer: mostly a 200 with a body, sometimes an error status, a Retry-After or text. */
const answer = (body: fc.Arbitrary<unknown>) =>
  fc.record({
    status: fc.oneof({ weight: 6, arbitrary: fc.constant(200) }, fc.constantFrom(204, 301, 404, 422, 429, 500, 503)),
    body: fc.oneof({ weight: 6, arbitrary: body.map((b) => JSON.stringify(b)) }, fc.string({ maxLength: 20 })),
    retryAfter: fc.option(
      fc.oneof(fc.constantFrom("0", "1", "-1", "1_0", " 2 ", "soon"), fc.string({ maxLength: 4 })),
      {
        nil: undefined,
      },
    ),
  });

function respond(a: { status: number; body: string; retryAfter: string | undefined }): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (a.retryAfter !== undefined) headers["retry-after"] = a.retryAfter;
  return new Response(a.status === 204 ? null : a.body, { status: a.status, headers });
}

Deno.test("fuzz: fetchRows() and fetchDatasetSize() give a page or a DatasetsServerError naming the URL", async () => {
  await fc.assert(
    fc.asyncProperty(answer(rowsBody), answer(sizeBody), async (rows, size) => {
      const fetch = ((input: RequestInfo | URL) =>
        Promise.resolve(respond(new URL(String(input)).pathname === "/size" ? size : rows))) as typeof globalThis.fetch;
      const page = await valueOrTypedErrorAsync(
        () =>
          fetchRows("org/data", { config: "a", split: "train", offset: 3 }, { baseUrl: BASE, fetch }),
        [DatasetsServerError],
      );
      if ("error" in page) {
        assert.match(page.error.message, /org\/data|\/rows\?dataset=org%2Fdata/);
      } else {
        for (const r of page.value.rows) {
          assert.ok(typeof r.row === "object" && r.row !== null);
        }
      }
      const sizes = await valueOrTypedErrorAsync(() =>
        fetchDatasetSize("org/data", { baseUrl: BASE, fetch }), [
        DatasetsServerError,
      ]);
      if ("error" in sizes) {
        assert.match(sizes.error.message, /org\/data|org%2Fdata/);
      }
    }),
    fuzzParameters(500),
  );
});

Deno.test("fuzz: parseSftRow() and parseCodeforcesRow() take rows of any shape without throwing", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.constantFrom(...SFT_TASK_TYPES), fc.string()),
      fc.oneof(fc.array(message), json),
      (t, m) => {
        for (const sample of [parseSftRow(t, m), parseCodeforcesRow(m)]) {
          if (sample !== undefined) {
            assert.equal(typeof sample.question, "string");
            assert.equal(typeof sample.reference, "string");
          }
        }
      },
    ),
    fuzzParameters(1000),
  );
});

Deno.test("fuzz: drawTaskData() over any pages gives samples or a DatasetLoadError naming the dataset", async () => {
  let loaded = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(SFT!, CF!),
      fc.bigInt({ min: 0n, max: 2n ** 64n }),
      answer(sizeBody),
      fc.array(answer(rowsBody), { minLength: 1, maxLength: 12 }),
      async (task, seed, size, pages) => {
        let next = 0;
        const fetch = ((input: RequestInfo | URL) => {
          const url = new URL(String(input));
          return Promise.resolve(respond(url.pathname === "/size" ? size : pages[next++ % pages.length]!));
        }) as typeof globalThis.fetch;
        const data = await drawTaskData(task, seed, { baseUrl: BASE, fetch, sleep: () => Promise.resolve() });
        if (data.error !== undefined) {
          assert.ok(data.error instanceof DatasetLoadError);
          assert.ok(data.error.message.includes(`"${data.dataset}"`), data.error.message);
          assert.deepEqual(data.samples, []);
        } else {
          for (const s of data.samples) {
            assert.equal(s.messages.at(-1)?.role, "user");
            assert.equal(typeof s.reference, "string");
          }
          loaded++;
        }
      },
    ),
    fuzzParameters(300),
  );
  assert.ok(loaded > 0, "some draws load (the generator is not all noise)");
});
