/**
 * File digests the hub uses: the git blob id (`sha1("blob <size>\0" + bytes)`) of normal files, the
 * sha256 of LFS files, and the LFS pointer text whose git blob id a tree lists for an LFS file.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";

/** The digests of one file. */
export interface FileDigest {
  /** Size in bytes. */
  readonly size: number;
  /** Lowercase hex sha256 of the bytes. */
  readonly sha256: string;
  /** Lowercase hex git blob id (sha1 over `blob <size>\0` and the bytes). */
  readonly gitOid: string;
}

/**
 * Computes sha256 and the git blob id of a stream of chunks whose total size is known up front (git
 * hashes a header with the size before the bytes).
 *
 * @example
 * ```ts
 * import { FileDigester } from "./file_digest.ts";
 * const d = new FileDigester(0);
 * console.assert(d.digest().gitOid === "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
 * ```
 */
export class FileDigester {
  readonly #sha256: Hash = createHash("sha256");
  readonly #sha1: Hash | undefined;
  #seen = 0;

  /** `git: false` skips the git blob id (LFS files only need sha256). */
  constructor(size: number, options: { git?: boolean } = {}) {
    this.#sha1 = options.git === false ? undefined : createHash("sha1").update(`blob ${size}\0`);
  }

  /** Bytes fed so far. */
  get seen(): number {
    return this.#seen;
  }

  /** Feeds bytes. */
  update(chunk: Uint8Array): void {
    this.#sha256.update(chunk);
    this.#sha1?.update(chunk);
    this.#seen += chunk.length;
  }

  /**
   * The digests; the git id is only meaningful when exactly `size` bytes were fed, and is `""` when
   * it was not computed.
   */
  digest(): FileDigest {
    return { size: this.#seen, sha256: this.#sha256.digest("hex"), gitOid: this.#sha1?.digest("hex") ?? "" };
  }
}

/** Options of {@linkcode digestFile}. */
export interface DigestFileOptions {
  /** Called with the bytes read so far. */
  onProgress?: (bytes: number) => void;
  /** Cancels the read. */
  signal?: AbortSignal;
}

/** Reads a file once and returns its sha256 and git blob id. */
export async function digestFile(path: string | URL, options: DigestFileOptions = {}): Promise<FileDigest> {
  using file = await Deno.open(path, { read: true });
  const { size } = await file.stat();
  const digester = new FileDigester(size);
  const buffer = new Uint8Array(1 << 20);
  for (;;) {
    options.signal?.throwIfAborted();
    const n = await file.read(buffer);
    if (n === null) break;
    digester.update(buffer.subarray(0, n));
    options.onProgress?.(digester.seen);
  }
  if (digester.seen !== size) throw new Error(`File "${path}" changed size while being read`);
  return digester.digest();
}

/** The git blob id of bytes in memory. */
export function gitBlobOid(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The sha256 of bytes or text, as lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The git-lfs pointer file stored in git for an LFS file. */
export function lfsPointer(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}
