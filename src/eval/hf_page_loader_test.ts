import assert from "node:assert/strict";
import { DatasetLoadError } from "./dataset_load_error.ts";
import { HfPageLoader, pyInt, realSleep } from "./hf_page_loader.ts";
import { PyRandom } from "./py_random.ts";

type Answer = number | "network" | { status: number; retryAfter?: string } | { body: string };

/** A datasets-server whose /rows answers come from a script, in order (then 200 pages). */
function server(splits: [string, string, number][], script: Answer[]) {
  const asked: { offset: number; config: string }[] = [];
  const fetch = ((input: RequestInfo | URL) => {
    const url = new URL(String(input));
    if (url.pathname === "/size") {
      const entries = splits.map(([config, split, n]) => ({ config, split, num_rows: n }));
      return Promise.resolve(Response.json({ size: { splits: entries } }));
    }
    asked.push({ offset: Number(url.searchParams.get("offset")), config: url.searchParams.get("config")! });
    const a = script.shift() ?? 200;
    if (a === "network") return Promise.reject(new TypeError("connection reset"));
    if (typeof a === "object" && "body" in a) return Promise.resolve(new Response(a.body));
    const status = typeof a === "number" ? a : a.status;
    const headers = typeof a === "object" && a.retryAfter !== undefined ? { "retry-after": a.retryAfter } : undefined;
    if (status >= 400) {
      return Promise.resolve(Response.json({ error: "no" }, { status, ...(headers ? { headers } : {}) }));
    }
    return Promise.resolve(Response.json({ rows: [{ row_idx: 0, row: { messages: [] } }], num_rows_total: 1 }));
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

/** Replays the draws the reference makes for `n` page attempts of one round (one config). */
function expectedOffsets(seed: number, rowsPerPage: number, numRows: number, n: number): number[] {
  const rng = new PyRandom(seed);
  const initial = rng.randint(0, rowsPerPage - 1);
  return Array.from({ length: n }, () => {
    rng.choice(["c"]);
    return initial + rng.randint(0, Math.floor((numRows - initial + 1) / rowsPerPage) - 1) * rowsPerPage;
  });
}

async function round(script: Answer[], options: { numPages?: number; numRows?: number; signal?: AbortSignal } = {}) {
  const s = server([["c", "train", options.numRows ?? 5000]], script);
  const sleeps: number[] = [];
  const loader = new HfPageLoader("a/b", 120, new PyRandom(9), {
    baseUrl: "http://x",
    fetch: s.fetch,
    sleep: (seconds) => Promise.resolve(void sleeps.push(seconds)),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await loader.loadConfigs();
  const error = await loader.fetchRound(options.numPages ?? 1).then(() => undefined, (e) => e);
  return { loader, error, sleeps, asked: s.asked };
}

Deno.test("each failure draws a new page; delays 5 s doubling to 60 s, Retry-After for a 429, reset by an answer", async () => {
  const r = await round([500, 500, { status: 429, retryAfter: "3" }, 500, 200]);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.loader.requests.map((q) => q.status), [500, 500, 429, 500, 200]);
  assert.deepEqual(r.loader.sleeps, [5, 10, 3, 40]);
  assert.deepEqual(r.sleeps, r.loader.sleeps, "the injected sleep waits exactly these");
  assert.deepEqual(r.asked.map((a) => a.offset), expectedOffsets(9, 120, 5000, 5), "one new draw per attempt");
  assert.deepEqual(r.loader.pages.map((p) => p.offset), [r.asked[4]!.offset]);
  assert.equal(r.loader.rows.length, 1);
});

Deno.test("the 10th failure ends the loader: a 500 aborts the step, a 429 only skips the dataset", async () => {
  const http = await round(Array(10).fill(500));
  assert.ok(http.error instanceof DatasetLoadError);
  assert.equal(http.error.kind, "http-error");
  assert.equal(http.error.abortsStep, true);
  assert.deepEqual(http.loader.sleeps, [5, 10, 20, 40, 60, 60, 60, 60, 60], "no sleep after the 10th");
  const limited = await round(Array(10).fill({ status: 429 }));
  assert.equal(limited.error.kind, "rate-limited");
  assert.equal(limited.error.abortsStep, false);
  assert.deepEqual(limited.loader.sleeps, [5, 10, 20, 40, 60, 60, 60, 60, 60, 60], "a 429 sleeps before counting");
});

Deno.test("a connection error before any answer in a round fails at once; after an answer it counts as a failure", async () => {
  const first = await round(["network"]);
  assert.equal(first.error.kind, "network-error");
  assert.deepEqual(first.loader.requests.map((q) => q.status), ["network-error"]);
  assert.deepEqual(first.loader.sleeps, []);
  const later = await round([503, "network", 200]);
  assert.equal(later.error, undefined);
  assert.deepEqual(later.loader.sleeps, [5, 10]);
});

Deno.test("a body that is not JSON still counts its page (with no rows); a body without rows fails the dataset", async () => {
  const notJson = await round([{ body: "<html>" }]);
  assert.equal(notJson.error, undefined);
  assert.equal(notJson.loader.pages.length, 1);
  assert.equal(notJson.loader.rows.length, 0);
  assert.deepEqual(notJson.loader.sleeps, [5]);
  const noRows = await round([{ body: '{"rows":[{"row":{"id":1}}]}' }]);
  assert.equal(noRows.error.kind, "bad-rows");
});

Deno.test("Retry-After is read like Python's int(); anything else fails the dataset", async () => {
  assert.deepEqual(["7", " +2 ", "1_0", "007", "-1", "1.5", "1__0", "", "Wed, 21 Oct 2015"].map(pyInt), [
    7,
    2,
    10,
    7,
    -1,
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  const ok = await round([{ status: 429, retryAfter: "1_0" }]);
  assert.deepEqual(ok.loader.sleeps, [10]);
  for (const bad of ["-1", "1.5"]) {
    const r = await round([{ status: 429, retryAfter: bad }]);
    assert.equal(r.error.kind, "bad-retry-after", bad);
  }
});

Deno.test("duplicate pages are skipped and 100 of them end the round; too few rows for the offset fail", async () => {
  const dup = await round([], { numPages: 2, numRows: 240 }); // initial offset 59: one page
  assert.equal(dup.error, undefined);
  assert.equal(dup.loader.pages.length, 1, "only one page exists");
  assert.equal(dup.loader.requests.length, 1);
  const few = await round([], { numRows: 5 });
  assert.equal(few.error.kind, "no-pages");
});

Deno.test("an abort during a wait rejects with the signal's reason", async () => {
  const controller = new AbortController();
  const s = server([["c", "train", 5000]], [500]);
  const loader = new HfPageLoader("a/b", 120, new PyRandom(1), {
    baseUrl: "http://x",
    fetch: s.fetch,
    signal: controller.signal,
    sleep: (seconds, signal) => {
      queueMicrotask(() => controller.abort(new Error("stopped")));
      return realSleep(seconds, signal);
    },
  });
  await loader.loadConfigs();
  await assert.rejects(loader.fetchRound(1), /stopped/);
});
