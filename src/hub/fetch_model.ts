/**
 * Fetches a miner's model at its exact commit: cheap checks first (the revision resolves to a commit, the
 * repository's total size is within the competition's `max_bytes`, the needed files exist, the disk has
 * room), then only the needed files, concurrently and resumably, into the Hugging Face cache layout
 * (snapshot entries hard-linked to blobs), then the secure hash check. Offline, it serves only what the
 * cache holds. Every problem with the model is a {@linkcode MinerModelError}.
 *
 * @module
 */
import { getCompetition } from "../eval/competitions.ts";
import { getLog } from "../log/mod.ts";
import { type FetchedFiles, fromCache } from "./_from_cache.ts";
import { fromHub, hubFailure } from "./_from_hub.ts";
import { MinerModelError, type MinerModelReason } from "./errors.ts";
import type { ModelLayout } from "./file_selection.ts";
import type { ManifestFile } from "./hf_cache.ts";
import { HubClient, type RemoteRevision } from "./hub_client.ts";
import { describeInvalidModelId, type ModelRef, repoIdOf } from "../mechanism/model_id.ts";
import { quarantineModel } from "./quarantine.ts";
import type { RetryOptions } from "../util/mod.ts";
import { secureHashOf } from "./secure_hash.ts";

/** The verdict of the secure hash check. */
export type HashVerdict = "ok" | "mismatch" | "unchecked";

/** Options of {@linkcode fetchModel}. */
export interface FetchModelOptions {
  /** The model cache (Hugging Face layout), e.g. `Config.validator.modelDir`. */
  modelDir: string;
  /** Hub base URL. @default "https://huggingface.co" */
  hubUrl?: string | undefined;
  /** Access token (`HF_TOKEN`). @default none */
  token?: string | undefined;
  /** Serve only what the cache holds (`HF_HUB_OFFLINE=1`, `--offline`). @default false */
  offline?: boolean | undefined;
  /** The miner's hotkey: with `ref.secureHash`, the secure hash is checked. @default none (unchecked) */
  hotkey?: string | undefined;
  /** The miner's uid, for errors and logs. */
  uid?: number | undefined;
  /** Treat a missing hotkey or secure hash as a mismatch (the validator's rule). @default false */
  requireHash?: boolean | undefined;
  /** Size limit of the repository at the commit. @default the competition's `maxBytes`, else no limit */
  maxBytes?: number | undefined;
  /** Which files make the model. @default "auto" (ONNX when present, else safetensors) */
  layout?: ModelLayout | "auto" | undefined;
  /** Files downloaded at once. @default 4 */
  concurrency?: number | undefined;
  /** Retries per file and for metadata. @default 5 attempts, backoff from 1 s, Retry-After honoured */
  retry?: RetryOptions | undefined;
  /** Deadline for response headers. @default 30000 */
  requestTimeoutMs?: number | undefined;
  /** Deadline between body chunks. @default 60000 */
  idleTimeoutMs?: number | undefined;
  /** Free space to keep beyond the download. @default 1073741824 (1 GiB) */
  freeSpaceMarginBytes?: number | undefined;
  /** Recompute the model hash of a cached snapshot instead of trusting its manifest. @default false */
  rehash?: boolean | undefined;
  /** Show download progress (a bar on a TTY, else a log line every 10 s). @default true */
  progress?: boolean | undefined;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Cancels the fetch. */
  signal?: AbortSignal | undefined;
}

/** A fetched (or cached) model. */
export interface FetchedModel {
  /** `namespace/name`. */
  readonly repo: string;
  /** The committed revision. */
  readonly revision: string;
  /** The exact commit. */
  readonly commit: string;
  /** The snapshot directory (`…/models--ns--name/snapshots/<commit>`). */
  readonly dir: string;
  readonly layout: ModelLayout;
  /** The model's files (the hashed set). */
  readonly files: readonly ManifestFile[];
  /** Σ size of the model's files. */
  readonly bytes: number;
  /** Σ size of every file of the repository at the commit (0 when unknown offline). */
  readonly totalBytes: number;
  /** Bytes received over the network by this call. */
  readonly receivedBytes: number;
  /** Wall time of this call. */
  readonly seconds: number;
  /** The hotkey-independent model hash. */
  readonly modelHash: string;
  /** `b64(sha256(modelHash + hotkey))`, when a hotkey was given. */
  readonly secureHash: string | undefined;
  readonly hash: HashVerdict;
  /** Whether every file was already in the cache. */
  readonly cached: boolean;
}

