/**
 * The per-model work directory in the scoring cache. ONNX Runtime refuses
 * external data reached through symlinks, `..` or absolute paths (so a graph
 * cannot be opened straight from the Hugging Face cache, whose snapshot files
 * are symlinks into `blobs/`), but accepts hard links in the graph's own
 * directory. So each model gets `<cache_dir>/v3-<sha256 of the original
 * graph>/` holding the wrapped graph (`model.onnx`, cached: it depends only on
 * the original graph); each run gets its own `run-<pid>-<id>/` inside it with
 * hard links to that graph and to the weight files, removed after scoring (or,
 * for a killed run, by the parent or the next run) so links never pin deleted
 * blobs. No weight bytes are copied; the cache must be on the model cache's
 * filesystem.
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
export const HEAD_VERSION = "v3";
/** File name of the wrapped graph in the work dir. */
export const WRAPPED_GRAPH = "model.onnx";

/** A work directory ready for ONNX Runtime. */
export interface WorkDir {
  /** This run's directory (the wrapped graph and the weight files, all hard links). */
  readonly dir: string;
  /** The wrapped graph's path in {@linkcode WorkDir.dir}. */
  readonly graphPath: string;
  /** The wrapped graph (decoded). */
  readonly model: Model;
  /** Whether the wrapped graph came from the cache. */
  readonly cached: boolean;
  /** Removes this run's directory and its hard links (the cached wrapped graph stays). */
  releaseLinks(): Promise<void>;
}

/** Options of {@linkcode prepareWorkDir}. */
export interface PrepareWorkDirOptions extends LogProbHeadOptions {}

/** Run directories older than this are left-overs of killed runs and are removed. */
const STALE_RUN_MS = 6 * 3600_000;

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

/** The run directory name prefix of a process. */
function runPrefix(pid: number): string {
  return `run-${pid}-`;
}

/**
 * Removes run directories (and so their hard links) left by a process that
 * was killed, or by any process when they are older than a few hours.
 *
 * @param pid only this process's run directories (regardless of age)
 */
export async function removeRunDirs(cacheDir: string, pid?: number): Promise<number> {
  let removed = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(cacheDir));
  } catch {
    return 0;
  }
  const now = Date.now();
  for (const entry of entries) {
    if (!entry.isDirectory || !entry.name.startsWith(`${HEAD_VERSION}-`)) continue;
    const modelDir = join(cacheDir, entry.name);
    for await (const run of Deno.readDir(modelDir)) {
      if (!run.isDirectory || !run.name.startsWith("run-")) continue;
      const path = join(modelDir, run.name);
      const stale = pid === undefined &&
        now - ((await Deno.lstat(path).catch(() => undefined))?.mtime?.getTime() ?? now) > STALE_RUN_MS;
      if (stale || (pid !== undefined && run.name.startsWith(runPrefix(pid)))) {
        await Deno.remove(path, { recursive: true }).catch(() => {});
        removed++;
      }
    }
  }
  return removed;
}

/**
 * Wraps a model with the log-prob head (or takes the cached wrapped graph),
 * and makes this run's directory: hard links to the wrapped graph and to the
 * model's weight files, so concurrent runs never share links.
 *
 * @throws {ModelError} when the graph cannot be wrapped
 * @throws {ScoreRuntimeError} when the cache is not writable or not on the model's filesystem
 */
export async function prepareWorkDir(
  source: ModelSource,
  cacheDir: string,
  options: PrepareWorkDirOptions = {},
): Promise<WorkDir> {
  const dir = join(cacheDir, `${HEAD_VERSION}-${options.select === false ? "full-" : ""}${source.key}`);
  const cachedGraph = join(dir, WRAPPED_GRAPH);
  const model = addLogProbHead(source.model, options);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ScoreRuntimeError(`Cannot create work directory "${dir}": ${(error as Error).message}`, {
      hint: "Check --validator.cache_dir and the score permission set's write paths",
      cause: error,
    });
  }
  await removeRunDirs(cacheDir);
  const cached = await exists(cachedGraph);
  if (!cached) {
    const temp = `${cachedGraph}.${crypto.randomUUID()}.incomplete`;
    await Deno.writeFile(temp, encodeModel(model));
    await Deno.rename(temp, cachedGraph);
  }
  const runDir = join(dir, `${runPrefix(Deno.pid)}${crypto.randomUUID().slice(0, 8)}`);
  const release = () => Deno.remove(runDir, { recursive: true }).catch(() => {});
  try {
    await linkInto(cachedGraph, join(runDir, WRAPPED_GRAPH));
    for (const link of source.links) {
      if (link.location === WRAPPED_GRAPH) {
        throw new ModelError(`External data location "${link.location}" is reserved for the wrapped graph`);
      }
      await linkInto(link.path, join(runDir, link.location));
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { dir: runDir, graphPath: join(runDir, WRAPPED_GRAPH), model, cached, releaseLinks: release };
}
