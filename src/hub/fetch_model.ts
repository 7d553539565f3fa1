/**
 * Fetches a miner's model at its exact commit: cheap checks first (the revision resolves to a commit, the
 * repository's total size is within the competition's `max_bytes`, the needed files exist, the disk has
 * room), then only the needed files, concurrently and resumably, into the Hugging Face cache layout
 * (snapshot entries hard-linked to blobs), then the secure hash check. Offline, it serves only what the
 * cache holds. Every problem with the model is a {@linkcode MinerModelError}.
 *
 * @module
 */
import { join } from "node:path";
import { getCompetition } from "../eval/competitions.ts";
import { createProgress, formatAmount, getLog } from "../log/mod.ts";
import { blobNameOf, downloadBlob } from "./_download_blob.ts";
import { linkIntoSnapshot, mapPool, missingSnapshotFiles } from "./_snapshot_files.ts";
import { DiskSpaceError, MinerModelError, type MinerModelReason } from "./errors.ts";
import { type FileSelection, type ModelLayout, selectModelFiles } from "./file_selection.ts";
import { freeDiskBytes } from "./free_disk.ts";
import {
  type ManifestFile,
  readManifest,
  readRef,
  repoCachePaths,
  type SnapshotManifest,
  writeManifest,
  writeRef,
} from "./hf_cache.ts";
import { HubClient, type RemoteFile, type RemoteRevision } from "./hub_client.ts";
import { describeInvalidRef, type ModelRef, repoIdOf } from "./model_ref.ts";
import { quarantineModel } from "./quarantine.ts";
import { HubHttpError, type RetryOptions, TransferError } from "./retry.ts";
import { computeModelHash, secureHashOf } from "./secure_hash.ts";

/** The verdict of the secure hash check. */
export type HashVerdict = "ok" | "mismatch" | "unchecked";

/** Options of {@linkcode fetchModel}. */
export interface FetchModelOptions {
  /** The model cache (Hugging Face layout), e.g. `Config.validator.modelDir`. */
  modelDir: string;
  /** Hub base URL. @default "https://huggingface.co" */
  hubUrl?: string | undefined;
  /** Access token (`HF_TOKEN`). @default none */
  token?: string | undefined;
  /** Serve only what the cache holds (`HF_HUB_OFFLINE=1`, `--offline`). @default false */
  offline?: boolean | undefined;
  /** The miner's hotkey: with `ref.secureHash`, the secure hash is checked. @default none (unchecked) */
  hotkey?: string | undefined;
  /** The miner's uid, for errors and logs. */
  uid?: number | undefined;
  /** Treat a missing hotkey or secure hash as a mismatch (the validator's rule). @default false */
  requireHash?: boolean | undefined;
  /** Size limit of the repository at the commit. @default the competition's `maxBytes`, else no limit */
  maxBytes?: number | undefined;
  /** Which files make the model. @default "auto" (ONNX when present, else safetensors) */
  layout?: ModelLayout | "auto" | undefined;
  /** Files downloaded at once. @default 4 */
  concurrency?: number | undefined;
  /** Retries per file and for metadata. @default 5 attempts, backoff from 1 s, Retry-After honoured */
  retry?: RetryOptions | undefined;
  /** Deadline for response headers. @default 30000 */
  requestTimeoutMs?: number | undefined;
  /** Deadline between body chunks. @default 60000 */
  idleTimeoutMs?: number | undefined;
  /** Free space to keep beyond the download. @default 1073741824 (1 GiB) */
  freeSpaceMarginBytes?: number | undefined;
  /** Recompute the model hash of a cached snapshot instead of trusting its manifest. @default false */
  rehash?: boolean | undefined;
  /** Show download progress (a bar on a TTY, else a log line every 10 s). @default true */
  progress?: boolean | undefined;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Cancels the fetch. */
  signal?: AbortSignal | undefined;
}

