import assert from "node:assert/strict";
import {
  configsFromSplits,
  DatasetsServerError,
  fetchDatasetConfigs,
  fetchDatasetSize,
  fetchRows,
} from "./datasets_server.ts";

/** A fetch that answers from a function and records the URLs asked. */
function fakeFetch(answer: (url: URL) => Response | Promise<Response>): typeof fetch & { urls: string[] } {
  const urls: string[] = [];
  const f = (async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    urls.push(url.pathname + url.search);
    return await answer(url);
  }) as typeof fetch & { urls: string[] };
  f.urls = urls;
  return f;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const split = (config: string, splitName: string, rows: number) => ({
  dataset: "a/b",
  config,
  split: splitName,
  num_rows: rows,
  num_bytes_parquet_files: 1,
  num_bytes_memory: 1,
  num_columns: 3,
  estimated_num_rows: null,
});

Deno.test("configsFromSplits(): order kept, a later split overwrites in place, default dropped unless alone", () => {
  const configs = configsFromSplits([
    { config: "default", split: "train", numRows: 5 },
    { config: "b", split: "train", numRows: 10 },
    { config: "a", split: "train", numRows: 20 },
    { config: "b", split: "test", numRows: 3 },
  ]);
  assert.deepEqual([...configs], [["b", { numRows: 3, split: "test" }], ["a", { numRows: 20, split: "train" }]]);
  assert.deepEqual([...configsFromSplits([{ config: "default", split: "train", numRows: 7 }])], [
    ["default", { numRows: 7, split: "train" }],
  ]);
  assert.equal(
    configsFromSplits([{ config: "default", split: "train", numRows: 7 }, {
      config: "default",
      split: "test",
      numRows: 1,
    }])
      .size,
    0,
    "two splits of default only: nothing left, as in the reference",
  );
});

Deno.test("fetchDatasetConfigs() asks /size?dataset= and keeps the server's order", async () => {
  const f = fakeFetch(() =>
    json({
      size: { dataset: {}, configs: [], splits: [split("z", "train", 1), split("a", "train", 2)] },
      pending: [],
      failed: [],
      partial: false,
    })
  );
  const configs = await fetchDatasetConfigs("open-r1/codeforces-cots", { baseUrl: "http://x/", fetch: f });
  assert.deepEqual([...configs.keys()], ["z", "a"]);
  assert.deepEqual(f.urls, ["/size?dataset=open-r1%2Fcodeforces-cots"]);
});

Deno.test("fetchRows() sends the reference's query (limit, no length) and reads rows", async () => {
  const f = fakeFetch(() =>
    json({
      features: [{ feature_idx: 0, name: "x", type: { dtype: "string", _type: "Value" } }],
      rows: [{ row_idx: 7, row: { x: "a" }, truncated_cells: [] }],
      num_rows_total: 8,
      num_rows_per_page: 100,
      partial: false,
    })
  );
  const page = await fetchRows("a/b", { config: "c", split: "train", offset: 7, limit: 150 }, {
    baseUrl: "http://x",
    fetch: f,
  });
  assert.deepEqual(f.urls, ["/rows?dataset=a%2Fb&config=c&split=train&offset=7&limit=150"]);
  assert.deepEqual(page.rows, [{ rowIdx: 7, row: { x: "a" } }]);
  assert.equal(page.numRowsTotal, 8);
  await fetchRows("a/b", { config: "c", split: "train", offset: 0, length: 5 }, { baseUrl: "http://x", fetch: f });
  assert.equal(f.urls[1], "/rows?dataset=a%2Fb&config=c&split=train&offset=0&length=5");
});

Deno.test("DatasetsServerError carries the status, Retry-After, the {error} message, X-Error-Code and the URL", async () => {
  const f = fakeFetch(() => json({ error: "too many requests" }, 429, { "retry-after": "7", "x-error-code": "Rate" }));
  const error = await fetchRows("a/b", { config: "c", split: "s", offset: 0 }, { baseUrl: "http://x", fetch: f })
    .catch((e) => e);
  assert.ok(error instanceof DatasetsServerError);
  assert.equal(error.kind, "http");
  assert.equal(error.status, 429);
  assert.equal(error.retryAfterSeconds, 7);
  assert.equal(error.serverMessage, "too many requests");
  assert.equal(error.errorCode, "Rate");
  assert.match(error.url, /^http:\/\/x\/rows\?dataset=a%2Fb/);
  assert.match(error.message, /^Cannot GET "http:\/\/x\/rows.*": HTTP 429: too many requests$/);
});

Deno.test("fetchRows()/fetchDatasetSize() name what is wrong with a body: not JSON, no rows, bad row, bad num_rows", async () => {
  const cases: [Response, string, RegExp][] = [
    [new Response("<html>", { status: 200 }), "json", /body is not JSON/],
    [json({ nope: 1 }), "shape", /"rows" is missing/],
    [json({ rows: {} }), "shape", /"rows" is not an array/],
    [json({ rows: [{ row_idx: 0 }] }), "shape", /rows\[0\] has no "row" object/],
  ];
  for (const [response, kind, message] of cases) {
    const error = await fetchRows("a/b", { config: "c", split: "s", offset: 0 }, {
      baseUrl: "http://x",
      fetch: fakeFetch(() => response),
    }).catch((e) => e);
    assert.ok(error instanceof DatasetsServerError);
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
  }
  const bad = await fetchDatasetSize("a/b", {
    baseUrl: "http://x",
    fetch: fakeFetch(() => json({ size: { splits: [{ config: "c", split: "s", num_rows: -1 }] } })),
  }).catch((e) => e);
  assert.match(bad.message, /size\.splits\[0\]\.num_rows is -1, not a row count/);
});

Deno.test("a deadline gives a timeout error, a refused connection a network error, an abort the signal's reason", async () => {
  const slow = fakeFetch(() =>
    new Promise((resolve) => {
      const t = setTimeout(() => resolve(json({})), 2000);
      Deno.unrefTimer(t);
    })
  );
  const timedOut = await fetchDatasetSize("a/b", { baseUrl: "http://x", fetch: abortable(slow), timeoutMs: 20 })
    .catch((e) => e);
  assert.equal((timedOut as DatasetsServerError).kind, "timeout");
  const refused = await fetchDatasetSize("a/b", { baseUrl: "http://127.0.0.1:1", timeoutMs: 2000 }).catch((e) => e);
  assert.equal((refused as DatasetsServerError).kind, "network");
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  const aborted = await fetchDatasetSize("a/b", {
    baseUrl: "http://x",
    fetch: abortable(slow),
    signal: controller.signal,
  })
    .catch((e) => e);
  assert.equal((aborted as Error).message, "stop");
});

/** Wraps a fake fetch so that it rejects when the request's signal aborts, as the real fetch does. */
function abortable(f: typeof fetch): typeof fetch {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const signal = init?.signal;
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      f(input, init).then(resolve, reject);
    });
}
