/**
 * Whether a model already evaluated deserves another evaluation
 * (`model/retry.py::should_retry_model`): never evaluated; or last time it
 * beat the top model's raw score but not its epsilon advantage, and the
 * advantage has shrunk since; or it failed once (one retry).
 *
 * @module
 */
import { epsilon, type EpsilonDecay } from "../mechanism/mod.ts";
import type { EvalResult } from "../state/mod.ts";

/** Whether to force a re-check of a model with this eval history (oldest first). */
export function shouldRetryModel(decay: EpsilonDecay, currentBlock: number, history: readonly EvalResult[]): boolean {
  if (history.length === 0) return true;
  const lastFinite = history.findLast((result) => Number.isFinite(result.score));
  if (lastFinite !== undefined) {
    if (lastFinite.score > lastFinite.winningScore) return false;
    const eps = epsilon(decay, currentBlock, lastFinite.winningBlock);
    return lastFinite.score < lastFinite.winningScore * (1 - eps);
  }
  return history.length < 2;
}
