/**
 * The page-drawing core the reference's `HuggingFaceLoader` shares between datasets: the config map
 * from `/size`, then fetch rounds of random pages from `/rows`, with the reference's failure handling
 * reproduced step for step (research/sn37_mechanism.md §3.2):
 *
 * - a round draws `initial_offset = randint(0, rows_per_page - 1)` once; per page it draws
 *   `choice(configs)`, then `page_count = (num_rows - initial_offset + 1) // rows_per_page` and
 *   `offset = initial_offset + randint(0, page_count - 1) * rows_per_page` (a `page_count <= 0` fails the
 *   dataset: Python's `randint(0, -1)` raises); a page already in the round is skipped, and 100 skips end
 *   the round early;
 * - a failed request is never retried on the same page: a 429 sleeps `Retry-After` (else the current
 *   delay), any other HTTP error or a connection error sleeps the current delay (5 s, doubling to 60 s,
 *   back to 5 s after an answer below 400), and the loop draws a new page; the 10th failure of a round
 *   ends the loader. A connection error before any answer in the round ends it at once (the reference's
 *   handler touches an unbound `response`);
 * - a 2xx page counts as loaded before its body is read, so a body that is not JSON leaves the page in
 *   the round with no rows (and counts as a failure); a JSON body of the wrong shape fails the dataset.
 *
 * Our only additions: a deadline per request (the reference has none; a timeout counts as a connection
 * error) and an injectable, abortable sleep.
 *
 * @module
 */
import {
  configsFromSplits,
  type DatasetConfigInfo,
  DatasetsServerError,
  type DatasetsServerOptions,
  fetchDatasetSize,
  fetchRows,
} from "./datasets_server.ts";
import { DatasetLoadError, type DatasetLoadFailure } from "./dataset_load_error.ts";
import type { PyRandom } from "./py_random.ts";
import { pyStrip } from "./py_str.ts";
import { getLog } from "../log/mod.ts";
import { delay } from "../util/mod.ts";

const RETRY_LIMIT = 10;
const FIRST_DELAY_SECONDS = 5;
const MAX_DELAY_SECONDS = 60;
const DUPLICATE_LIMIT = 100;

/** The status recorded for a request: the HTTP status, or why no answer came. */
export type RequestStatus = number | "network-error" | "timeout";

/** A page the reference counts as loaded. */
export interface PageRef {
  readonly config: string;
  readonly split: string;
  readonly offset: number;
  /** The fetch round, from 1 (SYNTHETIC_1_SFT fetches more rounds until its target size). */
  readonly round: number;
}

/** One `/rows` request, in order. */
export interface RowsRequestRecord {
  readonly config: string;
  readonly split: string;
  readonly offset: number;
  readonly status: RequestStatus;
}

