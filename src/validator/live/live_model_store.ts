/**
 * The {@linkcode ModelStore} port over the hub stage: fetch with every cheap
 * check first and the secure hash required, holds, garbage collection. A
 * miner's model problem becomes a {@linkcode ModelUnavailableError}; the
 * validator's own failures (disk, permissions) pass through unchanged.
 *
 * @module
 */
import { findDenial } from "../../errors/mod.ts";
import { collectGarbage, fetchModel, holdModel, MinerModelError } from "../../hub/mod.ts";
import { type ModelStore, ModelUnavailableError } from "../ports.ts";

/** Options of {@linkcode liveModelStore}. */
export interface LiveModelStoreOptions {
  /** The model cache (HF layout). */
  modelDir: string;
  /** The scoring cache (holds live there). */
  cacheDir: string;
  /** Hub base URL. @default "https://huggingface.co" */
  hubUrl?: string | undefined;
  /** `HF_TOKEN`. */
  token?: string | undefined;
  /** Serve only what the cache holds. @default false */
  offline?: boolean | undefined;
  /** Unreferenced models younger than this survive garbage collection. @default 300000 */
  gcGraceMs?: number | undefined;
}

/** A model store over the hub and the local cache. */
export function liveModelStore(options: LiveModelStoreOptions): ModelStore {
  return {
    async fetch(request, { maxBytes, signal }) {
      try {
        const model = await fetchModel(request.modelId, {
          modelDir: options.modelDir,
          hubUrl: options.hubUrl,
          token: options.token,
          offline: options.offline,
          hotkey: request.hotkey,
          uid: request.uid,
          requireHash: true,
          maxBytes,
          signal,
        });
        return { dir: model.dir, commit: model.commit, bytes: model.bytes };
      } catch (error) {
        // A denied path or host is the validator's own failure: it stops the epoch (exit 3).
        if (error instanceof MinerModelError && findDenial(error) === undefined) {
          throw new ModelUnavailableError(error.message, error.reason, error.permanent, { cause: error });
        }
        throw error;
      }
    },
    hold: (dir) => holdModel(dir, { cacheDir: options.cacheDir }),
    async collectGarbage(keep, { dryRun, signal } = {}) {
      const report = await collectGarbage({
        modelDir: options.modelDir,
        cacheDir: options.cacheDir,
        references: keep,
        graceMs: options.gcGraceMs,
        dryRun,
        signal,
      });
      return {
        snapshots: report.deleted.filter((item) => item.kind === "snapshot").length,
        freedBytes: report.freedBytes,
      };
    },
  };
}
