/**
 * A small client of the Hugging Face datasets-server (dataset viewer) for the two calls the reference
 * loaders make: `/size` (the configs and their row counts) and `/rows` (one page of rows).
 *
 * Requests carry exactly the reference's query: `/size?dataset=` and
 * `/rows?dataset=&config=&split=&offset=&limit=`. The server never reads `limit`; it uses `length`,
 * whose default is its maximum, 100, so a page holds at most 100 rows whatever `limit` says. We do not
 * send `length`: the rows are identical either way (the local hub behaves the same), and the URL stays
 * the reference's. `length` can still be given for other callers.
 *
 * Every call has a deadline (`timeoutMs`) and is not retried here: the loaders retry the way the
 * reference does (a new page per failure, at most 10 failures), and a failed `/size` is final.
 * Failures are {@linkcode DatasetsServerError}s; an abort of the caller's signal rejects with the
 * signal's reason.
 *
 * @module
 */
import { ExitCode, SubvalidError } from "../errors/mod.ts";

/** The public datasets-server. */
export const DEFAULT_DATASETS_SERVER_URL = "https://datasets-server.huggingface.co";

/** Options of every datasets-server call. */
export interface DatasetsServerOptions {
  /** Base URL without a trailing path. @default "https://datasets-server.huggingface.co" */
  readonly baseUrl?: string;
  /** The fetch to use (tests inject one). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Deadline of one request, headers and body, in milliseconds. @default 30000 */
  readonly timeoutMs?: number;
  /** Cancels the request. */
  readonly signal?: AbortSignal;
}

/** What went wrong with a datasets-server call. */
export type DatasetsServerFailure =
  /** An HTTP status of 400 or more (429 included). */
  | "http"
  /** No answer: connection refused or reset, or the body broke off. */
  | "network"
  /** The deadline passed. */
  | "timeout"
  /** A 2xx body that is not JSON. */
  | "json"
  /** JSON of the wrong shape. */
  | "shape";

/** A failed datasets-server call. */
export class DatasetsServerError extends SubvalidError {
  override readonly exitCode = ExitCode.Hub;
  readonly kind: DatasetsServerFailure;
  /** The URL asked. */
  readonly url: string;
  /** HTTP status, when an answer came. */
  readonly status: number | undefined;
  /** The raw `Retry-After` header. */
  readonly retryAfter: string | undefined;
  /** `Retry-After` as delta-seconds, when it is a non-negative integer. */
  readonly retryAfterSeconds: number | undefined;
  /** The server's `{"error"}` message. */
  readonly serverMessage: string | undefined;
  /** The server's `X-Error-Code`. */
  readonly errorCode: string | undefined;

  constructor(
    message: string,
    fields: {
      kind: DatasetsServerFailure;
      url: string;
      status?: number | undefined;
      retryAfter?: string | undefined;
      serverMessage?: string | undefined;
      errorCode?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, {
      hint: "Check the datasets-server URL and the network; it may be rate limiting",
      cause: fields.cause,
    });
    this.kind = fields.kind;
    this.url = fields.url;
    this.status = fields.status;
    this.retryAfter = fields.retryAfter;
    this.retryAfterSeconds = fields.retryAfter !== undefined && /^\s*\d+\s*$/.test(fields.retryAfter)
      ? Number(fields.retryAfter)
      : undefined;
    this.serverMessage = fields.serverMessage;
    this.errorCode = fields.errorCode;
  }
}

/** What `/size` says about a dataset. */
export interface DatasetSize {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** `size.splits`, in the server's order. */
  readonly splits: readonly DatasetSplitSize[];
  /** Whether the server's parquet conversion is partial, when it says. */
  readonly partial: boolean | undefined;
}

/** One entry of `/size`'s `size.splits`. */
export interface DatasetSplitSize {
  readonly config: string;
  readonly split: string;
  readonly numRows: number;
}

/** A config as the loaders see it: its row count and split (the last split listed for it). */
export interface DatasetConfigInfo {
  readonly numRows: number;
  readonly split: string;
}

/** One page request. */
export interface RowsRequest {
  readonly config: string;
  readonly split: string;
  readonly offset: number;
  /** Sent as `limit` (the reference sends its rows-per-page; the server ignores it). */
  readonly limit?: number;
  /** Sent as `length` when given (the server's page size, at most 100). @default not sent (100) */
  readonly length?: number;
}

/** One row of a page. */
export interface DatasetRow {
  /** The row's index in the split, when the server says. */
  readonly rowIdx: number | undefined;
  readonly row: Readonly<Record<string, unknown>>;
}

