/**
 * The per-model work directory in the scoring cache. ONNX Runtime refuses
 * external data reached through symlinks, `..` or absolute paths (so a graph
 * cannot be opened straight from the Hugging Face cache, whose snapshot files
 * are symlinks into `blobs/`), but accepts hard links in the graph's own
 * directory. So each model gets `<cache_dir>/v2-<sha256 of the original
 * graph>/` holding the wrapped graph (`model.onnx`, cached: it depends only on
 * the original graph) and hard links to its weight files, refreshed on every
 * use and removed after scoring so they never pin deleted blobs. No weight
 * bytes are copied; the cache must be on the model cache's filesystem.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { encodeModel } from "../onnx/mod.ts";
import { addLogProbHead, type LogProbHeadOptions } from "./logprob_head.ts";
import type { ModelSource } from "./model_source.ts";
import { ModelError, ScoreRuntimeError } from "./score_error.ts";
import type { Model } from "../onnx/mod.ts";

/** Version of the wrapped-graph format; part of the work dir name. */
export const HEAD_VERSION = "v2";
/** File name of the wrapped graph in the work dir. */
export const WRAPPED_GRAPH = "model.onnx";

/** A work directory ready for ONNX Runtime. */
export interface WorkDir {
  /** The directory. */
  readonly dir: string;
  /** The wrapped graph's path. */
  readonly graphPath: string;
  /** The wrapped graph (decoded). */
  readonly model: Model;
  /** Whether the wrapped graph came from the cache. */
  readonly cached: boolean;
  /** Removes the hard links (keeps the wrapped graph). */
  releaseLinks(): Promise<void>;
}

/** Options of {@linkcode prepareWorkDir}. */
export interface PrepareWorkDirOptions extends LogProbHeadOptions {}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([Deno.lstat(a), Deno.stat(b)]);
    return x.isFile && x.ino !== null && x.ino === y.ino && x.dev === y.dev;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Hard-links `source` at `target` atomically (link to a temp name, then rename). */
async function linkInto(source: string, target: string): Promise<void> {
  if (await sameFile(target, source)) return;
  await Deno.mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${crypto.randomUUID()}.incomplete`;
  try {
    await Deno.link(source, temp);
  } catch (error) {
    const crossDevice = (error as { code?: string }).code === "EXDEV" || /cross-device/i.test(String(error));
    const hint = crossDevice
      ? "Put --validator.cache_dir on the same filesystem as the model cache (--validator.model_dir)"
      : error instanceof Deno.errors.NotCapable
      ? "Deno needs write permission on a hard link's source: the score set grants it for ./.cache/huggingface " +
        "(the model cache); put the model there, or grant --allow-write on its directory"
      : "Check that --validator.cache_dir is writable";
    throw new ScoreRuntimeError(`Cannot hard-link "${source}" into the scoring cache: ${(error as Error).message}`, {
      hint,
      cause: error,
    });
  }
  await Deno.rename(temp, target);
}

/**
 * Wraps a model with the log-prob head (or takes the cached wrapped graph)
 * and hard-links its weight files into its work directory.
 *
 * @throws {ModelError} when the graph cannot be wrapped
 * @throws {ScoreRuntimeError} when the cache is not writable or not on the model's filesystem
 */
export async function prepareWorkDir(
  source: ModelSource,
  cacheDir: string,
  options: PrepareWorkDirOptions = {},
): Promise<WorkDir> {
  const dir = join(cacheDir, `${HEAD_VERSION}-${source.key}`);
  const graphPath = join(dir, WRAPPED_GRAPH);
  const model = addLogProbHead(source.model, options);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ScoreRuntimeError(`Cannot create work directory "${dir}": ${(error as Error).message}`, {
      hint: "Check --validator.cache_dir and the score permission set's write paths",
      cause: error,
    });
  }
  const cached = await exists(graphPath);
  if (!cached) {
    const temp = `${graphPath}.${crypto.randomUUID()}.incomplete`;
    await Deno.writeFile(temp, encodeModel(model));
    await Deno.rename(temp, graphPath);
  }
  const links = [...source.links];
  for (const link of links) {
    if (link.location === WRAPPED_GRAPH) {
      throw new ModelError(`External data location "${link.location}" is reserved for the wrapped graph`);
    }
    await linkInto(link.path, join(dir, link.location));
  }
  return {
    dir,
    graphPath,
    model,
    cached,
    async releaseLinks() {
      for (const link of links) {
        await Deno.remove(join(dir, link.location)).catch(() => {});
      }
    },
  };
}
