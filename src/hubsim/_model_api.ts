/**
 * The local hub's repository endpoints, in the shapes the real hub uses: repo listing, repo info by
 * revision (with `?blobs=true` file sizes and `expand=`), tree listing with `Link` pagination,
 * paths-info, and resolve/raw with `Range`, `ETag`, `X-Linked-ETag`, `X-Linked-Size` and
 * `X-Repo-Commit` (optionally redirecting LFS files to a CDN route, as the real hub does).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { lfsPointer } from "../hub/file_digest.ts";
import type { FaultRule } from "./faults.ts";
import { type BodySource, bodyStream, hubError, jsonResponse, parseRange } from "./_http.ts";
import type { RepoCommit, RepoFile, RepoKind, RepoStore } from "./_repo_store.ts";
import type { RequestRecord } from "./request_log.ts";

/** Settings the endpoints need. */
export interface ApiContext {
  readonly store: RepoStore;
  /** Entries per tree page. */
  readonly treePageSize: number;
  /** Redirect LFS downloads to the `/_cdn/` route. */
  readonly cdnRedirect: boolean;
  /** Origin the CDN redirects point to (another host, as the real hub's CDN is); `""` for this hub. */
  readonly cdnUrl: string;
}

/** A request, parsed. */
export interface ApiRequest {
  readonly request: Request;
  readonly url: URL;
  readonly record: RequestRecord;
  readonly fault: FaultRule | undefined;
  /** Aborted when the hub closes. */
  readonly signal: AbortSignal;
}

const NOT_FOUND_REPO =
  "Repository not found. Check the repository id, or authenticate (HF_TOKEN) for a private or gated repository";

/** Maps a failed lookup to the hub's 404. */
export function lookupError(kind: RepoKind, repo: string, revision: string | undefined, error: string): Response {
  return error === "RepoNotFound"
    ? hubError(404, `${NOT_FOUND_REPO}: "${kind === "dataset" ? "datasets/" : ""}${repo}"`, "RepoNotFound")
    : hubError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
}

function objectId(text: string): string {
  return createHash("sha1").update(text).digest("hex").slice(0, 24);
}

/** `GET /api/models` (and `/api/datasets`): repositories with optional `search`, `author` and `limit`. */
export async function listRepos(ctx: ApiContext, kind: RepoKind, url: URL): Promise<Response> {
  const search = url.searchParams.get("search") ?? "";
  const author = url.searchParams.get("author");
  const limit = Number(url.searchParams.get("limit") ?? "1000");
  const repos = (await ctx.store.list(kind))
    .filter((repo) => repo.includes(search) && (author === null || repo.split("/")[0] === author))
    .slice(0, Number.isFinite(limit) && limit > 0 ? limit : 1000);
  return jsonResponse(
    repos.map((id) => ({ _id: objectId(`${kind}:${id}`), id, ...(kind === "model" ? { modelId: id } : {}) })),
  );
}

/** `GET /api/{models,datasets}/{repo}[/revision/{rev}]`. */
export function repoInfo(commit: RepoCommit, url: URL): Response {
  const blobs = ["true", "1"].includes(url.searchParams.get("blobs") ?? "");
  const files = [...commit.files.values()];
  const siblings = files.map((file) =>
    blobs
      ? {
        rfilename: file.path,
        blobId: file.oid,
        size: file.size,
        ...(file.lfs
          ? { lfs: { sha256: file.lfs.sha256, size: file.lfs.size, pointerSize: file.lfs.pointerSize } }
          : {}),
      }
      : { rfilename: file.path }
  );
  const date = commit.lastModified.toISOString();
  const full: Record<string, unknown> = {
    _id: objectId(`${commit.kind}:${commit.repo}`),
    id: commit.repo,
    ...(commit.kind === "model" ? { modelId: commit.repo } : {}),
    author: commit.repo.split("/")[0],
    sha: commit.sha,
    lastModified: date,
    createdAt: date,
    private: false,
    disabled: false,
    gated: false,
    downloads: 0,
    likes: 0,
    tags: [],
    ...(commit.kind === "model" ? { pipeline_tag: "text-generation", library_name: "transformers" } : {}),
    siblings,
    usedStorage: files.reduce((sum, file) => sum + file.size, 0),
  };
  const expand = url.searchParams.getAll("expand");
  if (expand.length === 0) return jsonResponse(full);
  const picked: Record<string, unknown> = { _id: full._id, id: full.id };
  for (const key of expand) if (key in full) picked[key] = full[key];
  return jsonResponse(picked);
}

