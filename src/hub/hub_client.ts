/**
 * A small client for the Hugging Face hub endpoints the fetcher needs: repository info at a revision
 * with every file's size and hashes (`/api/models/{repo}/revision/{rev}?blobs=true`, the call the
 * reference validator makes), and file downloads (`/{repo}/resolve/{commit}/{path}`) with `Range`,
 * redirects followed by hand (the token is never sent to another origin), a deadline for the headers
 * and an idle deadline for the body.
 *
 * @module
 */
import { isCommitSha } from "../mechanism/model_id.ts";
import { parseRetryAfter, retry, type RetryOptions } from "../util/mod.ts";
import { HubHttpError, hubRetryPolicy } from "./http_errors.ts";

/** The public hub. */
export const DEFAULT_HUB_URL = "https://huggingface.co";

/** Options of {@linkcode HubClient}. */
export interface HubClientOptions {
  /** Hub base URL. @default "https://huggingface.co" */
  hubUrl?: string | undefined;
  /** Access token (`HF_TOKEN`), sent as `Authorization: Bearer` to the hub's origin only. */
  token?: string | undefined;
  /** Retries of metadata requests. @default {} (5 attempts) */
  retry?: RetryOptions | undefined;
  /** Deadline for a response's headers (and a metadata body). @default 30000 */
  requestTimeoutMs?: number | undefined;
  /** Deadline between two body chunks of a download. @default 60000 */
  idleTimeoutMs?: number | undefined;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

/** One file of a repository at a commit. */
export interface RemoteFile {
  /** Path inside the repository. */
  readonly path: string;
  readonly size: number;
  /** Git blob id (of the LFS pointer for LFS files). */
  readonly blobId: string;
  /** sha256 of the bytes, for LFS files. */
  readonly lfsSha256: string | undefined;
}

/** A repository resolved at a revision. */
export interface RemoteRevision {
  /** `namespace/name`. */
  readonly repo: string;
  /** The revision asked for. */
  readonly revision: string;
  /** The exact commit it resolved to. */
  readonly commit: string;
  /** Every file at that commit. */
  readonly files: readonly RemoteFile[];
  /** Σ size of every file (what the competition's `max_bytes` limits). */
  readonly totalBytes: number;
}

/** An open download. */
export interface OpenedFile {
  /** 200 (whole file) or 206 (a range). */
  readonly status: number;
  /** Offset of the first body byte. */
  readonly start: number;
  /** Body length announced (`Content-Length`), if any. */
  readonly length: number | undefined;
  /** The body; reads fail after the idle deadline. */
  readonly body: ReadableStream<Uint8Array>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The hub client. Immutable; one per hub URL and token. */
export class HubClient {
  /** Base URL without a trailing slash. */
  readonly hubUrl: string;
  readonly #token: string | undefined;
  readonly #retry: RetryOptions;
  readonly #requestTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: HubClientOptions = {}) {
    this.hubUrl = (options.hubUrl ?? DEFAULT_HUB_URL).replace(/\/+$/, "");
    this.#token = options.token;
    this.#retry = options.retry ?? {};
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * Resolves a revision to its exact commit and lists every file with its size and hashes.
   *
   * @throws {HubHttpError} for hub errors (`code` is `RepoNotFound`, `RevisionNotFound`, …)
   */
  revisionInfo(repo: string, revision: string, options: { signal?: AbortSignal | undefined } = {}): Promise<
    RemoteRevision
  > {
    const url = `${this.hubUrl}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
    return retry(
      async () => {
        const signal = this.#deadline(options.signal);
        const response = await this.#request(url, { signal });
        if (!response.ok) throw await httpError(response, url);
        const body = await response.json() as unknown;
        return parseRevision(body, repo, revision, url);
      },
      this.#retry,
      hubRetryPolicy(options.signal),
    );
  }

  /**
   * Opens a file at a commit for download from `offset` (one attempt; the downloader retries, since a
   * retry resumes from a new offset).
   *
   * @throws {HubHttpError} for a non-success answer
   */
  async openFile(
    repo: string,
    commit: string,
    path: string,
    options: { offset?: number; signal?: AbortSignal | undefined } = {},
  ): Promise<OpenedFile> {
    const offset = options.offset ?? 0;
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    let url = `${this.hubUrl}/${repo}/resolve/${encodeURIComponent(commit)}/${encoded}`;
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, ...(options.signal ? [options.signal] : [])]);
    const headerTimer = setTimeout(
      () => controller.abort(new DOMException(`No response within ${this.#requestTimeoutMs} ms`, "TimeoutError")),
      this.#requestTimeoutMs,
    );
    let response: Response;
    try {
      for (let hops = 0;; hops++) {
        const headers: Record<string, string> = { "accept-encoding": "identity" };
        if (offset > 0) headers.range = `bytes=${offset}-`;
        response = await untilAborted(this.#request(url, { signal, headers, redirect: "manual" }), signal);
        if (!REDIRECTS.has(response.status)) break;
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (location === null || hops >= 5) throw new HubHttpError(response.status, url, `Bad redirect from ${url}`);
        url = new URL(location, url).href;
      }
    } finally {
      clearTimeout(headerTimer);
    }
    if (!response.ok) throw await untilAborted(httpError(response, url), AbortSignal.timeout(this.#requestTimeoutMs));
    if (response.body === null) throw new HubHttpError(response.status, url, `Empty body from ${url}`);
    let start = 0;
    if (response.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
      if (range === null) {
        await response.body.cancel();
        throw new HubHttpError(502, url, `Bad Content-Range from ${url}: "${response.headers.get("content-range")}"`);
      }
      start = Number(range[1]);
    }
    const lengthHeader = response.headers.get("content-length");
    return {
      status: response.status,
      start,
      length: lengthHeader === null ? undefined : Number(lengthHeader),
      body: withIdleTimeout(response.body, this.#idleTimeoutMs, controller),
    };
  }

  /** A quick reachability probe: `GET /api/models?limit=1`. Resolves to the status and the time taken. */
  async ping(options: { signal?: AbortSignal | undefined } = {}): Promise<{ status: number; ms: number }> {
    const started = performance.now();
    const signal = this.#deadline(options.signal);
    const response = await untilAborted(this.#request(`${this.hubUrl}/api/models?limit=1`, { signal }), signal);
    await response.body?.cancel();
    return { status: response.status, ms: performance.now() - started };
  }

  #deadline(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  }

  #request(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    const headers: Record<string, string> = { "user-agent": "subvalid", ...init.headers };
    if (this.#token !== undefined && new URL(url).origin === new URL(this.hubUrl).origin) {
      headers.authorization = `Bearer ${this.#token}`;
    }
    return this.#fetch(url, { ...init, headers });
  }
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

async function httpError(response: Response, url: string): Promise<HubHttpError> {
  let detail = "";
  try {
    const text = await response.text();
    try {
      const json = JSON.parse(text) as { error?: unknown };
      detail = typeof json.error === "string" ? json.error : text.slice(0, 200);
    } catch {
      detail = text.slice(0, 200);
    }
  } catch { /* body unreadable */ }
  const code = response.headers.get("x-error-code") ?? undefined;
  return new HubHttpError(
    response.status,
    url,
    `Hub answered ${response.status}${code ? ` ${code}` : ""} for ${url}${detail ? `: ${detail}` : ""}`,
    code,
    parseRetryAfter(response.headers.get("retry-after")),
  );
}

function parseRevision(body: unknown, repo: string, revision: string, url: string): RemoteRevision {
  const bad = (what: string) => new HubHttpError(502, url, `Unexpected repository info from ${url}: ${what}`);
  if (typeof body !== "object" || body === null) throw bad("not an object");
  const { sha, siblings } = body as { sha?: unknown; siblings?: unknown };
  if (typeof sha !== "string" || !isCommitSha(sha)) throw bad(`"sha" is ${JSON.stringify(sha)}`);
  if (!Array.isArray(siblings)) throw bad('"siblings" is missing');
  const files: RemoteFile[] = [];
  for (const entry of siblings) {
    const { rfilename, size, blobId, lfs } = entry as {
      rfilename?: unknown;
      size?: unknown;
      blobId?: unknown;
      lfs?: { sha256?: unknown } | null;
    };
    if (typeof rfilename !== "string" || typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      throw bad(`a file entry has no path or size: ${JSON.stringify(entry).slice(0, 200)}`);
    }
    const lfsSha256 = typeof lfs?.sha256 === "string" ? lfs.sha256.toLowerCase() : undefined;
    if (lfsSha256 !== undefined && !/^[0-9a-f]{64}$/.test(lfsSha256)) throw bad(`bad LFS sha256 for "${rfilename}"`);
    if (typeof blobId !== "string" || !/^[0-9a-f]{40}$/.test(blobId)) throw bad(`bad blob id for "${rfilename}"`);
    files.push({ path: rfilename, size, blobId, lfsSha256 });
  }
  return { repo, revision, commit: sha, files, totalBytes: files.reduce((sum, f) => sum + f.size, 0) };
}

/**
 * Wraps a body so that a read waiting longer than `ms` fails with a `TimeoutError` and aborts the
 * request. The read is raced against the timer: an abort alone does not always end a pending read.
 */
function withIdleTimeout(
  body: ReadableStream<Uint8Array>,
  ms: number,
  controller: AbortController,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new DOMException(`No bytes for ${ms} ms`, "TimeoutError");
          controller.abort(error);
          reader.cancel(error).catch(() => {});
          reject(error);
        }, ms);
      });
      try {
        const { done, value } = await Promise.race([reader.read(), idle]);
        if (done) out.close();
        else out.enqueue(value);
      } catch (error) {
        out.error(error);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
