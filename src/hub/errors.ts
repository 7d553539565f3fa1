/**
 * Errors of the hub stage. Per-miner problems are {@linkcode MinerModelError}s carrying the uid, hotkey
 * and a machine-readable reason; callers log them and go on with the next miner.
 *
 * @module
 */
import { ExitCode, SubvalidError, type SubvalidErrorOptions } from "../errors/mod.ts";

/** Why a miner's model could not be fetched or was rejected. */
export type MinerModelReason =
  /** The committed id does not name a valid repository or revision. */
  | "invalid_id"
  /** The repository does not exist (or is private/gated). */
  | "repo_not_found"
  /** The revision does not exist in the repository. */
  | "revision_not_found"
  /** The files at the revision add up to more than the competition allows. */
  | "too_large"
  /** Files the scorer needs are absent. */
  | "missing_files"
  /** The secure hash of the files with the hotkey differs from the committed one. */
  | "hash_mismatch"
  /** The hub answered with a client error we cannot fix by retrying (e.g. 401 on a gated repo). */
  | "hub_refused"
  /** The hub or network kept failing (retries exhausted, deadline passed). */
  | "download_failed"
  /** The hub kept sending bytes that do not match the announced size or hash. */
  | "corrupt_download"
  /** Offline, and the model is not (completely) in the cache. */
  | "not_cached"
  /** The competition id is unknown. */
  | "unknown_competition";

/** Reasons that make the model ineligible until the miner commits again. */
const PERMANENT: ReadonlySet<MinerModelReason> = new Set([
  "invalid_id",
  "repo_not_found",
  "revision_not_found",
  "too_large",
  "missing_files",
  "hash_mismatch",
  "unknown_competition",
]);

/** Options of {@linkcode MinerModelError}. */
export interface MinerModelErrorOptions extends SubvalidErrorOptions {
  /** The miner's uid, when known. */
  uid?: number | undefined;
  /** The miner's hotkey (ss58), when known. */
  hotkey?: string | undefined;
  /** `namespace/name`. */
  repo: string;
  /** The committed revision. */
  revision: string;
  /** The resolved commit, when resolution got that far. */
  commit?: string | undefined;
  /** Extra facts for logs and JSON output (sizes, missing files, hashes, quarantine path). */
  details?: Readonly<Record<string, unknown>> | undefined;
}

/** A problem with one miner's model. It never stops an epoch: catch it, record it, go on. */
export class MinerModelError extends SubvalidError {
  override readonly exitCode = ExitCode.Hub;
  readonly uid: number | undefined;
  readonly hotkey: string | undefined;
  readonly repo: string;
  readonly revision: string;
  readonly commit: string | undefined;
  readonly reason: MinerModelReason;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(reason: MinerModelReason, message: string, options: MinerModelErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.uid = options.uid;
    this.hotkey = options.hotkey;
    this.repo = options.repo;
    this.revision = options.revision;
    this.commit = options.commit;
    this.details = options.details ?? {};
  }

  /** Whether the model is ineligible until recommitted (as opposed to worth retrying later). */
  get permanent(): boolean {
    return PERMANENT.has(this.reason);
  }

  /** A JSON-friendly view. */
  toJSON(): Record<string, unknown> {
    return {
      error: this.message,
      reason: this.reason,
      permanent: this.permanent,
      uid: this.uid,
      hotkey: this.hotkey,
      repo: this.repo,
      revision: this.revision,
      commit: this.commit,
      ...this.details,
    };
  }
}

/** Not enough free disk for a download (a problem of this machine, not of the miner). */
export class DiskSpaceError extends SubvalidError {
  override readonly exitCode = ExitCode.Hub;
  /** Bytes the download needs, with the margin. */
  readonly neededBytes: number;
  /** Bytes free. */
  readonly freeBytes: number;

  constructor(message: string, neededBytes: number, freeBytes: number, options: SubvalidErrorOptions = {}) {
    super(message, options);
    this.neededBytes = neededBytes;
    this.freeBytes = freeBytes;
  }
}
