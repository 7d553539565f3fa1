/**
 * The datasets-server endpoints over dataset repositories on disk:
 * `ROOT/datasets/<namespace>/<name>/<config>/<split>.jsonl`, one JSON object per line. Configs and splits
 * are listed in sorted order. `/rows` reads `offset` and `length` (default and maximum 100) and, like the
 * real server, ignores `limit`.
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
}

/** Parsed split files by path, with the stat signature they were parsed at. */
export type SplitCache = Map<string, { signature: string; data: SplitData }>;

async function readSplits(store: RepoStore, cache: SplitCache, dataset: string): Promise<SplitData[] | undefined> {
  const [namespace = "", name = ""] = dataset.split("/");
  if (!isValidRepoId(namespace, name)) return undefined;
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
  const out: SplitData[] = [];
  for (const config of configs.sort()) {
    const splits: string[] = [];
    for await (const entry of Deno.readDir(join(dir, config))) {
      if (entry.isFile && entry.name.endsWith(".jsonl")) splits.push(entry.name.slice(0, -".jsonl".length));
    }
    for (const split of splits.sort()) {
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
  const data = { config, split, path, rows, bytes: stat.size };
  cache.set(path, { signature, data });
  return data;
}

function notFound(dataset: string | null): Response {
  return hubError(
    404,
    `The dataset "${dataset}" does not exist, or is not accessible without authentication (private or gated)`,
    "DatasetNotFoundError",
  );
}

function columns(rows: readonly Record<string, unknown>[]): string[] {
  const names = new Set<string>();
  for (const row of rows.slice(0, 100)) for (const key of Object.keys(row)) names.add(key);
  return [...names];
}

function featureType(value: unknown): Record<string, unknown> {
  if (typeof value === "string") return { dtype: "string", _type: "Value" };
  if (typeof value === "boolean") return { dtype: "bool", _type: "Value" };
  if (typeof value === "number") return { dtype: Number.isInteger(value) ? "int64" : "float64", _type: "Value" };
  if (Array.isArray(value)) return { feature: value.length > 0 ? featureType(value[0]) : {}, _type: "Sequence" };
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, featureType(v)]));
  }
  return { dtype: "null", _type: "Value" };
}

/** `GET /size?dataset=`. */
export async function sizeEndpoint(store: RepoStore, cache: SplitCache, url: URL): Promise<Response> {
  const dataset = url.searchParams.get("dataset");
  if (dataset === null) return hubError(422, "Parameter 'dataset' is required", "MissingRequiredParameter");
  const splits = await readSplits(store, cache, dataset);
  if (splits === undefined || splits.length === 0) return notFound(dataset);
  const byConfig = new Map<string, SplitData[]>();
  for (const split of splits) byConfig.set(split.config, [...(byConfig.get(split.config) ?? []), split]);
  const sizes = (s: readonly SplitData[]) => {
    const bytes = s.reduce((sum, x) => sum + x.bytes, 0);
    return { num_bytes_original_files: bytes, num_bytes_parquet_files: bytes, num_bytes_memory: bytes };
  };
  return jsonResponse({
    size: {
      dataset: { dataset, ...sizes(splits), num_rows: splits.reduce((sum, s) => sum + s.rows.length, 0) },
      configs: [...byConfig].map(([config, list]) => ({
        dataset,
        config,
        ...sizes(list),
        num_rows: list.reduce((sum, s) => sum + s.rows.length, 0),
        num_columns: columns(list.flatMap((s) => s.rows.slice(0, 10))).length,
      })),
      splits: splits.map((s) => ({
        dataset,
        config: s.config,
        split: s.split,
        num_bytes_parquet_files: s.bytes,
        num_bytes_memory: s.bytes,
        num_rows: s.rows.length,
        num_columns: columns(s.rows).length,
      })),
    },
    pending: [],
    failed: [],
    partial: false,
  });
}

/** `GET /splits?dataset=`. */
export async function splitsEndpoint(store: RepoStore, cache: SplitCache, url: URL): Promise<Response> {
  const dataset = url.searchParams.get("dataset");
  if (dataset === null) return hubError(422, "Parameter 'dataset' is required", "MissingRequiredParameter");
  const splits = await readSplits(store, cache, dataset);
  if (splits === undefined || splits.length === 0) return notFound(dataset);
  return jsonResponse({
    splits: splits.map((s) => ({ dataset, config: s.config, split: s.split })),
    pending: [],
    failed: [],
  });
}

/** `GET /rows?dataset=&config=&split=&offset=&length=`. */
export async function rowsEndpoint(store: RepoStore, cache: SplitCache, url: URL): Promise<Response> {
  const dataset = url.searchParams.get("dataset");
  const config = url.searchParams.get("config");
  const split = url.searchParams.get("split");
  if (dataset === null || config === null || split === null) {
    return hubError(422, "Parameters 'dataset', 'config' and 'split' are required", "MissingRequiredParameter");
  }
  const offsetText = url.searchParams.get("offset") ?? "0";
  const lengthText = url.searchParams.get("length") ?? String(MAX_ROWS_PER_PAGE);
  const offset = Number(offsetText);
  const length = Number(lengthText);
  if (!Number.isInteger(offset) || offset < 0) {
    return hubError(422, "Parameter 'offset' must be a non-negative integer", "InvalidParameter");
  }
  if (!Number.isInteger(length) || length < 0) {
    return hubError(422, "Parameter 'length' must be a non-negative integer", "InvalidParameter");
  }
  if (length > MAX_ROWS_PER_PAGE) {
    return hubError(422, `Parameter 'length' must not be greater than ${MAX_ROWS_PER_PAGE}`, "InvalidParameter");
  }
  const splits = await readSplits(store, cache, dataset);
  if (splits === undefined || splits.length === 0) return notFound(dataset);
  const data = splits.find((s) => s.config === config && s.split === split);
  if (data === undefined) {
    return hubError(
      404,
      `Config "${config}" or split "${split}" of dataset "${dataset}" does not exist`,
      "ResponseNotFound",
    );
  }
  const names = columns(data.rows);
  const sample = Object.fromEntries(names.map((n) => [n, data.rows.find((r) => r[n] !== undefined)?.[n]]));
  return jsonResponse({
    features: names.map((name, i) => ({ feature_idx: i, name, type: featureType(sample[name]) })),
    rows: data.rows.slice(offset, offset + length).map((row, i) => ({
      row_idx: offset + i,
      row,
      truncated_cells: [],
    })),
    num_rows_total: data.rows.length,
    num_rows_per_page: MAX_ROWS_PER_PAGE,
    partial: false,
  });
}
