/**
 * The offline path of the fetcher: a model from the cache only, by its manifest, or (for snapshots
 * another tool wrote) by selecting and hashing the files on disk.
 *
 * @module
 */
import { join } from "node:path";
import type { MinerModelError, MinerModelReason } from "./errors.ts";
import type { FetchedModel, FetchModelOptions } from "./fetch_model.ts";
import { selectModelFiles } from "./file_selection.ts";
import { type ManifestFile, readManifest, readRef, repoCachePaths, type SnapshotManifest } from "./hf_cache.ts";
import { type ModelRef, repoIdOf } from "../mechanism/model_id.ts";
import { computeModelHash } from "./secure_hash.ts";
import { missingSnapshotFiles } from "./_snapshot_files.ts";

/** What the hub or cache step produces; `fetchModel` adds the hash verdict and the time. */
export type FetchedFiles = Omit<FetchedModel, "seconds" | "hash" | "secureHash">;

/** Makes a {@linkcode MinerModelError} for the model being fetched. */
export type Fail = (
  reason: MinerModelReason,
  message: string,
  extra?: { commit?: string; details?: Record<string, unknown>; cause?: unknown; hint?: string },
) => MinerModelError;

/** Serves a model from the cache only. */
export async function fromCache(
  ref: ModelRef,
  revision: string,
  modelDir: string,
  maxBytes: number | undefined,
  options: FetchModelOptions,
  fail: Fail,
): Promise<FetchedFiles> {
  const repo = repoIdOf(ref);
  const commit = await readRef(modelDir, repo, revision);
  const notCached = (what: string, extra: { commit?: string } = {}) =>
    fail("not_cached", `Cannot use model "${repo}" at "${revision}" offline: ${what}`, extra);
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
      ...summary(manifest, dir, modelHash, revision),
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
    revision,
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

/** The common fields of a result from a manifest. */
export function summary(manifest: SnapshotManifest, dir: string, modelHash: string, revision: string) {
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

async function listSnapshot(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listSnapshot(dir, rel));
    else out.push(rel);
  }
  return out;
}