/** A fetched (or cached) model. */
export interface FetchedModel {
  /** `namespace/name`. */
  readonly repo: string;
  /** The committed revision. */
  readonly revision: string;
  /** The exact commit. */
  readonly commit: string;
  /** The snapshot directory (`…/models--ns--name/snapshots/<commit>`). */
  readonly dir: string;
  readonly layout: ModelLayout;
  /** The model's files (the hashed set). */
  readonly files: readonly ManifestFile[];
  /** Σ size of the model's files. */
  readonly bytes: number;
  /** Σ size of every file of the repository at the commit (0 when unknown offline). */
  readonly totalBytes: number;
  /** Bytes received over the network by this call. */
  readonly receivedBytes: number;
  /** Wall time of this call. */
  readonly seconds: number;
  /** The hotkey-independent model hash. */
  readonly modelHash: string;
  /** `b64(sha256(modelHash + hotkey))`, when a hotkey was given. */
  readonly secureHash: string | undefined;
  readonly hash: HashVerdict;
  /** Whether every file was already in the cache. */
  readonly cached: boolean;
}

/**
 * Fetches a model into the cache and checks it.
 *
 * @throws {MinerModelError} for every problem with the model (its `reason` says which; `permanent` says
 * whether it is ineligible until recommitted)
 * @throws {DiskSpaceError} when the download would not fit
 */
export async function fetchModel(ref: ModelRef, options: FetchModelOptions): Promise<FetchedModel> {
  const started = performance.now();
  const repo = repoIdOf(ref);
  const revision = ref.commit;
  const log = getLog("hub").with({ repo, revision, ...(options.uid === undefined ? {} : { uid: options.uid }) });
  const fail = (
    reason: MinerModelReason,
    message: string,
    extra: { commit?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) =>
    new MinerModelError(reason, message, {
      uid: options.uid,
      hotkey: options.hotkey,
      repo,
      revision,
      commit: extra.commit,
      details: extra.details,
      cause: extra.cause,
    });

  const invalid = describeInvalidRef(ref);
  if (invalid !== undefined) throw fail("invalid_id", `Cannot fetch model "${repo}": ${invalid}`);
  let maxBytes = options.maxBytes;
  if (ref.competitionId !== undefined && ref.competitionId !== null) {
    const competition = getCompetition(ref.competitionId);
    if (competition === undefined) {
      throw fail("unknown_competition", `Cannot fetch model "${repo}": competition ${ref.competitionId} is unknown`);
    }
    maxBytes ??= competition.maxBytes;
  }
  const modelDir = options.modelDir;

  let result: Omit<FetchedModel, "seconds" | "hash" | "secureHash">;
  if (options.offline) {
    result = await fromCache(ref, modelDir, maxBytes, options, fail);
  } else {
    const client = new HubClient({
      hubUrl: options.hubUrl,
      token: options.token,
      retry: options.retry,
      requestTimeoutMs: options.requestTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      fetch: options.fetch,
    });
    let remote: RemoteRevision;
    try {
      remote = await client.revisionInfo(repo, revision, { signal: options.signal });
    } catch (error) {
      throw hubFailure(error, `Cannot resolve model "${repo}" at revision "${revision}"`, fail, options.signal);
    }
    const commit = remote.commit;
    if (maxBytes !== undefined && remote.totalBytes > maxBytes) {
      throw fail(
        "too_large",
        `Cannot download model "${repo}": size is ${remote.totalBytes} bytes, limit is ${maxBytes} bytes`,
        { commit, details: { totalBytes: remote.totalBytes, maxBytes } },
      );
    }
    result = await fromHub(client, remote, modelDir, options, fail, log);
  }

  const { modelHash, commit, dir } = result;
  let hash: HashVerdict = "unchecked";
  let secureHash: string | undefined;
  if (options.hotkey !== undefined) secureHash = secureHashOf(modelHash, options.hotkey);
  const expected = ref.secureHash ?? undefined;
  if (secureHash !== undefined && expected !== undefined && expected !== "None") {
    hash = secureHash === expected ? "ok" : "mismatch";
  } else if (options.requireHash) {
    hash = "mismatch";
  }
  if (hash === "mismatch") {
    const quarantine = await quarantineModel(modelDir, dir, {
      repo,
      revision,
      commit,
      uid: options.uid,
      hotkey: options.hotkey,
      reason: "hash_mismatch",
      expectedSecureHash: ref.secureHash,
      computedSecureHash: secureHash,
      modelHash,
      files: result.files.map((f) => f.path),
    });
    log.warn("Secure hash mismatch: model quarantined and ineligible", { commit, quarantine });
    throw fail(
      "hash_mismatch",
      `Cannot accept model "${repo}" at commit ${commit}: secure hash is "${secureHash ?? "none (no hotkey)"}", ` +
        `the commitment says "${ref.secureHash ?? "none"}"`,
      {
        commit,
        details: { expected: ref.secureHash ?? null, computed: secureHash ?? null, modelHash, quarantine, path: dir },
      },
    );
  }
  return { ...result, secureHash, hash, seconds: (performance.now() - started) / 1000 };
}

type Fail = (
  reason: MinerModelReason,
  message: string,
  extra?: { commit?: string; details?: Record<string, unknown>; cause?: unknown },
) => MinerModelError;

function hubFailure(
  error: unknown,
  action: string,
  fail: Fail,
  signal: AbortSignal | undefined,
  commit?: string,
): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  const extra = { ...(commit === undefined ? {} : { commit }), cause: error };
  if (error instanceof HubHttpError) {
    if (error.code === "RepoNotFound" || (error.status === 404 && error.code === undefined)) {
      return fail("repo_not_found", `${action}: the repository does not exist or is not accessible`, extra);
    }
    if (error.code === "RevisionNotFound") return fail("revision_not_found", `${action}: no such revision`, extra);
    if (error.code === "EntryNotFound") return fail("missing_files", `${action}: ${error.message}`, extra);
    if (!error.retryable) return fail("hub_refused", `${action}: ${error.message}`, extra);
    return fail("download_failed", `${action}: ${error.message} (retries exhausted)`, extra);
  }
  if (error instanceof TransferError) {
    return fail(
      error.kind === "corrupt" ? "corrupt_download" : "download_failed",
      `${action}: ${error.message} (retries exhausted)`,
      extra,
    );
  }
  if (error instanceof DiskSpaceError || error instanceof MinerModelError) return error;
  if (error instanceof Deno.errors.NotCapable) return error;
  return fail("download_failed", `${action}: ${(error as Error)?.message ?? String(error)}`, extra);
}

