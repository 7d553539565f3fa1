/**
 * The operator's paths, checked before a task starts work: a typo in
 * `--model` or `--samples` is a usage error (exit code 2) naming the flag and
 * the path, not a model that "scores Infinity".
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";

/** A path a flag names, and what it must be. */
export interface NamedPath {
  /** The flag, e.g. `--model`. */
  readonly flag: string;
  /** The path (absolute), or `undefined` when the flag was not given. */
  readonly path: string | undefined;
  /** What it must be. */
  readonly kind: "file" | "directory";
}

/**
 * Checks that each given path exists and is a file or a directory as named.
 *
 * @throws {ConfigError} for a missing path or one of the wrong kind
 * @throws Deno's `NotCapable` when the permission set does not grant it (exit code 3)
 */
export async function checkPaths(paths: readonly NamedPath[]): Promise<void> {
  for (const { flag, path, kind } of paths) {
    if (path === undefined) continue;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new ConfigError(`Cannot use ${flag} "${path}": no such ${kind}`, {
        hint: `Check the path given to ${flag} (relative paths start where you ran deno task)`,
        cause: error,
      });
    }
    if (kind === "directory" ? !info.isDirectory : !info.isFile) {
      throw new ConfigError(`Cannot use ${flag} "${path}": it is not a ${kind}`, {
        hint: `${flag} takes a ${kind}`,
      });
    }
  }
}
