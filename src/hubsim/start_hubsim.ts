/**
 * The embedded local Hugging Face hub: `Deno.serve` over repositories on disk, with the endpoints
 * `@huggingface/hub` and the Python `huggingface_hub` use, the datasets-server `/size`, `/splits` and
 * `/rows`, fault injection per route, and a log of every request.
 *
 * Layout under `root`:
 * - `ROOT/<namespace>/<name>/…` a model repository; its files are `main`;
 * - `ROOT/datasets/<namespace>/<name>/<config>/<split>.jsonl` a dataset (rows one JSON object a line).
 *
 * Files are re-scanned on every request; a file is re-hashed when its inode, size, mtime or ctime (at
 * millisecond precision) change. Older commits seen by this process stay servable (small files from
 * memory, larger ones while unchanged on disk).
 *
 * Control endpoints (not logged, no token needed): `GET|DELETE /_hubsim/requests`,
 * `GET|POST|DELETE /_hubsim/faults` (POST a rule or an array of rules).
 *
 * @module
 */
import { resolve } from "node:path";
import { type FaultRule, FaultSet, type HubRoute, parseFaults } from "./faults.ts";
import { RequestLog, type RequestRecord } from "./request_log.ts";
import { delay } from "../util/mod.ts";
import { bodyStream, hubError, jsonResponse } from "./_http.ts";
import { type RepoKind, RepoStore } from "./_repo_store.ts";
import {
  type ApiContext,
  type ApiRequest,
  cdnFile,
  listRepos,
  lookupError,
  pathsInfo,
  repoInfo,
  resolveFile,
  tree,
} from "./_model_api.ts";
import { rowsEndpoint, sizeEndpoint, type SplitCache, splitsEndpoint } from "./_datasets_server.ts";

/** Options of {@linkcode startHubsim}. */
export interface HubsimOptions {
  /** Directory holding the repositories. */
  root: string;
  /** Port to listen on. @default 0 (any free port) */
  port?: number;
  /** Address to listen on. @default "127.0.0.1" */
  hostname?: string;
  /** When set, every request needs `Authorization: Bearer <token>` (else 401, like a private repo). */
  token?: string;
  /** Entries per tree page (the real hub uses 1000; small pages exercise pagination). @default 100 */
  treePageSize?: number;
  /** Redirect LFS downloads to a `/_cdn/…` route, as the real hub redirects to its CDN. @default false */
  cdnRedirect?: boolean;
  /**
   * Where the LFS redirects point: the base URL of another local hub serving the same repositories
   * on another host name (`http://localhost:<port>` beside `http://127.0.0.1:<port>`), as the real
   * hub redirects to its CDN's host. @default this hub's own `/_cdn/` route
   */
  cdnUrl?: string;
  /** Files up to this size are kept in memory so older commits stay servable. @default 1048576 */
  retainBytes?: number;
  /** Faults to start with. */
  faults?: readonly FaultRule[];
  /** Called for every logged request once it is answered. */
  onRequest?: (record: RequestRecord) => void;
}

