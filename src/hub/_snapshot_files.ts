/**
 * Snapshot entries as hard links to blobs, and checks that a snapshot still holds its files.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { ManifestFile } from "./hf_cache.ts";
import { getLog } from "../log/mod.ts";

/**
 * Makes `snapshots/<commit>/<path>` the same file as `blobs/<blob>`: a hard link (no copy, no symlink).
 * An existing entry that is another file is replaced atomically. Where the filesystem cannot hard-link,
 * the blob is copied (with a warning).
 */
export async function linkIntoSnapshot(blobPath: string, entryPath: string): Promise<void> {
  const blob = await Deno.stat(blobPath);
  try {
    const entry = await Deno.lstat(entryPath);
    if (entry.isFile && entry.ino === blob.ino && entry.dev === blob.dev) return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dirname(entryPath), { recursive: true });
  const temp = `${entryPath}.${crypto.randomUUID().slice(0, 8)}.link`;
  try {
    try {
      await Deno.link(blobPath, temp);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.NotFound) throw error;
      getLog("hub").warn("Cannot hard-link a blob into the snapshot; copying it (2x disk for this file)", {
        blob: blobPath,
        error: (error as Error).message,
      });
      await Deno.copyFile(blobPath, temp);
    }
    await Deno.rename(temp, entryPath);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** The manifest files missing from a snapshot directory or with the wrong size. */
export async function missingSnapshotFiles(dir: string, files: readonly ManifestFile[]): Promise<string[]> {
  const missing: string[] = [];
  for (const file of files) {
    try {
      const stat = await Deno.stat(join(dir, file.path));
      if (!stat.isFile || stat.size !== file.size) missing.push(file.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      missing.push(file.path);
    }
  }
  return missing;
}