async function fromHub(
  client: HubClient,
  remote: RemoteRevision,
  modelDir: string,
  options: FetchModelOptions,
  fail: Fail,
  log: ReturnType<typeof getLog>,
): Promise<Omit<FetchedModel, "seconds" | "hash" | "secureHash">> {
  const { repo, commit } = remote;
  const paths = repoCachePaths(modelDir, repo);
  const dir = join(paths.snapshots, commit);
  const byPath = new Map(remote.files.map((f) => [f.path, f]));
  const layoutWanted = options.layout ?? "auto";

  // Cached and verified before: nothing to download.
  const manifest = await readManifest(modelDir, repo, commit);
  if (
    manifest !== undefined && (layoutWanted === "auto" || layoutWanted === manifest.layout) &&
    (await missingSnapshotFiles(dir, manifest.files)).length === 0
  ) {
    await writeRef(modelDir, repo, remote.revision, commit);
    const modelHash = options.rehash
      ? await computeModelHash(dir, manifest.files.map((f) => f.path), { signal: options.signal })
      : manifest.modelHash;
    log.debug("Model is in the cache", { commit });
    return {
      ...summary(manifest, dir, modelHash, remote.revision),
      totalBytes: remote.totalBytes,
      receivedBytes: 0,
      cached: true,
    };
  }

  const digests = new Map<string, string>();
  let received = 0;
  const fetchOne = async (
    file: RemoteFile,
    onBytes?: (n: number) => void,
    onRetry?: (e: unknown, a: number, d: number) => void,
  ) => {
    try {
      const result = await downloadBlob(client, {
        repo,
        commit,
        file,
        blobsDir: paths.blobs,
        locksDir: paths.locks,
      }, { retry: options.retry, signal: options.signal, onBytes, onRetry });
      received += result.receivedBytes;
      if (result.sha256 !== undefined) digests.set(file.path, result.sha256);
      await linkIntoSnapshot(result.path, join(dir, file.path));
    } catch (error) {
      throw hubFailure(error, `Cannot download "${file.path}" of model "${repo}"`, fail, options.signal, commit);
    }
  };
  const retryLog = (path: string) => (error: unknown, attempt: number, delayMs: number) =>
    log.warn(`Retrying "${path}" in ${(delayMs / 1000).toFixed(1)} s`, { attempt, error: (error as Error).message });

  // Small JSON files the selection reads (safetensors layout) are fetched first.
  const readJson = async (path: string): Promise<unknown> => {
    const file = byPath.get(path);
    if (file === undefined) return undefined;
    await fetchOne(file, undefined, retryLog(path));
    try {
      return JSON.parse(await Deno.readTextFile(join(dir, path)));
    } catch {
      return undefined;
    }
  };
  const selection: FileSelection = await selectModelFiles([...byPath.keys()], { layout: layoutWanted, readJson });
  if (selection.missing.length > 0) {
    throw fail(
      "missing_files",
      `Cannot use model "${repo}" at commit ${commit}: missing ${selection.missing.map((m) => `"${m}"`).join(", ")}`,
      { commit, details: { missing: selection.missing, layout: selection.layout } },
    );
  }
  const files = selection.files.map((p) => byPath.get(p)!);

  // Free disk before the first weight byte.
  let needed = 0;
  for (const file of files) {
    const blobPath = join(paths.blobs, blobNameOf(file));
    const present = await sizeOf(blobPath);
    if (present === file.size) continue;
    needed += file.size - Math.min(file.size, (await sizeOf(`${blobPath}.incomplete`)) ?? 0);
  }
  const margin = options.freeSpaceMarginBytes ?? 1024 ** 3;
  if (needed > 0) {
    const free = await freeDiskBytes(modelDir);
    if (free < needed + margin) {
      throw new DiskSpaceError(
        `Cannot download model "${repo}": it needs ${formatAmount(needed, "bytes")} plus a ${
          formatAmount(margin, "bytes")
        } margin, ${formatAmount(free, "bytes")} free in "${modelDir}"`,
        needed + margin,
        free,
        { hint: "Free disk space or run `deno task gc`; --validator.model_dir moves the cache" },
      );
    }
  }

  const progress = options.progress === false || needed === 0
    ? undefined
    : createProgress(`Downloading ${repo}`, { total: needed, unit: "bytes" });
  try {
    await mapPool(
      files,
      options.concurrency ?? 4,
      (file) => fetchOne(file, (n) => progress?.advance(n), retryLog(file.path)),
    );
  } catch (error) {
    progress?.fail();
    throw error;
  }
  progress?.done(`Downloaded ${repo}: ${formatAmount(received, "bytes")}`);

  const modelHash = await computeModelHash(dir, selection.files, { sha256: digests, signal: options.signal });
  const manifestFiles: ManifestFile[] = [];
  for (const file of files) {
    manifestFiles.push({
      path: file.path,
      size: file.size,
      blob: blobNameOf(file),
      sha256: digests.get(file.path) ?? file.lfsSha256 ?? "",
    });
  }
  const written: SnapshotManifest = {
    version: 1,
    repo,
    commit,
    layout: selection.layout,
    files: manifestFiles,
    totalBytes: remote.totalBytes,
    modelHash,
    fetchedAt: new Date().toISOString(),
  };
  await writeManifest(modelDir, written);
  await writeRef(modelDir, repo, remote.revision, commit);
  log.info(`Fetched ${repo} at ${commit.slice(0, 12)}`, {
    files: files.length,
    bytes: written.files.reduce((s, f) => s + f.size, 0),
    received,
  });
  return {
    ...summary(written, dir, modelHash, remote.revision),
    totalBytes: remote.totalBytes,
    receivedBytes: received,
    cached: received === 0,
  };
}

