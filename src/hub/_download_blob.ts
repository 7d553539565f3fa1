/**
 * Downloads one file into `blobs/<blob>`: under a per-blob file lock (so concurrent fetches of the same
 * model, in this process or others, never write the same file), into `<blob>.incomplete`, resuming with
 * `Range` after a failure, verified against the announced size and hash (LFS sha256 or git blob id),
 * synced, made read-only and renamed into place. A partial file never has the final name.
 *
 * @module
 */
import { join } from "node:path";
import { FileDigester } from "./file_digest.ts";
import type { HubClient, RemoteFile } from "./hub_client.ts";
import { delay, retry, type RetryOptions } from "../util/mod.ts";
import { hubRetryPolicy, TransferError } from "./http_errors.ts";

/** A blob to download. */
export interface BlobTask {
  readonly repo: string;
  readonly commit: string;
  readonly file: RemoteFile;
  /** `models--ns--name/blobs`. */
  readonly blobsDir: string;
  /** `.locks/models--ns--name`. */
  readonly locksDir: string;
}

/** What a download produced. */
export interface BlobResult {
  /** The final blob path. */
  readonly path: string;
  /** The blob name. */
  readonly blob: string;
  /** sha256 of the bytes when computed here (undefined when the blob was already present). */
  readonly sha256: string | undefined;
  /** Bytes received over the network. */
  readonly receivedBytes: number;
  /** Whether the blob was already in the cache. */
  readonly reused: boolean;
}

/** Options of {@linkcode downloadBlob}. */
export interface DownloadBlobOptions {
  retry?: RetryOptions | undefined;
  signal?: AbortSignal | undefined;
  /** Called with every chunk's size (negative when a partial file is discarded). */
  onBytes?: ((delta: number) => void) | undefined;
  /** Called before each retry. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
  /** How long to wait for another fetch holding the blob's lock. @default 3600000 */
  lockTimeoutMs?: number | undefined;
}

/** The blob name of a file: the LFS sha256, else the git blob id (as huggingface_hub names blobs). */
export function blobNameOf(file: RemoteFile): string {
  return file.lfsSha256 ?? file.blobId;
}

/** Downloads a blob (or finds it present). */
export async function downloadBlob(client: HubClient, task: BlobTask, options: DownloadBlobOptions = {}): Promise<
  BlobResult
> {
  const blob = blobNameOf(task.file);
  const path = join(task.blobsDir, blob);
  if (await hasSize(path, task.file.size)) return { path, blob, sha256: undefined, receivedBytes: 0, reused: true };
  await Deno.mkdir(task.blobsDir, { recursive: true });
  await Deno.mkdir(task.locksDir, { recursive: true });
  using _lock = await acquireLock(
    join(task.locksDir, `${blob}.lock`),
    options.lockTimeoutMs ?? 3_600_000,
    options.signal,
  );
  if (await hasSize(path, task.file.size)) return { path, blob, sha256: undefined, receivedBytes: 0, reused: true };

  const incomplete = `${path}.incomplete`;
  const state: { digester: FileDigester | undefined; received: number } = { digester: undefined, received: 0 };
  const sha256 = await retry(
    () => attempt(client, task, incomplete, state, options),
    options.retry,
    hubRetryPolicy(options.signal, options.onRetry),
  );
  await Deno.chmod(incomplete, 0o444).catch(() => {});
  await Deno.rename(incomplete, path);
  return { path, blob, sha256, receivedBytes: state.received, reused: false };
}

