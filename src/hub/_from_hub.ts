/**
 * The online path of the fetcher: after the size check, pick the model's files, check the disk, download
 * what the cache lacks (concurrently, resumably, verified), hash, and record a manifest and the ref.
 *
 * @module
 */
import { join } from "node:path";
import { findDenial } from "../errors/mod.ts";
import { createProgress, formatAmount, type Log } from "../log/mod.ts";
import { blobNameOf, downloadBlob } from "./_download_blob.ts";
import { type Fail, type FetchedFiles, summary } from "./_from_cache.ts";
import { describeNetworkError, mapPool } from "../util/mod.ts";
import { linkIntoSnapshot, missingSnapshotFiles } from "./_snapshot_files.ts";
import { DiskSpaceError, MinerModelError } from "./errors.ts";
import type { FetchModelOptions } from "./fetch_model.ts";
import { type FileSelection, selectModelFiles } from "./file_selection.ts";
import { freeDiskBytes } from "./free_disk.ts";
import {
  type ManifestFile,
  readManifest,
  repoCachePaths,
  type SnapshotManifest,
  writeManifest,
  writeRef,
} from "./hf_cache.ts";
import type { HubClient, RemoteFile, RemoteRevision } from "./hub_client.ts";
import { HubHttpError, TransferError } from "./http_errors.ts";
import { computeModelHash } from "./secure_hash.ts";

/** What to do when the hub cannot be reached at all (the doctor's advice). */
export const HUB_NETWORK_HINT = "Check the network, DNS and --hub.url / HF_ENDPOINT (or HF_HUB_OFFLINE=1 to use the " +
  "cache only); `deno task doctor` checks that the hub answers";

/** Maps a hub or transfer error to the per-miner error (or passes aborts and disk errors through). */
export function hubFailure(
  error: unknown,
  action: string,
  fail: Fail,
  signal: AbortSignal | undefined,
  commit?: string,
): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  // A path or host this process may not use is the validator's problem, never the miner's.
  if (findDenial(error) !== undefined) return error;
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
  const network = describeNetworkError(error);
  if (network !== undefined) {
    return fail("download_failed", `${action}: ${network.reason}`, { ...extra, hint: HUB_NETWORK_HINT });
  }
  return fail("download_failed", `${action}: ${(error as Error)?.message ?? String(error)}`, extra);
}

/** Fetches a resolved revision's model files into the cache. */
export async function fromHub(
  client: HubClient,
  remote: RemoteRevision,
  modelDir: string,
  options: FetchModelOptions,
  fail: Fail,
  log: Log,
): Promise<FetchedFiles> {
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
    log.warn(`Retrying "${path}" in ${(delayMs / 1000).toFixed(1)} s`, {
      attempt,
      error: describeNetworkError(error)?.reason ?? (error as Error).message,
    });

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
    // Created first: measuring an ancestor would need read access beyond the model cache.
    await Deno.mkdir(modelDir, { recursive: true });
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

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
