/**
 * Where a scorable graph comes from. A {@linkcode ModelSource} is a decoded
 * graph plus the files its external data lives in; the scorer wraps it with
 * the log-prob head and opens it from memory, its external data resolving to
 * those files where they lie (see wrapped_graph.ts). {@linkcode openOnnxModel}
 * makes one from a model directory with an ONNX export; a graph built
 * elsewhere (e.g. over safetensors files) plugs in the same way.
 *
 * @module
 */
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { checkExternalSizes, checkModel, isExternal, UnsafeModelError } from "./check_model.ts";
import { decodeModel } from "./decode_model.ts";
import type { Model } from "./types.ts";
import { ModelError } from "../errors/mod.ts";

/** A file the graph's external data points to, named `location` in the graph. */
export interface LinkedFile {
  /** The external-data location as the graph names it. */
  readonly location: string;
  /** The real path of the file (symlinks resolved). */
  readonly path: string;
}

/** A graph ready to be wrapped and opened. */
export interface ModelSource {
  /** The model directory (for messages and `config.json`). */
  readonly dir: string;
  /** Cache key: a hash of what defines the graph (for ONNX files, the file's SHA-256). */
  readonly key: string;
  /** The graph; its external-data locations are the `location`s of {@linkcode ModelSource.links}. */
  readonly model: Model;
  /** The files its external data lives in. Every location the graph uses must be here. */
  readonly links: readonly LinkedFile[];
  /** The parsed `config.json` (empty when there is none). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The graph file names looked for, in order. */
export const GRAPH_FILES: readonly string[] = ["onnx/model.onnx", "model.onnx"];

/** Inline initializers at least this large are referenced in the original file instead of copied. */
const EXTERNALIZE_BYTES = 1024;
/** The location name under which large inline weights are read from the original graph file. */
export const ORIGINAL_GRAPH_LINK = "subvalid-original.onnx";

/**
 * The directories a model's files may resolve into: the model directory,
 * and for a Hugging Face cache snapshot (`…/snapshots/<rev>`) the repo's
 * `blobs` directory, where its symlinks point.
 */
export async function trustedRoots(modelDir: string): Promise<string[]> {
  const real = await Deno.realPath(modelDir);
  const roots = [real];
  if (basename(dirname(real)) === "snapshots") roots.push(join(dirname(dirname(real)), "blobs"));
  return roots;
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}

/**
 * Resolves a file of a model directory, following symlinks only into the
 * trusted roots.
 *
 * @throws {ModelError} when the file is missing, not a regular file, or resolves outside the roots
 */
export async function resolveModelFile(
  baseDir: string,
  location: string,
  roots: readonly string[],
): Promise<{ path: string; size: number }> {
  const joined = join(baseDir, location);
  let real: string;
  try {
    real = await Deno.realPath(joined);
  } catch (error) {
    throw new ModelError(`Cannot open model file "${joined}": ${(error as Error).message}`, { cause: error });
  }
  if (!roots.some((root) => inside(real, root))) {
    throw new ModelError(
      `Model file "${location}" resolves to "${real}", outside the model directory (a symlink escapes it)`,
    );
  }
  const info = await Deno.stat(real);
  if (!info.isFile) throw new ModelError(`Model file "${location}" is not a regular file`);
  return { path: real, size: info.size };
}

/** Reads `config.json` of a model directory; `{}` when there is none. */
export async function readModelConfig(dir: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, "config.json"));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new ModelError(`Cannot read "${join(dir, "config.json")}": ${(error as Error).message}`, { cause: error });
  }
  try {
    const value = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SyntaxError("not an object");
    return value;
  } catch (error) {
    throw new ModelError(`Cannot parse "${join(dir, "config.json")}": ${(error as Error).message}`, { cause: error });
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Finds the ONNX graph of a model directory. */
export async function findGraph(modelDir: string): Promise<string> {
  for (const name of GRAPH_FILES) {
    try {
      await Deno.lstat(join(modelDir, name));
      return name;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  throw new ModelError(`Cannot find an ONNX graph in "${modelDir}": looked for ${GRAPH_FILES.join(" and ")}`, {
    hint: "Export the model to ONNX (onnx/model.onnx, optional external data beside it)",
  });
}

/**
 * Opens the ONNX export of a model directory as an untrusted file: decodes
 * it, checks it (domains, external-data locations and sizes), and lists the
 * files holding its external data. Large inline initializers are turned into external
 * references into the original file, so the wrapped graph stays small and no
 * weight bytes are copied.
 *
 * @throws {ModelError} naming the problem (missing graph, bad protobuf, unsafe location, size mismatch)
 */
export async function openOnnxModel(modelDir: string): Promise<ModelSource> {
  const roots = await trustedRoots(modelDir).catch((error) => {
    throw new ModelError(`Cannot open model directory "${modelDir}": ${(error as Error).message}`, { cause: error });
  });
  const graphName = await findGraph(modelDir);
  const graphDir = dirname(join(modelDir, graphName));
  const graphFile = await resolveModelFile(modelDir, graphName, roots);
  const bytes = await Deno.readFile(graphFile.path);
  const key = await sha256Hex(bytes);
  let model: Model;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new ModelError(`Cannot decode ONNX graph "${join(modelDir, graphName)}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  const links: LinkedFile[] = [];
  try {
    const refs = checkModel(model);
    const sizes = new Map<string, number>();
    for (const location of new Set(refs.map((r) => r.location))) {
      if (location === ORIGINAL_GRAPH_LINK) {
        throw new UnsafeModelError(`External data location "${location}" is reserved`);
      }
      const file = await resolveModelFile(graphDir, location, roots);
      sizes.set(location, file.size);
      links.push({ location, path: file.path });
    }
    checkExternalSizes(refs, sizes);
  } catch (error) {
    if (error instanceof UnsafeModelError) {
      throw new ModelError(`Unsafe ONNX graph "${join(modelDir, graphName)}": ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (externalizeInline(model, bytes)) links.push({ location: ORIGINAL_GRAPH_LINK, path: graphFile.path });
  return { dir: modelDir, key, model, links, config: await readModelConfig(modelDir) };
}

/** Turns large raw inline initializers into references into the original file. */
function externalizeInline(model: Model, file: Uint8Array): boolean {
  let changed = false;
  for (const t of model.graph.initializer) {
    const raw = t.rawData;
    if (isExternal(t) || raw === undefined || raw.byteLength < EXTERNALIZE_BYTES || raw.buffer !== file.buffer) {
      continue;
    }
    const offset = raw.byteOffset - file.byteOffset;
    delete t.rawData;
    t.dataLocation = 1;
    t.externalData = [
      { key: "location", value: ORIGINAL_GRAPH_LINK },
      { key: "offset", value: String(offset) },
      { key: "length", value: String(raw.byteLength) },
    ];
    changed = true;
  }
  return changed;
}
