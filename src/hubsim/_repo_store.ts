/**
 * Repositories on disk as the local hub sees them: `ROOT/<namespace>/<name>/` for models and
 * `ROOT/datasets/<namespace>/<name>/` for datasets. A repository's files are its `main`; its commit is a
 * digest of every (path, content) pair, so any change makes a new commit. Commits seen by this process
 * stay servable: their file lists are remembered, small files are kept in memory, and larger files are
 * served from disk while they are unchanged.
 *
 * @module
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { FileDigester, gitBlobOid, lfsPointer } from "../hub/file_digest.ts";

/** Repository kinds the hub serves. */
export type RepoKind = "model" | "dataset";

/** One file of a commit. */
export interface RepoFile {
  /** Path inside the repository, `/`-separated. */
  readonly path: string;
  readonly size: number;
  /** Git blob id: of the bytes, or of the LFS pointer for LFS files. */
  readonly oid: string;
  /** Present for LFS files. */
  readonly lfs: { readonly sha256: string; readonly size: number; readonly pointerSize: number } | undefined;
  /** Lowercase hex sha256 of the bytes. */
  readonly sha256: string;
  /** Where the bytes were read from. */
  readonly absPath: string;
  /** The stat signature the digests belong to. */
  readonly signature: string;
  /** Modification time in milliseconds since the epoch. */
  readonly mtimeMs: number;
  /** The bytes, kept for small files so that older commits stay servable. */
  readonly bytes: Uint8Array | undefined;
}

/** One commit of a repository. */
export interface RepoCommit {
  readonly kind: RepoKind;
  /** `namespace/name`. */
  readonly repo: string;
  /** 40-hex commit id. */
  readonly sha: string;
  /** Files by path, sorted by path. */
  readonly files: ReadonlyMap<string, RepoFile>;
  /** Every directory path that holds a file (not the root). */
  readonly dirs: ReadonlySet<string>;
  /** The newest file modification time. */
  readonly lastModified: Date;
}

/** Why a lookup failed; maps to the hub's `X-Error-Code`. */
export type LookupError = "RepoNotFound" | "RevisionNotFound";

/** The result of {@linkcode RepoStore.resolve}. */
export type Lookup = { ok: true; commit: RepoCommit } | { ok: false; error: LookupError };

/** Patterns of the default Hugging Face `.gitattributes` (files stored with git-lfs), plus ONNX data. */
const LFS_PATTERNS: readonly RegExp[] = [
  /\.(7z|arrow|bin|bz2|ckpt|ftz|gz|h5|joblib|mlmodel|model|msgpack|npy|npz|onnx|ot|parquet|pb|pickle|pkl|pt|pth|rar|safetensors|tar|tflite|tgz|wasm|xz|zip|zst)$/,
  /\.onnx_data(_\d+)?$/,
  /\.onnx\.data$/,
  /\.tar\./,
  /tfevents/,
  /(^|\/)saved_model\//,
];
/** Files above this size are LFS files on the real hub. */
const LFS_THRESHOLD = 10 * 1024 * 1024;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Namespaces that would make URLs ambiguous. */
const RESERVED_NAMESPACES = new Set(["api", "datasets", "spaces", "_cdn", "_hubsim"]);

/** Whether `namespace/name` is a valid repository id for the local hub. */
export function isValidRepoId(namespace: string, name: string): boolean {
  return NAME.test(namespace) && NAME.test(name) && !name.includes("..") && !namespace.includes("..");
}

/** Whether the hub treats this file as an LFS file. */
export function isLfsPath(path: string, size: number): boolean {
  return size > LFS_THRESHOLD || LFS_PATTERNS.some((pattern) => pattern.test(path));
}

/** Options of {@linkcode RepoStore}. */
export interface RepoStoreOptions {
  /** Files up to this size are kept in memory per commit so older commits stay servable. @default 1048576 */
  retainBytes?: number;
}

/** Scans repositories and remembers every commit it has seen. */
export class RepoStore {
  readonly root: string;
  readonly #retainBytes: number;
  /** Digest cache by absolute path. */
  readonly #digests = new Map<string, RepoFile>();
  /** Commits seen, by `kind:repo`, then sha. */
  readonly #commits = new Map<string, Map<string, RepoCommit>>();
  /** Scans in flight by `kind:repo`. */
  readonly #scans = new Map<string, Promise<RepoCommit | undefined>>();

  constructor(root: string, options: RepoStoreOptions = {}) {
    this.root = root;
    this.#retainBytes = options.retainBytes ?? 1024 * 1024;
  }

  /** The directory of a repository. */
  repoDir(kind: RepoKind, repo: string): string {
    const [namespace, name] = repo.split("/") as [string, string];
    return kind === "model" ? join(this.root, namespace, name) : join(this.root, "datasets", namespace, name);
  }

  /** Lists repositories on disk (`namespace/name`). */
  async list(kind: RepoKind): Promise<string[]> {
    const base = kind === "model" ? this.root : join(this.root, "datasets");
    const repos: string[] = [];
    for (const namespace of await readDirNames(base)) {
      if (kind === "model" && RESERVED_NAMESPACES.has(namespace)) continue;
      for (const name of await readDirNames(join(base, namespace))) {
        if (isValidRepoId(namespace, name)) repos.push(`${namespace}/${name}`);
      }
    }
    return repos.sort();
  }