async function attempt(
  client: HubClient,
  task: BlobTask,
  incomplete: string,
  state: { digester: FileDigester | undefined; received: number },
  options: DownloadBlobOptions,
): Promise<string> {
  const expected = task.file.size;
  const lfs = task.file.lfsSha256 !== undefined;
  using file = await Deno.open(incomplete, { read: true, write: true, create: true });
  let have = (await file.stat()).size;
  if (have > expected) {
    await file.truncate(0);
    options.onBytes?.(-have);
    have = 0;
  }
  // The running digest must cover the bytes already on disk.
  if (state.digester === undefined || state.digester.seen !== have) {
    state.digester = new FileDigester(expected, { git: !lfs });
    await feedExisting(file, have, state.digester, options.signal);
  }
  const digester = state.digester;

  if (have < expected) {
    const opened = await client.openFile(task.repo, task.commit, task.file.path, {
      offset: have,
      signal: options.signal,
    });
    if (opened.start !== have) {
      // The server ignored the range (200) or answered another one: start over.
      await file.truncate(0);
      options.onBytes?.(-have);
      have = 0;
      state.digester = new FileDigester(expected, { git: !lfs });
      if (opened.start !== 0) {
        await opened.body.cancel();
        throw new TransferError("corrupt", `Unexpected range start ${opened.start} for "${task.file.path}"`);
      }
    }
    const current = state.digester;
    await file.seek(have, Deno.SeekMode.Start);
    let written = have;
    try {
      for await (const chunk of opened.body) {
        if (written + chunk.length > expected) {
          throw new TransferError(
            "corrupt",
            `Hub sent more than the announced ${expected} bytes of "${task.file.path}"`,
          );
        }
        await writeAll(file, chunk);
        current.update(chunk);
        written += chunk.length;
        state.received += chunk.length;
        options.onBytes?.(chunk.length);
      }
    } catch (error) {
      if (error instanceof TransferError && error.kind === "corrupt") {
        await file.truncate(0);
        options.onBytes?.(-written);
        state.digester = undefined;
        throw error;
      }
      // Keep what arrived; the next attempt resumes from it.
      throw new TransferError(
        "truncated",
        `Download of "${task.file.path}" broke off at ${written} of ${expected} bytes: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (written < expected) {
      throw new TransferError("truncated", `Download of "${task.file.path}" ended at ${written} of ${expected} bytes`);
    }
    return await verify(file, task, current, written);
  }
  return await verify(file, task, digester, have);
}

async function verify(file: Deno.FsFile, task: BlobTask, digester: FileDigester, size: number): Promise<string> {
  const digest = digester.digest();
  const ok = task.file.lfsSha256 !== undefined
    ? digest.sha256 === task.file.lfsSha256
    : digest.gitOid === task.file.blobId;
  if (!ok) {
    await file.truncate(0);
    throw new TransferError(
      "corrupt",
      `Downloaded "${task.file.path}" (${size} bytes) does not match its ${
        task.file.lfsSha256 !== undefined ? `sha256 ${task.file.lfsSha256}` : `git blob id ${task.file.blobId}`
      }`,
    );
  }
  await file.syncData();
  return digest.sha256;
}

async function feedExisting(file: Deno.FsFile, bytes: number, digester: FileDigester, signal?: AbortSignal) {
  await file.seek(0, Deno.SeekMode.Start);
  const buffer = new Uint8Array(1 << 20);
  let left = bytes;
  while (left > 0) {
    signal?.throwIfAborted();
    const n = await file.read(buffer.subarray(0, Math.min(buffer.length, left)));
    if (n === null) break;
    digester.update(buffer.subarray(0, n));
    left -= n;
  }
}

async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) offset += await file.write(chunk.subarray(offset));
}

async function hasSize(path: string, size: number): Promise<boolean> {
  try {
    const stat = await Deno.stat(path);
    return stat.isFile && stat.size === size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Takes an exclusive lock on a lock file, polling so that waiting can be cancelled and bounded. */
async function acquireLock(path: string, timeoutMs: number, signal?: AbortSignal): Promise<Disposable> {
  const file = await Deno.open(path, { read: true, write: true, create: true });
  const deadline = Date.now() + timeoutMs;
  try {
    let wait = 50;
    while (!(await file.tryLock(true))) {
      if (Date.now() > deadline) {
        throw new Error(`Cannot lock "${path}": another download held it for more than ${timeoutMs} ms`);
      }
      await delay(wait, signal);
      wait = Math.min(500, wait * 2);
    }
  } catch (error) {
    file.close();
    throw error;
  }
  return {
    [Symbol.dispose]() {
      file.close();
    },
  };
}
