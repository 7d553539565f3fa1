/**
 * Turns a safetensors checkpoint directory into a scorer {@linkcode ModelSource}: the built graph
 * (cached in the scoring cache under `built/<key>/`, keyed by the builder version, the build options,
 * `config.json` and every safetensors header, so an unchanged checkpoint is never rebuilt) plus the
 * weight files its external data points into, which the scorer opens where they lie.
 *
 * @module
 */
import { join } from "node:path";
import { decodeModel, encodeModel, type Model } from "../onnx/mod.ts";
import { type LinkedFile, type ModelSource, resolveModelFile, trustedRoots } from "../onnx/model_source.ts";
import { type AttentionKind, BUILDER_VERSION, buildGraph, type BuildGraphOptions } from "./build_graph.ts";
import { type Checkpoint, openCheckpoint } from "./checkpoint.ts";
import { ModelFormatError } from "./errors.ts";

/** What a cached build records besides the graph. */
export interface BuildInfo {
  /** The transformers class. */
  readonly architecture: string;
  /** Parameters (tied weights once). */
  readonly parameterCount: number;
  /** Weight file names the graph reads. */
  readonly files: readonly string[];
  /** The attention form used. */
  readonly attention: AttentionKind;
  /** The padding side batches must use. */
  readonly paddingSide: "right" | "any";
  /** The compute dtype. */
  readonly computeDtype: string;
}

/** A model source built from safetensors. */
export interface SafetensorsModelSource extends ModelSource {
  /** Facts about the build. */
  readonly build: BuildInfo;
  /** The build-cache key (config + headers + options). */
  readonly buildKey: string;
  /** Whether the graph came from the build cache. */
  readonly cached: boolean;
  /** The checkpoint (headers only). */
  readonly checkpoint: Checkpoint;
}

/** Options of {@linkcode openSafetensorsModel}. */
export interface OpenSafetensorsModelOptions extends Omit<BuildGraphOptions, "name"> {
  /** The scoring cache directory (built graphs go to `built/` in it). */
  cacheDir: string;
}

const encoder = new TextEncoder();

async function sha256Hex(parts: readonly (string | Uint8Array)[]): Promise<string> {
  const chunks = parts.map((p) => typeof p === "string" ? encoder.encode(p) : p);
  const total = chunks.reduce((n, c) => n + c.length + 8, 0);
  const all = new Uint8Array(total);
  const view = new DataView(all.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    view.setBigUint64(offset, BigInt(chunk.length), true); // length-prefixed: no ambiguity between parts
    all.set(chunk, offset + 8);
    offset += chunk.length + 8;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The build-cache key of a checkpoint under some build options. */
export function buildKey(checkpoint: Checkpoint, options: Omit<BuildGraphOptions, "name"> = {}): Promise<string> {
  const parts: (string | Uint8Array)[] = [
    `subvalid-build ${BUILDER_VERSION}`,
    JSON.stringify({
      computeDtype: options.computeDtype ?? "float32",
      attention: options.attention ?? "gqa",
      modelDtype: options.modelDtype ?? null,
    }),
    checkpoint.configText,
  ];
  for (const file of checkpoint.files) parts.push(file.name, String(file.header.fileSize), file.header.rawHeader);
  return sha256Hex(parts);
}

async function readCached(dir: string): Promise<{ model: Model; build: BuildInfo } | undefined> {
  try {
    const [bytes, info] = await Promise.all([
      Deno.readFile(join(dir, "model.onnx")),
      Deno.readTextFile(join(dir, "build.json")),
    ]);
    return { model: decodeModel(bytes), build: JSON.parse(info) as BuildInfo };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.incomplete`;
  await Deno.writeFile(temp, bytes);
  await Deno.rename(temp, path);
}

/**
 * Opens a checkpoint directory (`config.json` + `model.safetensors` or an index and shards) as a
 * model source, building the graph or taking it from the build cache.
 *
 * @throws {ModelFormatError} for malformed files or weight files that resolve outside the model
 * directory
 * @throws {UnsupportedModelError} for architectures and config values the builder does not support
 */
export async function openSafetensorsModel(
  modelDir: string,
  options: OpenSafetensorsModelOptions,
): Promise<SafetensorsModelSource> {
  const { cacheDir, ...buildOptions } = options;
  const roots = await trustedRoots(modelDir);
  const checkpoint = await openCheckpoint(modelDir);
  const links: LinkedFile[] = [];
  for (const file of checkpoint.files) {
    try {
      links.push({ location: file.name, path: (await resolveModelFile(modelDir, file.name, roots)).path });
    } catch (error) {
      throw new ModelFormatError((error as Error).message, { cause: error });
    }
  }
  const key = await buildKey(checkpoint, buildOptions);
  const dir = join(cacheDir, "built", key);
  let cached = await readCached(dir);
  const hit = cached !== undefined;
  if (!cached) {
    const built = buildGraph(checkpoint, { ...buildOptions, name: modelDir });
    const build: BuildInfo = {
      architecture: built.arch.architecture,
      parameterCount: built.parameterCount,
      files: built.files,
      attention: built.attention,
      paddingSide: built.paddingSide,
      computeDtype: buildOptions.computeDtype ?? "float32",
    };
    await Deno.mkdir(dir, { recursive: true });
    await writeAtomic(join(dir, "model.onnx"), encodeModel(built.model));
    await writeAtomic(join(dir, "build.json"), encoder.encode(JSON.stringify(build, null, 2)));
    cached = { model: built.model, build };
  }
  const used = new Set(cached.build.files);
  const needed = links.filter((l) => used.has(l.location));
  // The wrapped graph depends on the graph only: other weights under the same headers (a fine-tune) share it.
  return {
    dir: modelDir,
    key: `st-${key}`,
    model: cached.model,
    links: needed,
    config: checkpoint.config,
    build: cached.build,
    buildKey: key,
    cached: hit,
    checkpoint,
  };
}