/** A running local hub. */
export interface Hubsim extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:43123` (no trailing slash). */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** The repositories' directory (absolute). */
  readonly root: string;
  /** Fault injection: add rules, read hit counts. */
  readonly faults: FaultSet;
  /** Every request answered. */
  readonly requests: RequestLog;
  /** Stops listening, ends bodies in flight and waits for the server to finish. */
  close(): Promise<void>;
}

interface Target {
  route: HubRoute;
  kind?: RepoKind;
  repo?: string;
  revision?: string;
  path?: string;
  raw?: boolean;
}

/**
 * Starts the local hub.
 *
 * @example
 * ```ts ignore
 * import { startHubsim } from "./start_hubsim.ts";
 * await using hub = await startHubsim({ root: "./tests/testdata/hub/repos" });
 * hub.faults.add({ type: "rate-limit", retryAfter: 1, route: "resolve", times: 1 });
 * const info = await (await fetch(`${hub.url}/api/models/acme/tiny/revision/main?blobs=true`)).json();
 * console.log(info.sha, hub.requests.count());
 * ```
 */
export function startHubsim(options: HubsimOptions): Promise<Hubsim> {
  const root = resolve(options.root);
  const store = new RepoStore(root, options.retainBytes === undefined ? {} : { retainBytes: options.retainBytes });
  const splitCache: SplitCache = new Map();
  const faults = new FaultSet();
  for (const rule of options.faults ?? []) faults.add(rule);
  const requests = new RequestLog();
  const closing = new AbortController();
  const ctx: ApiContext = {
    store,
    treePageSize: options.treePageSize ?? 100,
    cdnRedirect: options.cdnRedirect ?? false,
    cdnUrl: (options.cdnUrl ?? "").replace(/\/+$/, ""),
  };

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/_hubsim/")) return await control(request, url, faults, requests);
    const target = routeOf(url);
    const record = requests.add({
      method: request.method,
      url: url.pathname + url.search,
      route: target?.route,
      repo: target?.repo,
      revision: target?.revision,
      path: target?.path,
      range: request.headers.get("range") ?? undefined,
      authorized: request.headers.has("authorization"),
    });
    let response: Response;
    try {
      response = await answer(request, url, target, record);
    } catch (error) {
      response = hubError(500, `Local hub failure: ${(error as Error).message}`);
    }
    if (record.status === 0) record.status = response.status;
    options.onRequest?.(record);
    return response;
  };

  const answer = async (
    request: Request,
    url: URL,
    target: Target | undefined,
    record: RequestRecord,
  ): Promise<Response> => {
    if (target === undefined) return hubError(404, `Not found: ${url.pathname}`);
    if (options.token !== undefined) {
      const auth = request.headers.get("authorization");
      if (auth === null) return hubError(401, "Authentication required for this repository", "RepoNotFound");
      if (auth !== `Bearer ${options.token}`) return hubError(401, "Invalid credentials in Authorization header");
    }
    const fault = faults.take({ route: target.route, method: request.method, repo: target.repo, path: target.path });
    if (fault !== undefined) {
      record.fault = fault.type;
      switch (fault.type) {
        case "status":
          return hubError(fault.status, fault.message ?? `Injected failure ${fault.status}`);
        case "not-found": {
          const code = fault.code ?? "EntryNotFound";
          return hubError(404, `Injected ${code}`, code);
        }
        case "rate-limit": {
          const retryAfter = fault.retryAfter === undefined ? 1 : fault.retryAfter;
          return hubError(
            429,
            "You have been rate-limited; retry later",
            undefined,
            retryAfter === null ? {} : { "retry-after": String(retryAfter) },
          );
        }
        case "body":
          record.bytes = new TextEncoder().encode(fault.body).length;
          return new Response(fault.body, {
            status: fault.status ?? 200,
            headers: { "content-type": fault.contentType ?? "application/json; charset=utf-8" },
          });
        case "slow":
          if (fault.delayMs !== undefined) await delay(fault.delayMs, closing.signal).catch(() => {});
          break;
      }
    }
    const req: ApiRequest = { request, url, record, fault, signal: closing.signal };
    const response = await dispatch(req, target);
    const isFile = target.route === "resolve" || target.route === "cdn";
    if (isFile || request.method === "HEAD") return response;
    const body = new Uint8Array(await response.arrayBuffer());
    record.bytes = body.length;
    const bodyFault = fault?.type === "truncate" || fault?.type === "corrupt" ||
      fault?.type === "slow" && fault.bytesPerSecond !== undefined;
    if (!bodyFault) return new Response(body, response);
    record.bytes = 0;
    const headers = new Headers(response.headers);
    headers.set("content-length", String(body.length));
    return new Response(bodyStream({ bytes: body }, 0, body.length, record, fault, closing.signal), {
      status: response.status,
      headers,
    });
  };

  const dispatch = async (req: ApiRequest, target: Target): Promise<Response> => {
    const { route, kind = "model", repo = "", revision, path = "" } = target;
    switch (route) {
      case "list":
        return await listRepos(ctx, kind, req.url);
      case "size":
        return await sizeEndpoint(store, splitCache, req.url);
      case "splits":
        return await splitsEndpoint(store, splitCache, req.url);
      case "rows":
        return await rowsEndpoint(store, splitCache, req.url, req.fault?.type === "rows" ? req.fault.count : undefined);
    }
    const lookup = await store.resolve(kind, repo, revision);
    if (!lookup.ok) return lookupError(kind, repo, revision, lookup.error);
    switch (route) {
      case "model-info":
        return repoInfo(lookup.commit, req.url);
      case "tree":
        return tree(ctx, lookup.commit, path, req.url);
      case "paths-info":
        if (req.request.method !== "POST") return hubError(405, "paths-info takes POST");
        return await pathsInfo(lookup.commit, req.request);
      case "resolve":
        return await resolveFile(ctx, req, lookup.commit, path, target.raw ?? false);
      case "cdn":
        return await cdnFile(ctx, req, lookup.commit, path);
    }
  };

  return new Promise((resolvePromise, reject) => {
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve({
        port: options.port ?? 0,
        hostname: options.hostname ?? "127.0.0.1",
        signal: closing.signal,
        onListen: () => {},
      }, handler);
    } catch (error) {
      reject(error);
      return;
    }
    const port = server.addr.port;
    const host = server.addr.hostname.includes(":") ? `[${server.addr.hostname}]` : server.addr.hostname;
    let closed: Promise<void> | undefined;
    const close = () => {
      closed ??= (async () => {
        closing.abort();
        await server.finished;
      })();
      return closed;
    };
    resolvePromise({
      url: `http://${host}:${port}`,
      port,
      root,
      faults,
      requests,
      close,
      [Symbol.asyncDispose]: close,
    });
  });
}