async function fromCache(
  ref: ModelRef,
  modelDir: string,
  maxBytes: number | undefined,
  options: FetchModelOptions,
  fail: Fail,
): Promise<Omit<FetchedModel, "seconds" | "hash" | "secureHash">> {
  const repo = repoIdOf(ref);
  const commit = await readRef(modelDir, repo, ref.commit);
  const notCached = (what: string, extra: { commit?: string } = {}) =>
    fail("not_cached", `Cannot use model "${repo}" at "${ref.commit}" offline: ${what}`, extra);
  if (commit === undefined) throw notCached("the revision is not in the cache");
  const dir = join(repoCachePaths(modelDir, repo).snapshots, commit);
  const manifest = await readManifest(modelDir, repo, commit);
  if (manifest !== undefined && (options.layout ?? "auto") !== "auto" && manifest.layout !== options.layout) {
    throw notCached(`the cached files are the ${manifest.layout} layout`, { commit });
  }
  if (manifest !== undefined) {
    const missing = await missingSnapshotFiles(dir, manifest.files);
    if (missing.length > 0) throw notCached(`files are missing from the cache: ${missing.join(", ")}`, { commit });
    if (maxBytes !== undefined && manifest.totalBytes > maxBytes) {
      throw fail(
        "too_large",
        `Cannot use model "${repo}": size is ${manifest.totalBytes} bytes, limit is ${maxBytes} bytes`,
        {
          commit,
        },
      );
    }
    const modelHash = options.rehash
      ? await computeModelHash(dir, manifest.files.map((f) => f.path), { signal: options.signal })
      : manifest.modelHash;
    return {
      ...summary(manifest, dir, modelHash, ref.commit),
      totalBytes: manifest.totalBytes,
      receivedBytes: 0,
      cached: true,
    };
  }
  // A snapshot written by another tool: select from what is on disk and hash it.
  let listing: string[];
  try {
    listing = await listSnapshot(dir, "");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw notCached("the snapshot is not in the cache", { commit });
    throw error;
  }
  const selection = await selectModelFiles(listing, {
    layout: options.layout ?? "auto",
    readJson: async (path) => JSON.parse(await Deno.readTextFile(join(dir, path))),
  });
  if (selection.missing.length > 0) {
    throw notCached(`files are missing from the cache: ${selection.missing.join(", ")}`, { commit });
  }
  const files: ManifestFile[] = [];
  for (const path of selection.files) {
    files.push({ path, size: (await Deno.stat(join(dir, path))).size, blob: "", sha256: "" });
  }
  const bytes = files.reduce((s, f) => s + f.size, 0);
  if (maxBytes !== undefined && bytes > maxBytes) {
    throw fail("too_large", `Cannot use model "${repo}": size is ${bytes} bytes, limit is ${maxBytes} bytes`, {
      commit,
    });
  }
  const modelHash = await computeModelHash(dir, selection.files, { signal: options.signal });
  return {
    repo,
    revision: ref.commit,
    commit,
    dir,
    layout: selection.layout,
    files,
    bytes,
    totalBytes: 0,
    receivedBytes: 0,
    modelHash,
    cached: true,
  };
}

function summary(manifest: SnapshotManifest, dir: string, modelHash: string, revision: string) {
  return {
    repo: manifest.repo,
    revision,
    commit: manifest.commit,
    dir,
    layout: manifest.layout,
    files: manifest.files,
    bytes: manifest.files.reduce((s, f) => s + f.size, 0),
    modelHash,
  };
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function listSnapshot(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listSnapshot(dir, rel));
    else out.push(rel);
  }
  return out;
}
