/**
 * The local hub's datasets-server over the generated SN37 datasets: the real `/size` and `/rows`
 * shapes and orders, the real error answers, and faults on the datasets routes (matched by dataset and
 * by `<config>/<split>/<offset>`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CODEFORCES_CONFIGS,
  parseFaults,
  SN37_DATASET_REPOS,
  startHubsim,
  writeSn37Datasets,
} from "../src/hubsim/mod.ts";

const CF = SN37_DATASET_REPOS.codeforcesCots;
const SFT = SN37_DATASET_REPOS.synthetic1Sft;

async function datasetsHub() {
  const root = await Deno.makeTempDir({ prefix: "subvalid-hubsim-ds-" });
  await writeSn37Datasets(root, { longRows: false, codeforcesRows: 2000, sftRows: 2000 });
  // Extra configs to check the order: "default" first, then by code point (uppercase before lowercase).
  for (const config of ["default", "Zeta", "alpha"]) {
    await Deno.mkdir(join(root, "datasets", CF, config), { recursive: true });
    await Deno.writeTextFile(join(root, "datasets", CF, config, "train.jsonl"), '{"messages":[]}\n');
  }
  await Deno.writeTextFile(join(root, "datasets", CF, "alpha", "test.jsonl"), '{"messages":[]}\n');
  const hub = await startHubsim({ root });
  return {
    hub,
    async [Symbol.asyncDispose]() {
      await hub.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

async function get(url: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url);
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}

Deno.test("hubsim /size: the real fields, configs ordered default first then by code point, splits train first", async () => {
  await using f = await datasetsHub();
  const { body } = await get(`${f.hub.url}/size?dataset=${CF}`);
  const size = body.size as { dataset: object; configs: { config: string }[]; splits: Record<string, unknown>[] };
  assert.deepEqual(
    size.splits.map((s) => `${s.config}/${s.split}`),
    ["default/train", "Zeta/train", "alpha/train", "alpha/test", ...CODEFORCES_CONFIGS.map((c) => `${c}/train`)],
  );
  assert.deepEqual(Object.keys(size.splits[4]!).sort(), [
    "config",
    "dataset",
    "estimated_num_rows",
    "num_bytes_memory",
    "num_bytes_parquet_files",
    "num_columns",
    "num_rows",
    "split",
  ]);
  assert.equal(size.splits[4]!.num_rows, 2000);
  assert.deepEqual(Object.keys(size.dataset).sort(), [
    "dataset",
    "estimated_num_rows",
    "num_bytes_memory",
    "num_bytes_original_files",
    "num_bytes_parquet_files",
    "num_rows",
  ]);
  assert.equal(size.configs.length, 7);
  assert.deepEqual([body.pending, body.failed, body.partial], [[], [], false]);
  const one = await get(`${f.hub.url}/size?dataset=${CF}&config=solutions`);
  assert.deepEqual((one.body.size as { splits: unknown[] }).splits.length, 1);
  const missing = await get(`${f.hub.url}/size`);
  assert.equal(missing.status, 422);
  assert.equal(missing.headers.get("x-error-code"), "MissingRequiredParameter");
  assert.deepEqual(missing.body, { error: "Parameter 'dataset' is required" });
  assert.equal((await get(`${f.hub.url}/size?dataset=acme/none`)).status, 404);
});

Deno.test("hubsim /rows: the real page shape, limit ignored, offset past the end gives 200 and no rows", async () => {
  await using f = await datasetsHub();
  const base = `${f.hub.url}/rows?dataset=${encodeURIComponent(SFT)}&config=default&split=train`;
  const page = await get(`${base}&offset=1950&limit=150`);
  assert.equal(page.status, 200);
  assert.deepEqual(Object.keys(page.body).sort(), [
    "features",
    "num_rows_per_page",
    "num_rows_total",
    "partial",
    "rows",
  ]);
  const rows = page.body.rows as { row_idx: number; row: Record<string, unknown>; truncated_cells: unknown[] }[];
  assert.equal(rows.length, 50, "the last 50 rows");
  assert.deepEqual([rows[0]!.row_idx, rows[0]!.truncated_cells], [1950, []]);
  assert.equal(page.body.num_rows_total, 2000);
  assert.equal(page.body.num_rows_per_page, 100);
  const features = page.body.features as { name: string; type: Record<string, unknown> }[];
  assert.deepEqual(features.find((x) => x.name === "messages")!.type, {
    feature: { content: { dtype: "string", _type: "Value" }, role: { dtype: "string", _type: "Value" } },
    _type: "List",
  });
  assert.equal((await get(`${base}&offset=0&limit=150`)).body.rows instanceof Array, true);
  assert.equal(((await get(`${base}&offset=0&limit=150`)).body.rows as unknown[]).length, 100);
  const past = await get(`${base}&offset=5000`);
  assert.deepEqual([past.status, past.body.rows], [200, []]);
  const errors = await Promise.all([
    get(`${f.hub.url}/rows?dataset=${SFT}&split=train`),
    get(`${base}&offset=-1`),
    get(`${base}&offset=x`),
    get(`${base}&length=101`),
    get(`${f.hub.url}/rows?dataset=${CF}&config=nope&split=train`),
    get(`${f.hub.url}/rows?dataset=${CF}&config=solutions&split=test`),
  ]);
  assert.deepEqual(errors.map((e) => [e.status, e.body.error, e.headers.get("x-error-code")]), [
    [422, "Parameter 'config' is required", "MissingRequiredParameter"],
    [422, "Parameter 'offset' must be positive", "InvalidParameter"],
    [422, "Parameter 'offset' must be integer", "InvalidParameter"],
    [422, "Parameter 'length' must not be greater than 100", "InvalidParameter"],
    [404, "Not found.", "ResponseNotFound"],
    [500, "Unexpected error.", "UnexpectedApiError"],
  ]);
});

Deno.test("hubsim faults on datasets routes: by dataset and config/split/offset; 429 with or without Retry-After, body, rows", async () => {
  await using f = await datasetsHub();
  const rows = (config: string, offset: number, dataset: string = CF) =>
    `${f.hub.url}/rows?dataset=${encodeURIComponent(dataset)}&config=${config}&split=train&offset=${offset}`;
  f.hub.faults.add({
    type: "rate-limit",
    route: "rows",
    repo: CF,
    path: "solutions/train/1*",
    retryAfter: 3,
    times: 1,
  });
  f.hub.faults.add({ type: "rate-limit", route: "rows", repo: SFT, retryAfter: null, times: 1 });
  f.hub.faults.add({ type: "body", route: "rows", path: "solutions_py/*", body: "<html>busy</html>", times: 1 });
  f.hub.faults.add({ type: "rows", route: "rows", path: "checker_interactor/train/7", count: 0, times: 1 });
  f.hub.faults.add({ type: "rows", route: "rows", path: "checker_interactor/train/8", count: 3, times: 1 });
  f.hub.faults.add({ type: "status", status: 500, route: "size", repo: CF, times: 1 });

  assert.equal((await get(rows("solutions", 0))).status, 200, "offset 0 does not match 1*");
  const limited = await get(rows("solutions", 120));
  assert.deepEqual([limited.status, limited.headers.get("retry-after")], [429, "3"]);
  const bare = await get(rows("default", 0, SFT));
  assert.deepEqual([bare.status, bare.headers.get("retry-after")], [429, null]);
  const html = await get(rows("solutions_py", 0));
  assert.deepEqual([html.status, html.body.text], [200, "<html>busy</html>"]);
  assert.deepEqual((await get(rows("checker_interactor", 7))).body.rows, []);
  assert.equal(((await get(rows("checker_interactor", 8))).body.rows as unknown[]).length, 3);
  assert.equal(((await get(rows("checker_interactor", 8))).body.rows as unknown[]).length, 100, "spent");
  assert.equal((await get(`${f.hub.url}/size?dataset=${CF}`)).status, 500);
  assert.equal((await get(`${f.hub.url}/size?dataset=${CF}`)).status, 200);
  const record = f.hub.requests.list((r) => r.route === "rows")[1]!;
  assert.deepEqual([record.repo, record.path, record.status, record.fault], [
    CF,
    "solutions/train/120",
    429,
    "rate-limit",
  ]);
  assert.ok(f.hub.faults.list().every((x) => !x.active));
});

Deno.test("parseFaults() accepts body and rows faults and a Retry-After of null or text, and checks their fields", () => {
  assert.equal(parseFaults('[{"type":"body","body":"{","status":200},{"type":"rows","count":0}]').length, 2);
  assert.equal(parseFaults('{"type":"rate-limit","retryAfter":null}').length, 1);
  assert.equal(parseFaults('{"type":"rate-limit","retryAfter":"Wed, 21 Oct 2015 07:28:00 GMT"}').length, 1);
  assert.throws(() => parseFaults('{"type":"body"}'), TypeError);
  assert.throws(() => parseFaults('{"type":"body","body":"x","status":99}'), TypeError);
  assert.throws(() => parseFaults('{"type":"rows","count":-1}'), TypeError);
});
