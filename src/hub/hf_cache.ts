/**
 * The Hugging Face cache layout, as subvalid writes it:
 *
 * ```
 * <model_dir>/
 *   .locks/models--ns--name/<blob>.lock     per-blob download locks (as huggingface_hub)
 *   models--ns--name/
 *     blobs/<blob>                          file bytes; <blob> = LFS sha256, else git blob id
 *     blobs/<blob>.incomplete               a download in progress (resumable)
 *     refs/<revision>                       the commit a branch/tag resolved to
 *     snapshots/<commit>/<path>             HARD LINKS to blobs (same inode: no copy, no symlink)
 *     .subvalid/manifests/<commit>.json     what was fetched and verified (files, sizes, model hash)
 *     .subvalid/quarantine/<commit>--<hotkey>/   hard links to rejected files + reason.json
 * ```
 *
 * Hard links instead of huggingface_hub's symlinks: `Deno.symlink` needs unscoped permissions, and ONNX
 * Runtime refuses external data reached through symlinks, while a hard link is an ordinary file to every
 * reader. Python tools still find every file at `snapshots/<commit>/<path>`.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { isCommitSha } from "../mechanism/model_id.ts";
import type { ModelLayout } from "./file_selection.ts";

/** The folder name of a repository in the cache: `models--ns--name`. */
export function repoFolderName(repo: string, kind: "model" | "dataset" = "model"): string {
  return `${kind}s--${repo.replaceAll("/", "--")}`;
}

/** The repository id of a cache folder name, or `undefined` when it is not a model folder. */
export function repoOfFolder(folder: string): string | undefined {
  const match = /^models--([^/]+?)--([^/]+)$/.exec(folder);
  return match === null ? undefined : `${match[1]}/${match[2]}`;
}

/** Paths of one repository in the cache. */
export interface RepoCachePaths {
  /** `<model_dir>/models--ns--name`. */
  readonly root: string;
  readonly blobs: string;
  readonly refs: string;
  readonly snapshots: string;
  /** `<model_dir>/.locks/models--ns--name`. */
  readonly locks: string;
  /** `<root>/.subvalid/manifests`. */
  readonly manifests: string;
  /** `<root>/.subvalid/quarantine`. */
  readonly quarantine: string;
}

/** The cache paths of a repository. */
export function repoCachePaths(modelDir: string, repo: string): RepoCachePaths {
  const folder = repoFolderName(repo);
  const root = join(modelDir, folder);
  return {
    root,
    blobs: join(root, "blobs"),
    refs: join(root, "refs"),
    snapshots: join(root, "snapshots"),
    locks: join(modelDir, ".locks", folder),
    manifests: join(root, ".subvalid", "manifests"),
    quarantine: join(root, ".subvalid", "quarantine"),
  };
}

/** One file of a fetched snapshot. */
export interface ManifestFile {
  /** Path inside the snapshot. */
  readonly path: string;
  readonly size: number;
  /** Blob name (LFS sha256, else git blob id). */
  readonly blob: string;
  /** sha256 of the bytes (lowercase hex). */
  readonly sha256: string;
}

/** What a completed fetch recorded about a commit. */
export interface SnapshotManifest {
  readonly version: 1;
  /** `namespace/name`. */
  readonly repo: string;
  readonly commit: string;
  readonly layout: ModelLayout;
  /** The model's files (the hashed set), sorted by path. */
  readonly files: readonly ManifestFile[];
  /** Σ size of every file of the repository at the commit (what `max_bytes` limits). */
  readonly totalBytes: number;
  /** The hotkey-independent model hash of `files`. */
  readonly modelHash: string;
  /** ISO time of the fetch. */
  readonly fetchedAt: string;
}

/** Reads the manifest of a commit, or `undefined` if there is none (or it is unreadable). */
export async function readManifest(
  modelDir: string,
  repo: string,
  commit: string,
): Promise<SnapshotManifest | undefined> {
  if (!isCommitSha(commit)) return undefined;
  try {
    const text = await Deno.readTextFile(join(repoCachePaths(modelDir, repo).manifests, `${commit}.json`));
    const manifest = JSON.parse(text) as SnapshotManifest;
    return manifest.version === 1 && manifest.commit === commit && Array.isArray(manifest.files) ? manifest : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Writes the manifest of a commit atomically. */
export async function writeManifest(modelDir: string, manifest: SnapshotManifest): Promise<void> {
  const dir = repoCachePaths(modelDir, manifest.repo).manifests;
  await writeFileAtomic(join(dir, `${manifest.commit}.json`), JSON.stringify(manifest, null, 2) + "\n");
}

/** The commit a revision resolves to from the cache: the sha itself, or `refs/<revision>`. */
export async function readRef(modelDir: string, repo: string, revision: string): Promise<string | undefined> {
  if (isCommitSha(revision)) return revision;
  try {
    const text = (await Deno.readTextFile(join(repoCachePaths(modelDir, repo).refs, revision))).trim();
    return isCommitSha(text) ? text : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return undefined;
    throw error;
  }
}

/** Records that a revision (branch or tag) resolved to a commit. */
export async function writeRef(modelDir: string, repo: string, revision: string, commit: string): Promise<void> {
  if (isCommitSha(revision)) return;
  await writeFileAtomic(join(repoCachePaths(modelDir, repo).refs, revision), commit);
}

/** Writes a file via a temporary name and a rename, creating parent directories. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
