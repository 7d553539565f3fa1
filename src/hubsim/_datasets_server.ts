/**
 * The datasets-server endpoints over dataset repositories on disk:
 * `ROOT/datasets/<namespace>/<name>/<config>/<split>.jsonl`, one JSON object per line. Shapes follow
 * huggingface/dataset-viewer (research/sn37_update.md §3):
 *
 * - configs are listed as the real `dataset-config-names` orders them: "default" first, then by code
 *   point; a config's splits as train, validation, test, then the others by code point;
 * - `/size?dataset=[&config=]` gives `size.dataset`, `size.configs`, `size.splits` with every field of the
 *   real answer (`estimated_num_rows` null; byte counts are the JSONL sizes), `pending`, `failed`, `partial`;
 * - `/rows` reads `offset` and `length` (default and maximum 100), never `limit`, and answers
 *   `features`, `rows[{row_idx,row,truncated_cells}]`, `num_rows_total`, `num_rows_per_page`, `partial`;
 *   an offset past the end gives 200 with no rows; an unknown config 404, an unknown split of a known
 *   config 500 (as the real server does);
 * - errors are `{"error": message}` with `X-Error-Code`.
 *
 * @module
 */
import { join } from "node:path";
import { hubError, jsonResponse } from "./_http.ts";
import { isValidRepoId, type RepoStore } from "./_repo_store.ts";

/** Rows per page of `/rows` at most (and by default). */
export const MAX_ROWS_PER_PAGE = 100;

/** One split file, parsed. */
export interface SplitData {
  readonly config: string;
  readonly split: string;
  readonly path: string;
  readonly rows: readonly Record<string, unknown>[];
  readonly bytes: number;
  /** Column names in first-seen order. */
  readonly columns: readonly string[];
}

/** Parsed split files by path, with the stat signature they were parsed at. */
export type SplitCache = Map<string, { signature: string; data: SplitData }>;

/** Compares strings by code point (Python's `sorted`), not by UTF-16 unit. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const SPLIT_ORDER = ["train", "validation", "test"];

function splitRank(name: string): number {
  const i = SPLIT_ORDER.indexOf(name);
  return i < 0 ? SPLIT_ORDER.length : i;
}

async function readSplits(store: RepoStore, cache: SplitCache, dataset: string): Promise<SplitData[] | undefined> {
  const [namespace = "", name = "", ...rest] = dataset.split("/");
  if (rest.length > 0 || !isValidRepoId(namespace, name)) return undefined;
  const dir = store.repoDir("dataset", dataset);
  const configs: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory && !entry.name.startsWith(".")) configs.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  configs.sort((a, b) => Number(a !== "default") - Number(b !== "default") || byCodePoint(a, b));
  const out: SplitData[] = [];
  for (const config of configs) {
    const splits: string[] = [];
    for await (const entry of Deno.readDir(join(dir, config))) {
      if (entry.isFile && entry.name.endsWith(".jsonl")) splits.push(entry.name.slice(0, -".jsonl".length));
    }
    splits.sort((a, b) => splitRank(a) - splitRank(b) || byCodePoint(a, b));
    for (const split of splits) {
      out.push(await readSplit(cache, join(dir, config, `${split}.jsonl`), config, split));
    }
  }
  return out;
}

async function readSplit(cache: SplitCache, path: string, config: string, split: string): Promise<SplitData> {
  const stat = await Deno.stat(path);
  const signature = `${stat.ino}:${stat.size}:${stat.mtime?.getTime()}`;
  const hit = cache.get(path);
  if (hit !== undefined && hit.signature === signature) return hit.data;
  const text = await Deno.readTextFile(path);
  const rows = text.split("\n").filter((line) => line.trim() !== "").map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new SyntaxError(`Cannot parse "${path}" line ${i + 1}: ${(error as Error).message}`);
    }
  });
  const names = new Set<string>();
  for (const row of rows.slice(0, 100)) for (const key of Object.keys(row)) names.add(key);
  const data = { config, split, path, rows, bytes: stat.size, columns: [...names] };
  cache.set(path, { signature, data });
  return data;
}

function notFound(): Response {
  return hubError(
    404,
    "The dataset does not exist, or is not accessible without authentication (private or gated). Please check the spelling of the dataset name or retry with authentication.",
    "DatasetNotFoundError",
  );
}

function featureType(value: unknown): Record<string, unknown> {
  if (typeof value === "string") return { dtype: "string", _type: "Value" };
  if (typeof value === "boolean") return { dtype: "bool", _type: "Value" };
  if (typeof value === "number") return { dtype: Number.isInteger(value) ? "int64" : "float64", _type: "Value" };
  if (Array.isArray(value)) return { feature: value.length > 0 ? featureType(value[0]) : {}, _type: "List" };
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, featureType(v)]));
  }
  return { dtype: "null", _type: "Value" };
}

function required(url: URL, names: readonly string[]): Response | undefined {
  for (const name of names) {
    const value = url.searchParams.get(name);
    if (value === null || value.trim() === "") {
      return hubError(422, `Parameter '${name}' is required`, "MissingRequiredParameter");
    }
  }
  return undefined;
}

const sum = (list: readonly SplitData[], f: (s: SplitData) => number) => list.reduce((n, s) => n + f(s), 0);

function splitSize(dataset: string, s: SplitData) {
  return {
    dataset,
    config: s.config,
    split: s.split,
    num_bytes_parquet_files: s.bytes,
    num_bytes_memory: s.bytes,
    num_rows: s.rows.length,
    num_columns: s.columns.length,
    estimated_num_rows: null,
  };
}

function configSize(dataset: string, config: string, list: readonly SplitData[]) {
  return {
    dataset,
    config,
    num_bytes_original_files: sum(list, (s) => s.bytes),
    num_bytes_parquet_files: sum(list, (s) => s.bytes),
    num_bytes_memory: sum(list, (s) => s.bytes),
    num_rows: sum(list, (s) => s.rows.length),
    num_columns: list[0]?.columns.length ?? 0,
    estimated_num_rows: null,
  };
}

/** `GET /size?dataset=[&config=]`. */
export async function sizeEndpoint(store: RepoStore, cache: SplitCache, url: URL): Promise<Response> {
  const missing = required(url, ["dataset"]);
  if (missing !== undefined) return missing;
  const dataset = url.searchParams.get("dataset")!;
  const splits = await readSplits(store, cache, dataset);
  if (splits === undefined || splits.length === 0) return notFound();
  const config = url.searchParams.get("config");
  if (config !== null) {
    const list = splits.filter((s) => s.config === config);
    if (list.length === 0) return hubError(404, "Not found.", "ResponseNotFound");
    return jsonResponse({
      size: { config: configSize(dataset, config, list), splits: list.map((s) => splitSize(dataset, s)) },
      partial: false,
    });
  }
  const byConfig = new Map<string, SplitData[]>();
  for (const split of splits) byConfig.set(split.config, [...(byConfig.get(split.config) ?? []), split]);
  return jsonResponse({
    size: {
      dataset: {
        dataset,
        num_bytes_original_files: sum(splits, (s) => s.bytes),
        num_bytes_parquet_files: sum(splits, (s) => s.bytes),
        num_bytes_memory: sum(splits, (s) => s.bytes),
        num_rows: sum(splits, (s) => s.rows.length),
        estimated_num_rows: null,
      },
      configs: [...byConfig].map(([name, list]) => configSize(dataset, name, list)),
      splits: splits.map((s) => splitSize(dataset, s)),
    },
    pending: [],
    failed: [],
    partial: false,
  });
}

