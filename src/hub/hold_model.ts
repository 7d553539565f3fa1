/**
 * Holds: how a scoring process tells garbage collection "I am using this model".
 *
 * Protocol: a hold is a file `<cache_dir>/holds/<uuid>.hold` (the scoring cache, which the scorer may
 * write) whose JSON names the held directory (`{"dir", "pid", "since"}`). The holder keeps the file
 * open with an exclusive `flock` for as long as it holds, and deletes it on release. GC tries to lock
 * each hold file: if it cannot, the hold is live and GC keeps everything under (or above) that
 * directory; if it can, the holder died without releasing, and GC deletes the stale hold. The kernel
 * drops the lock when a holder dies, so a crash never pins a model forever. The file is created under a
 * temporary name and renamed only once locked, so GC never sees a live hold unlocked.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";

/** A held model directory. Release it, or dispose of it with `using`/`await using`. */
export interface ModelHold extends AsyncDisposable, Disposable {
  /** The held directory (absolute). */
  readonly dir: string;
  /** The hold file. */
  readonly file: string;
  /** Releases the hold (idempotent). */
  release(): Promise<void>;
}

/** Options of {@linkcode holdModel}. */
export interface HoldModelOptions {
  /**
   * The scoring cache whose `holds/` directory records holds (`Config.validator.cacheDir`).
   * @default `<model_dir>/../subvalid-score`, where `<model_dir>` is found above a
   * `models--*` folder in `dir` (the default scoring cache)
   */
  cacheDir?: string | undefined;
}

/** The directory of hold files in a scoring cache. */
export function holdsDir(cacheDir: string): string {
  return join(cacheDir, "holds");
}

/** The default scoring cache beside a model cache (as `--validator.cache_dir` defaults). */
export function defaultCacheDir(modelDir: string): string {
  return join(dirname(resolve(modelDir)), "subvalid-score");
}

function modelDirAbove(dir: string): string | undefined {
  const parts = resolve(dir).split("/");
  const index = parts.findIndex((part) => part.startsWith("models--"));
  return index > 0 ? parts.slice(0, index).join("/") || "/" : undefined;
}

/**
 * Holds a model directory (a snapshot, or a whole `models--ns--name` folder) against garbage collection
 * until released.
 *
 * @example
 * ```ts ignore
 * import { holdModel } from "./hold_model.ts";
 * await using hold = await holdModel("/cache/hub/models--acme--tiny/snapshots/<sha>");
 * // ... score the model; GC leaves it alone until here
 * ```
 * @throws {TypeError} when no cache directory is given and none can be derived from `dir`
 */
export async function holdModel(dir: string, options: HoldModelOptions = {}): Promise<ModelHold> {
  const held = resolve(dir);
  let cacheDir = options.cacheDir;
  if (cacheDir === undefined) {
    const modelDir = modelDirAbove(held);
    if (modelDir === undefined) {
      throw new TypeError(`Cannot hold "${dir}": it is not inside a model cache; pass options.cacheDir`);
    }
    cacheDir = defaultCacheDir(modelDir);
  }
  const holds = holdsDir(cacheDir);
  await Deno.mkdir(holds, { recursive: true });
  const id = crypto.randomUUID();
  const temp = join(holds, `${id}.tmp`);
  const path = join(holds, `${id}.hold`);
  const file = await Deno.open(temp, { write: true, createNew: true });
  try {
    await file.lock(true);
    const text = JSON.stringify({ dir: held, pid: Deno.pid, since: new Date().toISOString() }) + "\n";
    await file.write(new TextEncoder().encode(text));
    await Deno.rename(temp, path);
  } catch (error) {
    file.close();
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  let released = false;
  const releaseSync = () => {
    if (released) return;
    released = true;
    try {
      Deno.removeSync(path);
    } catch { /* already gone */ }
    file.close();
  };
  return {
    dir: held,
    file: path,
    release: () => Promise.resolve(releaseSync()),
    [Symbol.asyncDispose]: () => Promise.resolve(releaseSync()),
    [Symbol.dispose]: releaseSync,
  };
}

/** Options of {@linkcode listHeldDirs}. */
export interface ListHeldDirsOptions {
  /** Delete hold files whose holder is gone. @default true */
  removeStale?: boolean;
}

/** The directories live holds protect (absolute paths). */
export async function listHeldDirs(cacheDir: string, options: ListHeldDirsOptions = {}): Promise<Set<string>> {
  const held = new Set<string>();
  const dir = holdsDir(cacheDir);
  let names: string[];
  try {
    names = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".hold")) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return held;
    throw error;
  }
  for (const name of names) {
    const path = join(dir, name);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    try {
      if (await file.tryLock(true)) {
        if (options.removeStale ?? true) await Deno.remove(path).catch(() => {});
        continue;
      }
      const text = new TextDecoder().decode(await readAll(file));
      const record = JSON.parse(text) as { dir?: unknown };
      if (typeof record.dir === "string") held.add(resolve(record.dir));
    } catch {
      // An unreadable live hold still protects nothing we can name; skip it.
    } finally {
      file.close();
    }
  }
  return held;
}

/** Whether `path` is held: a held directory is it, inside it, or contains it. */
export function isHeld(path: string, held: ReadonlySet<string>): boolean {
  const p = resolve(path);
  for (const h of held) {
    if (h === p || p.startsWith(`${h}/`) || h.startsWith(`${p}/`)) return true;
  }
  return false;
}

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(4096);
  for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) chunks.push(buffer.slice(0, n));
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