function segmentsOf(url: URL): string[] | undefined {
  try {
    return url.pathname.split("/").slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** Maps a URL to its route and the repository, revision and path it names. */
function routeOf(url: URL): Target | undefined {
  const s = segmentsOf(url);
  if (s === undefined) return undefined;
  if (s.length === 1 && (s[0] === "size" || s[0] === "splits" || s[0] === "rows")) {
    const q = url.searchParams;
    const path = s[0] === "rows"
      ? `${q.get("config") ?? ""}/${q.get("split") ?? ""}/${q.get("offset") ?? "0"}`
      : q.get("config") ?? "";
    return { route: s[0], repo: q.get("dataset") ?? "", path };
  }
  if (s[0] === "api" && (s[1] === "models" || s[1] === "datasets")) {
    const kind: RepoKind = s[1] === "models" ? "model" : "dataset";
    if (s.length === 2) return { route: "list", kind };
    if (s.length < 4) return undefined;
    const repo = `${s[2]}/${s[3]}`;
    const rest = s.slice(4);
    if (rest.length === 0) return { route: "model-info", kind, repo };
    if (rest[0] === "revision" && rest.length === 2) return { route: "model-info", kind, repo, revision: rest[1]! };
    if (rest[0] === "tree" && rest.length >= 2) {
      return { route: "tree", kind, repo, revision: rest[1]!, path: rest.slice(2).join("/").replace(/\/+$/, "") };
    }
    if (rest[0] === "paths-info" && rest.length === 2) return { route: "paths-info", kind, repo, revision: rest[1]! };
    return undefined;
  }
  if (s[0] === "_cdn" && s.length >= 6 && (s[1] === "model" || s[1] === "dataset")) {
    return { route: "cdn", kind: s[1], repo: `${s[2]}/${s[3]}`, revision: s[4]!, path: s.slice(5).join("/") };
  }
  const file = (kind: RepoKind, t: string[]): Target | undefined =>
    t.length >= 5 && (t[2] === "resolve" || t[2] === "raw")
      ? {
        route: "resolve",
        kind,
        repo: `${t[0]}/${t[1]}`,
        revision: t[3]!,
        path: t.slice(4).join("/"),
        raw: t[2] === "raw",
      }
      : undefined;
  if (s[0] === "datasets") return file("dataset", s.slice(1));
  return file("model", s);
}

async function control(request: Request, url: URL, faults: FaultSet, requests: RequestLog): Promise<Response> {
  if (url.pathname === "/_hubsim/requests") {
    if (request.method === "DELETE") {
      requests.clear();
      return jsonResponse({ ok: true });
    }
    return jsonResponse(requests.list());
  }
  if (url.pathname === "/_hubsim/faults") {
    if (request.method === "DELETE") {
      faults.clear();
      return jsonResponse({ ok: true });
    }
    if (request.method === "POST") {
      try {
        const added = parseFaults(await request.text()).map((rule) => faults.add(rule).id);
        return jsonResponse({ ok: true, ids: added });
      } catch (error) {
        return hubError(400, `Cannot add faults: ${(error as Error).message}`);
      }
    }
    return jsonResponse(faults.list().map((f) => ({ id: f.id, rule: f.rule, hits: f.hits, active: f.active })));
  }
  return hubError(404, `Not found: ${url.pathname}`);
}