/** `GET /splits?dataset=`. */
export async function splitsEndpoint(store: RepoStore, cache: SplitCache, url: URL): Promise<Response> {
  const missing = required(url, ["dataset"]);
  if (missing !== undefined) return missing;
  const dataset = url.searchParams.get("dataset")!;
  const splits = await readSplits(store, cache, dataset);
  if (splits === undefined || splits.length === 0) return notFound();
  return jsonResponse({
    splits: splits.map((s) => ({ dataset, config: s.config, split: s.split })),
    pending: [],
    failed: [],
  });
}

function intParam(url: URL, name: string, fallback: number): number | Response {
  const text = url.searchParams.get(name);
  if (text === null || text === "") return fallback;
  if (!/^[+-]?\d+$/.test(text.trim())) {
    return hubError(422, `Parameter '${name}' must be integer`, "InvalidParameter");
  }
  const value = Number(text);
  if (value < 0) return hubError(422, `Parameter '${name}' must be positive`, "InvalidParameter");
  return value;
}

/**
 * `GET /rows?dataset=&config=&split=&offset=&length=`. `keepRows` (a `rows` fault) serves only the
 * page's first rows.
 */
export async function rowsEndpoint(
  store: RepoStore,
  cache: SplitCache,
  url: URL,
  keepRows?: number,
): Promise<Response> {
  const missing = required(url, ["dataset", "config", "split"]);
  if (missing !== undefined) return missing;
  const offset = intParam(url, "offset", 0);
  if (offset instanceof Response) return offset;
  const length = intParam(url, "length", MAX_ROWS_PER_PAGE);
  if (length instanceof Response) return length;
  if (length > MAX_ROWS_PER_PAGE) {
    return hubError(422, `Parameter 'length' must not be greater than ${MAX_ROWS_PER_PAGE}`, "InvalidParameter");
  }
  const dataset = url.searchParams.get("dataset")!;
  const config = url.searchParams.get("config")!;
  const split = url.searchParams.get("split")!;
  const splits = await readSplits(store, cache, dataset);
  if (splits === undefined || splits.length === 0) return notFound();
  if (!splits.some((s) => s.config === config)) return hubError(404, "Not found.", "ResponseNotFound");
  const data = splits.find((s) => s.config === config && s.split === split);
  if (data === undefined) return hubError(500, "Unexpected error.", "UnexpectedApiError");
  const sample = Object.fromEntries(data.columns.map((n) => [n, data.rows.find((r) => r[n] !== undefined)?.[n]]));
  const page = data.rows.slice(offset, offset + length).slice(0, keepRows ?? MAX_ROWS_PER_PAGE);
  return jsonResponse(
    {
      features: data.columns.map((name, i) => ({ feature_idx: i, name, type: featureType(sample[name]) })),
      rows: page.map((row, i) => ({ row_idx: offset + i, row, truncated_cells: [] })),
      num_rows_total: data.rows.length,
      num_rows_per_page: MAX_ROWS_PER_PAGE,
      partial: false,
    },
    200,
    { "cache-control": "max-age=120", "x-revision": "main" },
  );
}