function fileEntry(file: RepoFile, commit: RepoCommit, expand: boolean): Record<string, unknown> {
  return {
    type: "file",
    oid: file.oid,
    size: file.size,
    path: file.path,
    ...(file.lfs ? { lfs: { oid: file.lfs.sha256, size: file.lfs.size, pointerSize: file.lfs.pointerSize } } : {}),
    ...(expand ? { lastCommit: lastCommit(commit), securityFileStatus: { status: "safe" } } : {}),
  };
}

function dirEntry(path: string, commit: RepoCommit, expand: boolean): Record<string, unknown> {
  return {
    type: "directory",
    oid: objectId(`${commit.sha}:${path}`).padEnd(40, "0"),
    size: 0,
    path,
    ...(expand ? { lastCommit: lastCommit(commit) } : {}),
  };
}

function lastCommit(commit: RepoCommit) {
  return { id: commit.sha, title: "Update files (local hub)", date: commit.lastModified.toISOString() };
}

/** `GET /api/{kind}s/{repo}/tree/{rev}[/{path}]?recursive=&expand=&cursor=&limit=`. */
export function tree(ctx: ApiContext, commit: RepoCommit, path: string, url: URL): Response {
  const recursive = ["true", "1"].includes(url.searchParams.get("recursive") ?? "");
  const expand = ["true", "1"].includes(url.searchParams.get("expand") ?? "");
  const prefix = path === "" ? "" : `${path}/`;
  if (path !== "" && !commit.dirs.has(path)) {
    return hubError(404, `Entry not found: "${path}"`, "EntryNotFound");
  }
  const inScope = (p: string) => p.startsWith(prefix) && (recursive || !p.slice(prefix.length).includes("/"));
  const dirs = [...commit.dirs].filter(inScope).sort();
  const files = [...commit.files.keys()].filter(inScope).sort();
  const entries = [
    ...dirs.map((d) => dirEntry(d, commit, expand)),
    ...files.map((f) => fileEntry(commit.files.get(f)!, commit, expand)),
  ];
  const limit = Math.max(1, Math.min(Number(url.searchParams.get("limit")) || ctx.treePageSize, ctx.treePageSize));
  const offset = decodeCursor(url.searchParams.get("cursor"));
  const page = entries.slice(offset, offset + limit);
  const headers: Record<string, string> = {};
  if (offset + limit < entries.length) {
    const next = new URL(url);
    next.searchParams.set("cursor", btoa(JSON.stringify({ file_name: String(offset + limit) })));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return jsonResponse(page, 200, headers);
}

function decodeCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  try {
    const value = Number((JSON.parse(atob(cursor)) as { file_name?: string }).file_name);
    return Number.isInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** `POST /api/{kind}s/{repo}/paths-info/{rev}` with JSON `{paths, expand}` or a form with repeated `paths`. */
export async function pathsInfo(commit: RepoCommit, request: Request): Promise<Response> {
  let paths: string[] = [];
  let expand = false;
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body = await request.json() as { paths?: unknown; expand?: unknown };
      paths = Array.isArray(body.paths) ? body.paths.map(String) : typeof body.paths === "string" ? [body.paths] : [];
      expand = body.expand === true || body.expand === "true";
    } else {
      const form = new URLSearchParams(await request.text());
      paths = form.getAll("paths");
      expand = ["true", "1", "True"].includes(form.get("expand") ?? "");
    }
  } catch {
    return hubError(400, "Cannot parse the paths-info body: expected JSON {paths, expand} or a form with paths");
  }
  const out: Record<string, unknown>[] = [];
  for (const path of paths) {
    const clean = path.replace(/^\/+|\/+$/g, "");
    const file = commit.files.get(clean);
    if (file !== undefined) out.push(fileEntry(file, commit, expand));
    else if (commit.dirs.has(clean)) out.push(dirEntry(clean, commit, expand));
  }
  return jsonResponse(out);
}

