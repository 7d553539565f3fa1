/**
 * Fetches many miners' models, one outcome per miner: a problem with one model never stops the others.
 *
 * @module
 */
import { getLog } from "../log/mod.ts";
import { mapPool } from "../util/mod.ts";
import { type FetchedModel, fetchModel, type FetchModelOptions } from "./fetch_model.ts";
import type { ModelRef } from "../mechanism/model_id.ts";

/** A miner and the model it committed. */
export interface MinerModel {
  readonly uid?: number | undefined;
  readonly hotkey?: string | undefined;
  readonly model: ModelRef;
}

/** What happened to one miner's model. */
export type FetchOutcome =
  | {
    readonly ok: true;
    readonly uid: number | undefined;
    readonly hotkey: string | undefined;
    readonly model: FetchedModel;
  }
  | {
    readonly ok: false;
    readonly uid: number | undefined;
    readonly hotkey: string | undefined;
    readonly error: Error;
  };

/** Options of {@linkcode fetchModels}. */
export interface FetchModelsOptions extends Omit<FetchModelOptions, "hotkey" | "uid"> {
  /** Models fetched at once. @default 1 */
  parallel?: number | undefined;
}

/**
 * Fetches each miner's model with its hotkey and uid. Errors become `{ok: false}` outcomes (typed
 * {@linkcode MinerModelError}s for model problems); only cancelling `signal` rejects.
 */
export async function fetchModels(miners: readonly MinerModel[], options: FetchModelsOptions): Promise<FetchOutcome[]> {
  const log = getLog("hub");
  return await mapPool(miners, options.parallel ?? 1, async (miner): Promise<FetchOutcome> => {
    options.signal?.throwIfAborted();
    try {
      const model = await fetchModel(miner.model, { ...options, hotkey: miner.hotkey, uid: miner.uid });
      return { ok: true, uid: miner.uid, hotkey: miner.hotkey, model };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const e = error instanceof Error ? error : new Error(String(error));
      log.warn(`Model of uid ${miner.uid ?? "?"} not fetched: ${e.message}`, {
        uid: miner.uid,
        hotkey: miner.hotkey,
        reason: (e as { reason?: string }).reason,
      });
      return { ok: false, uid: miner.uid, hotkey: miner.hotkey, error: e };
    }
  });
}
