/**
 * The local hub's `--root`, checked before listening: a readable directory
 * holding at least one repository, so a wrong path is told at start instead
 * of answering 404s and 500s.
 *
 * @module
 */
import { resolve } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import { RepoStore } from "./_repo_store.ts";

/** What a hub root holds. */
export interface HubRootContents {
  /** The root, absolute. */
  readonly root: string;
  /** Model repositories (`namespace/name`). */
  readonly models: readonly string[];
  /** Dataset repositories (`namespace/name`). */
  readonly datasets: readonly string[];
}

const LAYOUT = "<namespace>/<name>/ model folders or datasets/<namespace>/<name>/<config>/<split>.jsonl";

/**
 * Checks that `root` is a readable directory with at least one repository.
 *
 * @throws {ConfigError} when it is missing, not a directory, unreadable or empty of repositories
 * @throws Deno's `NotCapable` when the permission set does not grant it (exit code 3)
 */
export async function checkHubRoot(root: string): Promise<HubRootContents> {
  const dir = resolve(root);
  const hint = `--root is a folder of ${LAYOUT}; the test fixtures are in ./tests/testdata/hub/repos`;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`Cannot serve "${dir}": no such directory`, { hint, cause: error });
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`Cannot serve "${dir}": ${error.message}`, { hint, cause: error });
    }
    throw error;
  }
  if (!info.isDirectory) throw new ConfigError(`Cannot serve "${dir}": it is not a directory`, { hint });
  let models: string[];
  let datasets: string[];
  try {
    const store = new RepoStore(dir);
    [models, datasets] = await Promise.all([store.list("model"), store.list("dataset")]);
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`Cannot read "${dir}": ${error.message}`, { hint, cause: error });
    }
    throw error;
  }
  if (models.length + datasets.length === 0) {
    throw new ConfigError(`Cannot serve "${dir}": it holds no repositories`, { hint });
  }
  return { root: dir, models, datasets };
}