/** `GET|HEAD /[datasets/]{repo}/{resolve,raw}/{rev}/{path}`: the file, or a redirect to the CDN route. */
export async function resolveFile(
  ctx: ApiContext,
  req: ApiRequest,
  commit: RepoCommit,
  path: string,
  raw: boolean,
): Promise<Response> {
  const file = commit.files.get(path);
  if (file === undefined) {
    return hubError(404, `Entry not found: "${path}" at revision ${commit.sha}`, "EntryNotFound", {
      "x-repo-commit": commit.sha,
    });
  }
  if (raw && file.lfs) {
    const pointer = new TextEncoder().encode(lfsPointer(file.lfs.sha256, file.lfs.size));
    return serveBody(req, { bytes: pointer }, pointer.length, {
      etag: `"${file.oid}"`,
      "x-repo-commit": commit.sha,
    });
  }
  const headers: Record<string, string> = { "x-repo-commit": commit.sha };
  if (file.lfs) {
    headers["x-linked-etag"] = `"${file.lfs.sha256}"`;
    headers["x-linked-size"] = String(file.size);
  }
  if (file.lfs && ctx.cdnRedirect) {
    const prefix = commit.kind === "dataset" ? "dataset" : "model";
    const location = `${ctx.cdnUrl}/_cdn/${prefix}/${commit.repo}/${commit.sha}/${
      file.path.split("/").map(encodeURIComponent).join("/")
    }`;
    req.record.status = 302;
    return new Response(null, { status: 302, headers: { ...headers, etag: `"${file.oid}"`, location } });
  }
  return await serveFile(ctx, req, file, { ...headers, etag: `"${file.lfs?.sha256 ?? file.oid}"` });
}

/** `GET|HEAD /_cdn/{model|dataset}/{repo}/{sha}/{path}`: LFS bytes, as the real hub's CDN serves them. */
export async function cdnFile(ctx: ApiContext, req: ApiRequest, commit: RepoCommit, path: string): Promise<Response> {
  const file = commit.files.get(path);
  if (file === undefined) return hubError(404, `Entry not found: "${path}"`, "EntryNotFound");
  return await serveFile(ctx, req, file, { etag: `"${file.sha256}"` });
}

async function serveFile(
  ctx: ApiContext,
  req: ApiRequest,
  file: RepoFile,
  headers: Record<string, string>,
): Promise<Response> {
  const source = req.request.method === "HEAD" ? { bytes: new Uint8Array(0) } : await ctx.store.open(file);
  if (source === undefined) {
    return hubError(404, `Entry not found: "${file.path}" (its bytes at this older commit are gone)`, "EntryNotFound");
  }
  return serveBody(req, source, file.size, headers);
}

function serveBody(req: ApiRequest, source: BodySource, size: number, headers: Record<string, string>): Response {
  const range = parseRange(req.request.headers.get("range"), size);
  const base = {
    ...headers,
    "accept-ranges": "bytes",
    "content-type": "application/octet-stream",
  };
  if (range === "unsatisfiable") {
    if ("file" in source) source.file.close();
    req.record.status = 416;
    return new Response(null, { status: 416, headers: { ...base, "content-range": `bytes */${size}` } });
  }
  const start = range?.start ?? 0;
  const length = range === undefined ? size : range.end - range.start + 1;
  const status = range === undefined ? 200 : 206;
  const responseHeaders: Record<string, string> = { ...base, "content-length": String(length) };
  if (range !== undefined) responseHeaders["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
  req.record.status = status;
  if (req.request.method === "HEAD") {
    if ("file" in source) source.file.close();
    return new Response(null, { status, headers: responseHeaders });
  }
  return new Response(bodyStream(source, start, length, req.record, req.fault, req.signal), {
    status,
    headers: responseHeaders,
  });
}
