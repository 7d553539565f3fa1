/**
 * The {@linkcode ModelStore} port over the hub stage: fetch with every cheap
 * check first and the secure hash required, holds, garbage collection. A
 * miner's model problem becomes a {@linkcode ModelUnavailableError}; the
 * validator's own failures (disk, permissions) pass through unchanged. The
 * competition limits (parameters, architecture, weight norms) are checked on
 * safetensors checkpoints, the layout miners publish; an ONNX export (a
 * subvalid layout of the local hub's fixtures) has no such checks.
 *
 * @module
 */
import {
  checkModelConstraints,
  hasSafetensorsCheckpoint,
  ModelCheckError,
  ModelFormatError,
  openCheckpoint,
  UnsupportedModelError,
} from "../../checkpoint/mod.ts";
import { findDenial } from "../../errors/mod.ts";
import { collectGarbage, fetchModel, holdModel, MinerModelError } from "../../hub/mod.ts";
import { CONSTRAINTS_REASON, type ModelStore, ModelUnavailableError } from "../ports.ts";

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
        return {
          dir: model.dir,
          commit: model.commit,
          bytes: model.bytes,
          receivedBytes: model.receivedBytes,
          cached: model.cached,
        };
      } catch (error) {
        // A denied path or host is the validator's own failure: it stops the epoch (exit 3).
        if (error instanceof MinerModelError && findDenial(error) === undefined) {
          throw new ModelUnavailableError(error.message, error.reason, error.permanent, { cause: error });
        }
        throw error;
      }
    },
    async locate(modelId, signal) {
      try {
        const model = await fetchModel(modelId, { modelDir: options.modelDir, offline: true, progress: false, signal });
        return { dir: model.dir, commit: model.commit, bytes: model.bytes };
      } catch (error) {
        if (error instanceof MinerModelError) return undefined;
        throw error;
      }
    },
    async check(model, constraints, signal) {
      if (!await hasSafetensorsCheckpoint(model.dir)) return;
      try {
        await checkModelConstraints(await openCheckpoint(model.dir), constraints, signal ? { signal } : {});
      } catch (error) {
        if (
          error instanceof ModelCheckError || error instanceof ModelFormatError ||
          error instanceof UnsupportedModelError
        ) {
          throw new ModelUnavailableError(error.message, CONSTRAINTS_REASON, true, { cause: error });
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