/**
 * Fetches a model into the cache and checks it.
 *
 * @throws {MinerModelError} for every problem with the model (its `reason` says which; `permanent` says
 * whether it is ineligible until recommitted)
 * @throws {DiskSpaceError} when the download would not fit
 */
export async function fetchModel(ref: ModelRef, options: FetchModelOptions): Promise<FetchedModel> {
  const started = performance.now();
  const repo = repoIdOf(ref);
  const revision = ref.commit ?? "None";
  const log = getLog("hub").with({ repo, revision, ...(options.uid === undefined ? {} : { uid: options.uid }) });
  const fail = (
    reason: MinerModelReason,
    message: string,
    extra: { commit?: string; details?: Record<string, unknown>; cause?: unknown; hint?: string } = {},
  ) =>
    new MinerModelError(reason, message, {
      uid: options.uid,
      hotkey: options.hotkey,
      repo,
      revision,
      commit: extra.commit,
      details: extra.details,
      cause: extra.cause,
      ...(extra.hint === undefined ? {} : { hint: extra.hint }),
    });

  const invalid = describeInvalidModelId(ref);
  if (invalid !== undefined) throw fail("invalid_id", `Cannot fetch model "${repo}": ${invalid}`);
  let maxBytes = options.maxBytes;
  if (ref.competitionId !== undefined && ref.competitionId !== null) {
    const competition = getCompetition(ref.competitionId);
    if (competition === undefined) {
      throw fail("unknown_competition", `Cannot fetch model "${repo}": competition ${ref.competitionId} is unknown`);
    }
    maxBytes ??= competition.maxBytes;
  }
  const modelDir = options.modelDir;

  let result: FetchedFiles;
  if (options.offline) {
    result = await fromCache(ref, revision, modelDir, maxBytes, options, fail);
  } else {
    const client = new HubClient({
      hubUrl: options.hubUrl,
      token: options.token,
      retry: options.retry,
      requestTimeoutMs: options.requestTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      fetch: options.fetch,
    });
    let remote: RemoteRevision;
    try {
      remote = await client.revisionInfo(repo, revision, { signal: options.signal });
    } catch (error) {
      throw hubFailure(error, `Cannot resolve model "${repo}" at revision "${revision}"`, fail, options.signal);
    }
    const commit = remote.commit;
    if (maxBytes !== undefined && remote.totalBytes > maxBytes) {
      throw fail(
        "too_large",
        `Cannot download model "${repo}": size is ${remote.totalBytes} bytes, limit is ${maxBytes} bytes`,
        { commit, details: { totalBytes: remote.totalBytes, maxBytes } },
      );
    }
    result = await fromHub(client, remote, modelDir, options, fail, log);
  }

  const { modelHash, commit, dir } = result;
  let hash: HashVerdict = "unchecked";
  let secureHash: string | undefined;
  if (options.hotkey !== undefined) secureHash = secureHashOf(modelHash, options.hotkey);
  const expected = ref.secureHash ?? undefined;
  if (secureHash !== undefined && expected !== undefined && expected !== "None") {
    hash = secureHash === expected ? "ok" : "mismatch";
  } else if (options.requireHash) {
    hash = "mismatch";
  }
  if (hash === "mismatch") {
    const quarantine = await quarantineModel(modelDir, dir, {
      repo,
      revision,
      commit,
      uid: options.uid,
      hotkey: options.hotkey,
      reason: "hash_mismatch",
      expectedSecureHash: ref.secureHash,
      computedSecureHash: secureHash,
      modelHash,
      files: result.files.map((f) => f.path),
    });
    log.warn("Secure hash mismatch: model quarantined and ineligible", { commit, quarantine });
    throw fail(
      "hash_mismatch",
      `Cannot accept model "${repo}" at commit ${commit}: secure hash is "${secureHash ?? "none (no hotkey)"}", ` +
        `the commitment says "${ref.secureHash ?? "none"}"`,
      {
        commit,
        details: { expected: ref.secureHash ?? null, computed: secureHash ?? null, modelHash, quarantine, path: dir },
      },
    );
  }
  return { ...result, secureHash, hash, seconds: (performance.now() - started) / 1000 };
}