  /**
   * Resolves a revision: `main`/`HEAD`/absent is the files on disk now; a 40-hex sha is a commit
   * seen by this process (or the current one).
   */
  async resolve(kind: RepoKind, repo: string, revision: string | undefined): Promise<Lookup> {
    const [namespace = "", name = ""] = repo.split("/");
    if (!isValidRepoId(namespace, name) || (kind === "model" && RESERVED_NAMESPACES.has(namespace))) {
      return { ok: false, error: "RepoNotFound" };
    }
    const head = await this.#scan(kind, repo);
    if (head === undefined) return { ok: false, error: "RepoNotFound" };
    if (revision === undefined || revision === "main" || revision === "HEAD" || revision === head.sha) {
      return { ok: true, commit: head };
    }
    const old = this.#commits.get(`${kind}:${repo}`)?.get(revision.toLowerCase());
    return old === undefined ? { ok: false, error: "RevisionNotFound" } : { ok: true, commit: old };
  }

  /**
   * Opens a file of a commit for reading: from memory, or from disk while it is unchanged. Returns
   * `undefined` when the bytes of an older commit are gone.
   */
  async open(file: RepoFile): Promise<{ bytes: Uint8Array } | { file: Deno.FsFile } | undefined> {
    if (file.bytes !== undefined) return { bytes: file.bytes };
    let handle: Deno.FsFile;
    try {
      handle = await Deno.open(file.absPath, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    const stat = await handle.stat();
    if (signatureOf(stat) !== file.signature) {
      handle.close();
      return undefined;
    }
    return { file: handle };
  }

  #scan(kind: RepoKind, repo: string): Promise<RepoCommit | undefined> {
    const key = `${kind}:${repo}`;
    let scan = this.#scans.get(key);
    if (scan === undefined) {
      scan = this.#doScan(kind, repo).finally(() => this.#scans.delete(key));
      this.#scans.set(key, scan);
    }
    return scan;
  }

  async #doScan(kind: RepoKind, repo: string): Promise<RepoCommit | undefined> {
    const dir = this.repoDir(kind, repo);
    try {
      if (!(await Deno.stat(dir)).isDirectory) return undefined;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    const paths = (await walkFiles(dir, "")).sort();
    const files = new Map<string, RepoFile>();
    const dirs = new Set<string>();
    let newest = 0;
    for (const path of paths) {
      const absPath = join(dir, path);
      const file = await this.#digest(absPath, path);
      files.set(path, file);
      newest = Math.max(newest, file.mtimeMs);
      const parts = path.split("/");
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    }
    const hash = createHash("sha1").update(`subvalid-hubsim ${kind} ${repo}\n`);
    for (const file of files.values()) hash.update(`${file.oid} ${file.path}\n`);
    const sha = hash.digest("hex");
    const key = `${kind}:${repo}`;
    const known = this.#commits.get(key) ?? new Map<string, RepoCommit>();
    this.#commits.set(key, known);
    const existing = known.get(sha);
    if (existing !== undefined) return existing;
    const commit: RepoCommit = { kind, repo, sha, files, dirs, lastModified: new Date(newest || Date.now()) };
    known.set(sha, commit);
    return commit;
  }

  async #digest(absPath: string, path: string): Promise<RepoFile> {
    const stat = await Deno.stat(absPath);
    const signature = signatureOf(stat);
    const cached = this.#digests.get(absPath);
    if (cached !== undefined && cached.signature === signature && cached.path === path) return cached;
    const size = stat.size;
    let bytes: Uint8Array | undefined;
    let sha256: string;
    let gitOid: string;
    if (size <= this.#retainBytes) {
      bytes = await Deno.readFile(absPath);
      const digester = new FileDigester(bytes.length);
      digester.update(bytes);
      ({ sha256, gitOid } = digester.digest());
    } else {
      using file = await Deno.open(absPath, { read: true });
      const digester = new FileDigester(size);
      const buffer = new Uint8Array(1 << 20);
      for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
        digester.update(buffer.subarray(0, n));
      }
      ({ sha256, gitOid } = digester.digest());
    }
    const lfs = isLfsPath(path, size);
    const pointer = lfsPointer(sha256, size);
    const file: RepoFile = {
      path,
      size: bytes?.length ?? size,
      oid: lfs ? gitBlobOid(new TextEncoder().encode(pointer)) : gitOid,
      lfs: lfs ? { sha256, size, pointerSize: new TextEncoder().encode(pointer).length } : undefined,
      sha256,
      absPath,
      signature,
      mtimeMs: stat.mtime?.getTime() ?? 0,
      bytes,
    };
    this.#digests.set(absPath, file);
    return file;
  }
}

function signatureOf(stat: Deno.FileInfo): string {
  return `${stat.ino ?? 0}:${stat.size}:${stat.mtime?.getTime() ?? 0}:${stat.ctime?.getTime() ?? 0}`;
}

async function readDirNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isDirectory) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names;
}

async function walkFiles(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name === ".git" || entry.name.endsWith(".incomplete")) continue;
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) {
      out.push(...await walkFiles(join(dir, entry.name), rel));
    } else if (entry.isFile) {
      out.push(rel);
    } else if (entry.isSymlink) {
      const stat = await Deno.stat(join(dir, entry.name)).catch(() => undefined);
      if (stat?.isFile) out.push(rel);
    }
  }
  return out;
}