/** Waits `seconds`; rejects with the signal's reason on abort. */
export type Sleep = (seconds: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep (abortable; any length). */
export const realSleep: Sleep = (seconds, signal) => delay(seconds * 1000, signal);

/** Options of the page loader. */
export interface PageLoaderOptions extends DatasetsServerOptions {
  /** How the loader waits between failures. @default realSleep */
  readonly sleep?: Sleep;
}

/** Python's `int(text)` for a header value: optional sign, digits with single underscores between. */
export function pyInt(text: string): number | undefined {
  const t = pyStrip(text);
  return /^[+-]?\d+(?:_\d+)*$/.test(t) ? Number(t.replaceAll("_", "")) : undefined;
}

/** The reference's page loader over one dataset, with one random generator. */
export class HfPageLoader {
  /** The config map (`configs_data`), in `/size` order. */
  configs: Map<string, DatasetConfigInfo> = new Map();
  /** The `/size` answer's status, or why none came. */
  sizeStatus: RequestStatus | undefined;
  /** The rows of every loaded page, in order (each row has a `messages` key). */
  readonly rows: Readonly<Record<string, unknown>>[] = [];
  readonly pages: PageRef[] = [];
  readonly requests: RowsRequestRecord[] = [];
  /** Every wait, in seconds, in order. */
  readonly sleeps: number[] = [];
  #round = 0;
  readonly #log = getLog("eval", "data");

  constructor(
    readonly dataset: string,
    readonly rowsPerPage: number,
    private readonly rng: PyRandom,
    private readonly options: PageLoaderOptions = {},
  ) {}

  #fail(kind: DatasetLoadFailure, message: string, cause?: unknown): DatasetLoadError {
    return new DatasetLoadError(kind, this.dataset, `Cannot load "${this.dataset}": ${message}`, { cause });
  }

  /** `fetch_dataset_configs`: one `/size` request, no retry. @throws {DatasetLoadError} "size-failed" */
  async loadConfigs(): Promise<void> {
    try {
      const size = await fetchDatasetSize(this.dataset, this.options);
      this.sizeStatus = size.status;
      this.configs = configsFromSplits(size.splits);
    } catch (error) {
      if (!(error instanceof DatasetsServerError)) throw error;
      this.sizeStatus = error.status ?? (error.kind === "timeout" ? "timeout" : "network-error");
      throw this.#fail("size-failed", `/size failed: ${error.message}`, error);
    }
  }

  async #sleep(seconds: number): Promise<void> {
    this.sleeps.push(seconds);
    await (this.options.sleep ?? realSleep)(seconds, this.options.signal);
  }

  /**
   * `_fetch_data_to_buffer(num_pages)`: one round of page draws.
   *
   * @throws {DatasetLoadError} when the reference's loader would raise
   */
  async fetchRound(numPages: number): Promise<void> {
    const round = ++this.#round;
    const seen = new Set<string>();
    let loaded = 0;
    let failures = 0;
    let duplicates = 0;
    let delay = FIRST_DELAY_SECONDS;
    let answered = false;
    const initialOffset = this.rng.randint(0, this.rowsPerPage - 1);
    const failed = async (what: string, kind: DatasetLoadFailure, error: unknown): Promise<void> => {
      failures++;
      if (failures >= RETRY_LIMIT) throw this.#fail(kind, `${what}; ${failures} failures in round ${round}`, error);
      this.#log.warn(`Page request failed (${what}); drawing a new page`, { attempt: failures, delay });
      await this.#sleep(delay);
      delay = Math.min(delay * 2, MAX_DELAY_SECONDS);
    };
    while (loaded < numPages) {
      this.options.signal?.throwIfAborted();
      const names = [...this.configs.keys()];
      if (names.length === 0) throw this.#fail("no-configs", "/size listed no usable config");
      const config = this.rng.choice(names);
      const { numRows, split } = this.configs.get(config)!;
      const pageCount = Math.floor((numRows - initialOffset + 1) / this.rowsPerPage);
      if (pageCount <= 0) {
        throw this.#fail("no-pages", `config "${config}" has ${numRows} rows, too few for offset ${initialOffset}`);
      }
      const offset = initialOffset + this.rng.randint(0, pageCount - 1) * this.rowsPerPage;
      const key = JSON.stringify([config, offset, split]);
      if (seen.has(key)) {
        if (++duplicates >= DUPLICATE_LIMIT) break;
        continue;
      }
      const record = (status: RequestStatus) => this.requests.push({ config, split, offset, status });
      const loadPage = () => {
        seen.add(key);
        loaded++;
        delay = FIRST_DELAY_SECONDS;
        this.pages.push({ config, split, offset, round });
      };
      let page;
      try {
        page = await fetchRows(this.dataset, { config, split, offset, limit: this.rowsPerPage }, this.options);
      } catch (error) {
        if (!(error instanceof DatasetsServerError)) throw error;
        if (error.kind === "network" || error.kind === "timeout") {
          record(error.kind === "timeout" ? "timeout" : "network-error");
          if (!answered) throw this.#fail("network-error", `no answer to the first request of round ${round}`, error);
          await failed(error.message, "network-error", error);
          continue;
        }
        answered = true;
        record(error.status!);
        if (error.kind === "http" && error.status === 429) {
          const wait = error.retryAfter === undefined ? delay : pyInt(error.retryAfter);
          if (wait === undefined || wait < 0) {
            throw this.#fail("bad-retry-after", `429 with Retry-After "${error.retryAfter}"`, error);
          }
          failures++;
          this.#log.warn("Rate limited; drawing a new page after Retry-After", { attempt: failures, wait });
          await this.#sleep(wait);
          delay = Math.min(delay * 2, MAX_DELAY_SECONDS);
          if (failures >= RETRY_LIMIT) throw this.#fail("rate-limited", `${failures} failures, the last a 429`, error);
          continue;
        }
        if (error.kind === "http") {
          await failed(error.message, "http-error", error);
          continue;
        }
        loadPage();
        if (error.kind === "json") {
          await failed(error.message, "bad-json", error);
          continue;
        }
        throw this.#fail("bad-rows", error.message, error);
      }
      answered = true;
      record(page.status);
      loadPage();
      for (const [i, { row }] of page.rows.entries()) {
        if (!Object.hasOwn(row, "messages")) {
          throw this.#fail("bad-rows", `row ${i} of ${config}/${split} at offset ${offset} has no "messages"`);
        }
        this.rows.push(row);
      }
    }
  }
}
