/**
 * A model's score in a competition from its per-sample losses, as the
 * reference computes it (research/sn37_mechanism.md §3.3, §3.5): each
 * sample's loss rounded to bfloat16 (the reference's bf16 cross-entropy
 * returns it so), each task's score the mean over its samples, the tasks
 * normalized and weighted over those whose data loaded. A failed model, or
 * a scorer that returned the wrong number of losses, scores infinity.
 *
 * @module
 */
import { combineScores, type EvalTask } from "../eval/mod.ts";
import { roundToBfloat16 } from "../mechanism/mod.ts";
import type { ModelScore } from "./ports.ts";

/** A model's competition score and its parts. */
export interface CompetitionScore {
  /** The combined score; `Infinity` when the model failed. */
  readonly score: number;
  /** Each loaded task's score (mean of bf16-rounded sample losses). */
  readonly taskScores: ReadonlyMap<string, number>;
  /** The same means without the rounding. */
  readonly rawTaskScores: ReadonlyMap<string, number>;
  /** Why the score is infinite, when it is. */
  readonly error?: string | undefined;
}

const mean = (values: readonly number[] | undefined) =>
  values === undefined || values.length === 0 ? Infinity : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Scores a model from its scoring result.
 *
 * @param sampleTasks the task of each sample, in the order of `score.sampleLosses`
 * @param tasks the competition's tasks whose data loaded, in order
 */
export function competitionScore(
  score: Pick<ModelScore, "loss" | "sampleLosses" | "error">,
  sampleTasks: readonly string[],
  tasks: readonly Pick<EvalTask, "name" | "weight" | "normalizationId" | "normalizationKwargs">[],
  options: { bf16?: boolean | undefined } = {},
): CompetitionScore {
  const bf16 = options.bf16 ?? true;
  const rounded = new Map<string, number[]>();
  const raw = new Map<string, number[]>();
  const complete = Number.isFinite(score.loss) && score.sampleLosses.length === sampleTasks.length;
  if (complete) {
    score.sampleLosses.forEach((loss, i) => {
      const task = sampleTasks[i]!;
      if (!rounded.has(task)) rounded.set(task, []);
      if (!raw.has(task)) raw.set(task, []);
      rounded.get(task)!.push(bf16 ? roundToBfloat16(loss) : loss);
      raw.get(task)!.push(loss);
    });
  }
  const combined = combineScores(tasks.map((task) => ({ task, rawScore: mean(rounded.get(task.name)) })));
  const error = score.error ??
    (Number.isFinite(score.loss) && !complete
      ? `the scorer returned ${score.sampleLosses.length} losses for ${sampleTasks.length} samples`
      : undefined);
  return {
    score: combined?.score ?? Infinity,
    taskScores: new Map(tasks.map((t) => [t.name, mean(rounded.get(t.name))])),
    rawTaskScores: new Map(tasks.map((t) => [t.name, mean(raw.get(t.name))])),
    error,
  };
}
