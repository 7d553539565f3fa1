/**
 * Helpers for the hub tests: fixture repositories (tests/testdata/hub, made by make_fixtures.py with
 * the Python reference hashes), generated repositories, and an independent secure-hash computation
 * (WebCrypto, explicit file order) that does not use the code under test.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The fixture directory. */
export const TESTDATA = fileURLToPath(new URL("./testdata/hub/", import.meta.url));

/** Reference hashes computed by Python (tests/testdata/hub/make_fixtures.py). */
export interface ReferenceHashes {
  readonly files: readonly string[];
  readonly "model_hash": string;
  readonly "secure_hashes": Readonly<Record<string, string>>;
}

/** The Python reference hashes by repository. */
export const HASHES: Readonly<Record<string, ReferenceHashes>> = JSON.parse(
  await Deno.readTextFile(join(TESTDATA, "hashes.json")),
);

/** A hotkey the fixtures have a reference secure hash for. */
export const HOTKEY = "5F3sa2TJAWMqDhXG6jhV4N8ko9SxwGy8TpaNS1repo5EYjQX";

/** A temporary directory removed on dispose. */
export async function tempDir(prefix = "subvalid-hub-"): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.chmod(path, 0o755).catch(() => {});
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Copies the fixture repositories into `root`. */
export async function copyFixtures(root: string): Promise<void> {
  await copyDir(join(TESTDATA, "repos"), root);
}

/** Copies a directory tree. */
export async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(join(from, entry.name), join(to, entry.name));
    else await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/** Deterministic pseudo-random bytes (xorshift), fast enough for large test files. */
export function pseudoRandomBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, Math.floor(size / 4));
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  for (let i = words.length * 4; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** Writes a repository's files under `root/<repo>/`. */
export async function writeRepo(
  root: string,
  repo: string,
  files: Readonly<Record<string, string | Uint8Array>>,
): Promise<void> {
  for (const [path, data] of Object.entries(files)) {
    const full = join(root, repo, path);
    await Deno.mkdir(dirname(full), { recursive: true });
    if (typeof data === "string") await Deno.writeTextFile(full, data);
    else await Deno.writeFile(full, data);
  }
}

/** The files of a generated ONNX-layout model with `weightBytes` of external data. */
export function onnxModelFiles(weightBytes: number, seed = 1): Record<string, string | Uint8Array> {
  return {
    "config.json": JSON.stringify({ model_type: "llama", seed }),
    "tokenizer.json": JSON.stringify({ version: "1.0", seed }),
    "tokenizer_config.json": JSON.stringify({ tokenizer_class: "PreTrainedTokenizerFast" }),
    "onnx/model.onnx": pseudoRandomBytes(2048, seed + 100),
    "onnx/model.onnx_data": pseudoRandomBytes(weightBytes, seed),
    "README.md": "# generated\n",
  };
}

async function sha256Base64(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return btoa(String.fromCharCode(...digest));
}

/**
 * The reference secure hash computed without the code under test: WebCrypto sha256, files in the order
 * given (the caller lists them in `os.walk` order by hand).
 */
export async function independentSecureHash(dir: string, filesInWalkOrder: readonly string[], hotkey: string) {
  const parts: string[] = [];
  for (const path of filesInWalkOrder) parts.push(await sha256Base64(await Deno.readFile(join(dir, path))));
  const modelHash = await sha256Base64(new TextEncoder().encode(parts.join("")));
  return { modelHash, secureHash: await sha256Base64(new TextEncoder().encode(modelHash + hotkey)) };
}