/** One page of rows. Fields the reference does not read are `undefined` when missing or mistyped. */
export interface RowsPage {
  /** The HTTP status of the answer. */
  readonly status: number;
  readonly rows: readonly DatasetRow[];
  readonly numRowsTotal: number | undefined;
  readonly numRowsPerPage: number | undefined;
  readonly partial: boolean | undefined;
  readonly features: readonly unknown[] | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

async function getJson(
  path: string,
  params: [string, string][],
  options: DatasetsServerOptions,
): Promise<{ status: number; body: unknown }> {
  const base = (options.baseUrl ?? DEFAULT_DATASETS_SERVER_URL).replace(/\/+$/, "");
  const url = `${base}${path}?${new URLSearchParams(params)}`;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, { signal, headers: { accept: "application/json" } });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    const timedOut = timeout.aborted;
    throw new DatasetsServerError(
      timedOut
        ? `Cannot GET "${url}": no complete answer within ${options.timeoutMs ?? 30_000} ms`
        : `Cannot GET "${url}": ${(error as Error).message}`,
      { kind: timedOut ? "timeout" : "network", url, cause: error },
    );
  }
  // As requests' raise_for_status(): 400..599 are errors; anything else is read as a body.
  if (response.status >= 400 && response.status < 600) {
    let serverMessage: string | undefined;
    try {
      const body = JSON.parse(text) as unknown;
      if (isObject(body) && typeof body.error === "string") serverMessage = body.error;
    } catch { /* not JSON */ }
    throw new DatasetsServerError(
      `Cannot GET "${url}": HTTP ${response.status}${serverMessage === undefined ? "" : `: ${serverMessage}`}`,
      {
        kind: "http",
        url,
        status: response.status,
        retryAfter: response.headers.get("retry-after") ?? undefined,
        serverMessage,
        errorCode: response.headers.get("x-error-code") ?? undefined,
      },
    );
  }
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch (error) {
    throw new DatasetsServerError(
      `Cannot read "${url}": HTTP ${response.status} body is not JSON (${text.length} characters)`,
      { kind: "json", url, status: response.status, cause: error },
    );
  }
}

function shapeError(url: string, what: string, status: number): DatasetsServerError {
  return new DatasetsServerError(`Cannot read ${url}: ${what}`, { kind: "shape", url, status });
}

/**
 * `GET /size?dataset=`: `size.splits` in the server's order.
 *
 * @throws {DatasetsServerError} for a failed request or a body without a valid `size.splits`
 */
export async function fetchDatasetSize(dataset: string, options: DatasetsServerOptions = {}): Promise<DatasetSize> {
  const { status, body } = await getJson("/size", [["dataset", dataset]], options);
  const where = `/size of "${dataset}"`;
  if (!isObject(body) || !isObject(body.size)) throw shapeError(where, `no "size" object`, status);
  const splits = body.size.splits;
  if (!Array.isArray(splits)) throw shapeError(where, `"size.splits" is not an array`, status);
  return {
    status,
    partial: typeof body.partial === "boolean" ? body.partial : undefined,
    splits: splits.map((entry, i) => {
      if (!isObject(entry)) throw shapeError(where, `size.splits[${i}] is not an object`, status);
      const { config, split, num_rows: numRows } = entry;
      if (typeof config !== "string") throw shapeError(where, `size.splits[${i}].config is not a string`, status);
      if (typeof split !== "string") throw shapeError(where, `size.splits[${i}].split is not a string`, status);
      if (!Number.isSafeInteger(numRows) || (numRows as number) < 0) {
        throw shapeError(where, `size.splits[${i}].num_rows is ${JSON.stringify(numRows)}, not a row count`, status);
      }
      return { config, split, numRows: numRows as number };
    }),
  };
}

/**
 * The reference's config map from `size.splits`: in order, a later split of a config overwrites the
 * earlier one (keeping the config's first position); with more than one entry the "default" config is
 * dropped (with exactly one entry it is kept).
 */
export function configsFromSplits(splits: readonly DatasetSplitSize[]): Map<string, DatasetConfigInfo> {
  const configs = new Map<string, DatasetConfigInfo>();
  for (const s of splits) {
    if (splits.length !== 1 && s.config === "default") continue;
    configs.set(s.config, { numRows: s.numRows, split: s.split });
  }
  return configs;
}

/**
 * The configs of a dataset as the reference loaders build them from `/size` ({@linkcode configsFromSplits}).
 *
 * @throws {DatasetsServerError} as {@linkcode fetchDatasetSize}
 */
export async function fetchDatasetConfigs(
  dataset: string,
  options: DatasetsServerOptions = {},
): Promise<Map<string, DatasetConfigInfo>> {
  return configsFromSplits((await fetchDatasetSize(dataset, options)).splits);
}

/**
 * `GET /rows`: one page, at most 100 rows.
 *
 * @throws {DatasetsServerError} for a failed request, a body that is not JSON, or one without a
 *   `rows` array of `{row: {...}}` objects (`kind` says which)
 */
export async function fetchRows(
  dataset: string,
  request: RowsRequest,
  options: DatasetsServerOptions = {},
): Promise<RowsPage> {
  const params: [string, string][] = [
    ["dataset", dataset],
    ["config", request.config],
    ["split", request.split],
    ["offset", String(request.offset)],
  ];
  if (request.limit !== undefined) params.push(["limit", String(request.limit)]);
  if (request.length !== undefined) params.push(["length", String(request.length)]);
  const { status, body } = await getJson("/rows", params, options);
  const where = `/rows of "${dataset}" ${request.config}/${request.split} at offset ${request.offset}`;
  if (!isObject(body)) throw shapeError(where, "the body is not a JSON object", status);
  if (!Array.isArray(body.rows)) {
    throw shapeError(where, `"rows" is ${body.rows === undefined ? "missing" : "not an array"}`, status);
  }
  const rows = body.rows.map((item, i): DatasetRow => {
    if (!isObject(item) || !isObject(item.row)) throw shapeError(where, `rows[${i}] has no "row" object`, status);
    return { rowIdx: Number.isSafeInteger(item.row_idx) ? item.row_idx as number : undefined, row: item.row };
  });
  const int = (v: unknown) => Number.isSafeInteger(v) ? v as number : undefined;
  return {
    status,
    rows,
    numRowsTotal: int(body.num_rows_total),
    numRowsPerPage: int(body.num_rows_per_page),
    partial: typeof body.partial === "boolean" ? body.partial : undefined,
    features: Array.isArray(body.features) ? body.features : undefined,
  };
}
