/**
 * A Hugging Face checkpoint directory as the builder sees it: `config.json`
 * plus `model.safetensors`, or `model.safetensors.index.json` and the shards
 * its `weight_map` names (transformers prefers the single file when both
 * exist). Only headers are read.
 *
 * @module
 */
import { join } from "node:path";
import { ModelFormatError } from "./errors.ts";
import { readSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensor } from "./safetensors.ts";

/** The single-file weights name. */
export const SAFETENSORS_FILE = "model.safetensors";
/** The sharded-weights index name. */
export const SAFETENSORS_INDEX_FILE = "model.safetensors.index.json";

const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_INDEX_BYTES = 64 * 1024 * 1024;
const SHARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.safetensors$/;

/** One tensor of a checkpoint and the file that holds it. */
export interface CheckpointTensor extends SafetensorsTensor {
  /** The safetensors file name (a plain name in the checkpoint directory). */
  readonly file: string;
}

/** One weight file of a checkpoint. */
export interface CheckpointFile {
  /** File name in the checkpoint directory. */
  readonly name: string;
  /** Path of the file (may be a symlink, as in the HF cache). */
  readonly path: string;
  /** Its parsed header. */
  readonly header: SafetensorsHeader;
}

/** A checkpoint: its config and the headers of its weight files. */
export interface Checkpoint {
  /** The checkpoint directory. */
  readonly dir: string;
  /** `config.json` as text (hashed for the build cache). */
  readonly configText: string;
  /** `config.json` parsed. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The weight files, in a stable order. */
  readonly files: readonly CheckpointFile[];
  /** Every tensor by name. */
  readonly tensors: ReadonlyMap<string, CheckpointTensor>;
  /** Whether the weights come from an index and shards. */
  readonly sharded: boolean;
}

/** Whether a directory holds a safetensors checkpoint (`config.json` and weights or an index). */
export async function hasSafetensorsCheckpoint(dir: string): Promise<boolean> {
  if (!await isFile(join(dir, "config.json"))) return false;
  return await isFile(join(dir, SAFETENSORS_FILE)) || await isFile(join(dir, SAFETENSORS_INDEX_FILE));
}

/**
 * Reads `config.json` and every safetensors header of a checkpoint directory.
 *
 * @throws {ModelFormatError} when a file is missing, oversized or malformed,
 * or the index and the shards disagree
 */
export async function openCheckpoint(dir: string): Promise<Checkpoint> {
  const fail = (what: string, hint?: string): never => {
    throw new ModelFormatError(`Cannot read checkpoint "${dir}": ${what}`, {
      hint: hint ?? "The model repository must hold config.json and safetensors weights in the Hugging Face layout",
    });
  };
  const configText = await readBoundedText(join(dir, "config.json"), MAX_CONFIG_BYTES, fail);
  const config = parseObject(configText, "config.json", fail);

  const files: CheckpointFile[] = [];
  const tensors = new Map<string, CheckpointTensor>();
  let sharded = false;
  if (await isFile(join(dir, SAFETENSORS_FILE))) {
    const path = join(dir, SAFETENSORS_FILE);
    const header = await readSafetensorsHeader(path, { name: SAFETENSORS_FILE });
    files.push({ name: SAFETENSORS_FILE, path, header });
    for (const tensor of header.tensors.values()) tensors.set(tensor.name, { ...tensor, file: SAFETENSORS_FILE });
  } else if (await isFile(join(dir, SAFETENSORS_INDEX_FILE))) {
    sharded = true;
    const index = parseObject(
      await readBoundedText(join(dir, SAFETENSORS_INDEX_FILE), MAX_INDEX_BYTES, fail),
      SAFETENSORS_INDEX_FILE,
      fail,
    );
    const map = index.weight_map;
    if (typeof map !== "object" || map === null || Array.isArray(map)) {
      fail(`${SAFETENSORS_INDEX_FILE} has no "weight_map" object`);
    }
    const byFile = new Map<string, string[]>();
    for (const [tensor, file] of Object.entries(map as Record<string, unknown>)) {
      if (typeof file !== "string" || !SHARD_NAME.test(file) || file.includes("..")) {
        fail(
          `${SAFETENSORS_INDEX_FILE} maps "${tensor}" to ${JSON.stringify(file)}, not a plain .safetensors file name`,
        );
      }
      byFile.set(file as string, [...byFile.get(file as string) ?? [], tensor]);
    }
    if (byFile.size === 0) fail(`${SAFETENSORS_INDEX_FILE} has an empty "weight_map"`);
    for (const name of [...byFile.keys()].sort()) {
      const path = join(dir, name);
      if (!await isFile(path)) fail(`shard "${name}" named in ${SAFETENSORS_INDEX_FILE} is missing`);
      const header = await readSafetensorsHeader(path, { name });
      files.push({ name, path, header });
      for (const tensor of byFile.get(name)!) {
        const entry = header.tensors.get(tensor);
        if (!entry) fail(`${SAFETENSORS_INDEX_FILE} maps "${tensor}" to shard "${name}", which does not hold it`);
        tensors.set(tensor, { ...entry!, file: name });
      }
    }
  } else {
    fail(`neither ${SAFETENSORS_FILE} nor ${SAFETENSORS_INDEX_FILE} exists`);
  }
  return { dir, configText, config, files, tensors, sharded };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function readBoundedText(path: string, limit: number, fail: (what: string) => never): Promise<string> {
  let size: number;
  try {
    size = (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) fail(`"${path}" is missing`);
    throw error;
  }
  if (size > limit) fail(`"${path}" has ${size} bytes, limit is ${limit} bytes`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(await Deno.readFile(path));
  } catch (error) {
    if (error instanceof TypeError) fail(`"${path}" is not valid UTF-8`);
    throw error;
  }
}

function parseObject(text: string, name: string, fail: (what: string) => never): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`${name} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${name} is not a JSON object`);
  return value as Record<string, unknown>;
}
