/**
 * Free disk space where a directory is (or will be created).
 *
 * @module
 */
import { statfs } from "node:fs/promises";
import { dirname } from "node:path";

/** Bytes available to this user on the filesystem of `path` (or of its nearest existing ancestor). */
export async function freeDiskBytes(path: string): Promise<number> {
  let dir = path;
  for (;;) {
    try {
      await Deno.stat(dir);
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || dirname(dir) === dir) throw error;
      dir = dirname(dir);
    }
  }
  const stats = await statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}
