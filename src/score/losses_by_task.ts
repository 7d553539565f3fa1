/**
 * Per-task losses from one scoring report: samples carry an optional `task`;
 * a task's loss is the unweighted mean of its samples' losses (`Infinity`
 * when any of them, or the model, failed).
 *
 * @module
 */
import type { Sample } from "../eval/samples.ts";
import type { ScoreReport } from "./score_model.ts";

/** One task's result. */
export interface TaskLoss {
  /** Mean of the task's sample losses. */
  readonly loss: number;
  /** How many samples the task has. */
  readonly samples: number;
}

/**
 * Groups a report's per-sample losses by the samples' `task` (`"default"`
 * when unset), in first-seen order.
 */
export function lossesByTask(samples: readonly Sample[], report: ScoreReport): Map<string, TaskLoss> {
  const sums = new Map<string, { sum: number; n: number }>();
  samples.forEach((sample, i) => {
    const name = sample.task ?? "default";
    const entry = sums.get(name) ?? { sum: 0, n: 0 };
    entry.sum += report.samples[i]?.loss ?? Infinity;
    entry.n += 1;
    sums.set(name, entry);
  });
  return new Map([...sums].map(([name, { sum, n }]) => [name, { loss: sum / n, samples: n }]));
}
