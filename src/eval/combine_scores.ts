/**
 * A model's score over a competition's tasks, as the reference combines them
 * (`finetune/validation.py::score_model`, taoverse `normalize_score`; research/sn37_mechanism.md §3.5):
 * each raw task score is normalized, weighted, and summed in task order. Lower is better.
 *
 * Only the tasks whose data loaded take part. When their weights do not sum to 1 (`math.isclose`,
 * relative tolerance 1e-9) each weight is divided by their sum. When no task loaded there is nothing to
 * combine: {@linkcode combineScores} returns `undefined`, which means the step must be skipped (the
 * reference returns from `run_step` before scoring: "All datasets failed to load").
 *
 * @module
 */
import { type EvalTask, NormalizationId } from "./competitions.ts";

/**
 * Normalizes a raw task score. NONE is the identity; INVERSE_EXPONENTIAL(c) is 1 when `score >= c`
 * (Infinity included), else `(1 - e^(-score/c)) / (1 - e^-1)`. NaN stays NaN.
 *
 * @throws {TypeError} for an unknown normalization or an INVERSE_EXPONENTIAL without a ceiling
 */
export function normalizeScore(score: number, task: Pick<EvalTask, "normalizationId" | "normalizationKwargs">): number {
  switch (task.normalizationId) {
    case NormalizationId.None:
      return score;
    case NormalizationId.InverseExponential: {
      const ceiling = task.normalizationKwargs.ceiling;
      if (ceiling === undefined) throw new TypeError("Cannot normalize: INVERSE_EXPONENTIAL needs a ceiling");
      if (score >= ceiling) return 1.0;
      return (1 - Math.exp(-score / ceiling)) / (1 - Math.exp(-1));
    }
  }
  throw new TypeError(`Cannot normalize: unknown normalization id ${task.normalizationId}`);
}

/** One loaded task's raw score for one model. */
export interface TaskScore {
  readonly task: Pick<EvalTask, "name" | "weight" | "normalizationId" | "normalizationKwargs">;
  /** The method's raw score (e.g. the mean reference loss; Infinity when the model failed). */
  readonly rawScore: number;
}

/** Per-task details of a combined score (the reference's `ScoreDetails`). */
export interface ScoreDetails {
  readonly name: string;
  readonly rawScore: number;
  readonly normScore: number;
  /** The weight used: renormalized when the loaded tasks' weights do not sum to 1. */
  readonly weight: number;
  readonly weightedNormScore: number;
}

/** A model's combined score. */
export interface CombinedScore {
  /** Σ normalized score × weight, in task order. */
  readonly score: number;
  readonly details: readonly ScoreDetails[];
}

/** Python's `math.isclose(a, b)` with its defaults (rel_tol 1e-9, abs_tol 0). */
export function isClose(a: number, b: number, relTol = 1e-9): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(b - a);
  return diff <= Math.abs(relTol * b) || diff <= Math.abs(relTol * a);
}

/**
 * Combines the raw scores of the tasks whose data loaded, in the competition's task order.
 *
 * @returns `undefined` when `scores` is empty: no task loaded, the step must be skipped
 * @throws {TypeError} for a normalization that cannot be applied
 */
export function combineScores(scores: readonly TaskScore[]): CombinedScore | undefined {
  if (scores.length === 0) return undefined;
  const total = scores.reduce((sum, s) => sum + s.task.weight, 0);
  const renormalize = !isClose(total, 1.0) && total > 0;
  let score = 0;
  const details = scores.map(({ task, rawScore }) => {
    const normScore = normalizeScore(rawScore, task);
    const weight = renormalize ? task.weight / total : task.weight;
    const weightedNormScore = normScore * weight;
    score += weightedNormScore;
    return { name: task.name, rawScore, normScore, weight, weightedNormScore };
  });
  return { score, details };
}
