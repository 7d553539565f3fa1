/**
 * The secure hash of a model, exactly as the reference validator computes it (taoverse
 * `get_hash_of_directory` and `get_hash_with_hotkey`):
 *
 * 1. for each file in `os.walk` order with sorted names, `b64(sha256(bytes))`, its UTF-8 fed into a
 *    running sha256 (file names are not hashed); `modelHash = b64(final digest)`;
 * 2. `secureHash = b64(sha256(utf8(modelHash + hotkey)))`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { encodeBase64 } from "../util/base64.ts";
import { digestFile } from "./file_digest.ts";
import { walkOrder } from "./file_selection.ts";

/** Options of {@linkcode computeModelHash}. */
export interface ModelHashOptions {
  /**
   * Known sha256 digests (lowercase hex) by path, e.g. verified while downloading; other files are read.
   * @default none
   */
  sha256?: ReadonlyMap<string, string>;
  /** Cancels the reads. */
  signal?: AbortSignal | undefined;
}

/**
 * The model hash over `files` (paths relative to `dir`), or over every file under `dir` when `files` is
 * not given, as the reference validator walks its snapshot directory.
 */
export async function computeModelHash(
  dir: string,
  files?: readonly string[],
  options: ModelHashOptions = {},
): Promise<string> {
  const paths = walkOrder(files ?? await listFiles(dir, ""));
  const running = createHash("sha256");
  for (const path of paths) {
    const hex = options.sha256?.get(path) ??
      (await digestFile(join(dir, path), options.signal === undefined ? {} : { signal: options.signal })).sha256;
    running.update(encodeBase64(hexToBytes(hex)));
  }
  return running.digest("base64");
}

/**
 * Binds a model hash to a hotkey: `b64(sha256(utf8(modelHash + hotkey)))`.
 *
 * @example
 * ```ts
 * import { secureHashOf } from "./secure_hash.ts";
 * console.assert(secureHashOf("abc", "5Hotkey") === "q3Qe2tZkbRomNB3EPaUu19A6u2QoovGAFaYLn6AMiNM=");
 * ```
 */
export function secureHashOf(modelHash: string, hotkey: string): string {
  return createHash("sha256").update(modelHash + hotkey, "utf8").digest("base64");
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

async function listFiles(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    // os.walk does not descend into symlinked directories by default; symlinked files are hashed.
    if (entry.isDirectory) out.push(...await listFiles(dir, rel));
    else if (entry.isFile) out.push(rel);
    else if (entry.isSymlink) {
      const stat = await Deno.stat(join(dir, rel)).catch(() => undefined);
      if (stat?.isFile) out.push(rel);
    }
  }
  return out;
}
