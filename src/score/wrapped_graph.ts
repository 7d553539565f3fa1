/**
 * The graph ONNX Runtime opens: the model wrapped with the log-prob head,
 * cached in the scoring cache, and pointed at the weight files where they
 * lie.
 *
 * ONNX Runtime canonicalizes external-data paths and refuses any that leave
 * the graph's folder (symlinks, `..`, absolute paths). Instead of a work
 * directory of hard links (Deno needs write permission on a hard link's
 * *source*, which would make the model cache writable for the scorer), the
 * wrapped graph is opened from memory with ORT's
 * `session.model_external_initializers_file_folder_path` set to the deepest
 * directory holding every weight file's real path, and each external-data
 * location rewritten relative to it. Snapshots fetched by subvalid hold hard
 * links (so the folder is the snapshot); a Python `huggingface_hub` cache
 * holds symlinks into `blobs/` (so the folder is that repository). No byte is
 * copied or written outside the scoring cache.
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { decodeModel, encodeModel, type Model } from "../onnx/mod.ts";
import { addLogProbHead, type LogProbHeadOptions } from "./logprob_head.ts";
import type { ModelSource } from "../onnx/model_source.ts";
import { ModelError } from "../errors/mod.ts";
import { ScoreRuntimeError } from "./score_error.ts";

/** Version of the wrapped-graph format; part of the cache entry's name. */
export const HEAD_VERSION = "v3";
/** File name of the cached wrapped graph. */
export const WRAPPED_GRAPH = "model.onnx";

/** A wrapped graph ready for `InferenceSession.create(bytes, …)`. */
export interface WrappedGraph {
  /** The serialized graph, its external-data locations relative to {@linkcode WrappedGraph.folder}. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The folder external data resolves against (ORT's `model_external_initializers_file_folder_path`). */
  readonly folder: string;
  /** The wrapped graph (decoded, with the model's own locations). */
  readonly model: Model;
  /** The cache entry's directory. */
  readonly cacheEntry: string;
  /** Whether the wrapped graph came from the cache. */
  readonly cached: boolean;
}

/** Options of {@linkcode prepareWrappedGraph}. */
export interface PrepareWrappedGraphOptions extends LogProbHeadOptions {}

/** The deepest directory that contains every path (all absolute). */
export function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) throw new RangeError("Cannot find the common folder of no paths");
  let folder = dirname(paths[0]!);
  for (const path of paths.slice(1)) {
    while (!isInside(path, folder)) {
      const parent = dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
  }
  return folder;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== "" && !isAbsolute(rel) && rel.split(sep)[0] !== "..";
}

/** Points every external-data location of `model` at the real file, relative to `folder`. */
function relocate(model: Model, paths: ReadonlyMap<string, string>, folder: string): void {
  const visit = (tensors: Model["graph"]["initializer"]) => {
    for (const tensor of tensors) {
      const entry = tensor.externalData?.find((e) => e.key === "location");
      if (entry === undefined) continue;
      const path = paths.get(entry.value);
      if (path === undefined) {
        throw new ModelError(`External data location "${entry.value}" names no file of the model`);
      }
      entry.value = relative(folder, path);
    }
  };
  visit(model.graph.initializer);
  for (const node of model.graph.node) {
    for (const attribute of node.attribute) {
      if (attribute.t) visit([attribute.t]);
      if (attribute.tensors) visit(attribute.tensors);
    }
  }
}

/**
 * Wraps a model with the log-prob head (or takes the wrapped graph from the
 * scoring cache) and points its external data at the weight files.
 *
 * @throws {ModelError} when the graph cannot be wrapped or names a file it does not list
 * @throws {ScoreRuntimeError} when the scoring cache is not writable
 */
export async function prepareWrappedGraph(
  source: ModelSource,
  cacheDir: string,
  options: PrepareWrappedGraphOptions = {},
): Promise<WrappedGraph> {
  const cacheEntry = join(cacheDir, `${HEAD_VERSION}-${options.select === false ? "full-" : ""}${source.key}`);
  const cachedPath = join(cacheEntry, WRAPPED_GRAPH);
  let model: Model;
  let cached = false;
  try {
    model = decodeModel(await Deno.readFile(cachedPath));
    cached = true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) && !(error instanceof SyntaxError)) throw error;
    model = addLogProbHead(source.model, options);
    try {
      await Deno.mkdir(cacheEntry, { recursive: true });
      const temp = `${cachedPath}.${crypto.randomUUID()}.incomplete`;
      await Deno.writeFile(temp, encodeModel(model));
      await Deno.rename(temp, cachedPath);
    } catch (writeError) {
      throw new ScoreRuntimeError(
        `Cannot write the wrapped graph to "${cacheEntry}": ${(writeError as Error).message}`,
        {
          hint: "Check --validator.cache_dir and the score permission set's write paths",
          cause: writeError,
        },
      );
    }
  }
  const paths = new Map(source.links.map((link) => [link.location, link.path]));
  const folder = paths.size > 0 ? commonFolder([...paths.values()]) : source.dir;
  const opened = decodeModel(encodeModel(model));
  relocate(opened, paths, folder);
  return { bytes: encodeModel(opened), folder, model, cacheEntry, cached };
}
