/**
 * The {@linkcode Scorer} port over scoring workers: each model in its own
 * process under the `score` permission set, with a deadline.
 *
 * @module
 */
// The score stage's worker launcher only: the validator process never loads ONNX Runtime.
import { scoreInSubprocess } from "../../score/score_in_subprocess.ts";
import type { Scorer } from "../ports.ts";

/** Options of {@linkcode liveScorer}. */
export interface LiveScorerOptions {
  /** The scoring cache. */
  cacheDir: string;
  /** `auto`, `cpu`, `cuda`, `cuda:N`. @default "auto" */
  device?: string | undefined;
  /** Token budget of a batch. @default the scorer's */
  batchTokens?: number | undefined;
  /** Deadline of one model. @default 720000 */
  timeoutMs?: number | undefined;
}

/** A scorer that runs one worker process per model. */
export function liveScorer(options: LiveScorerOptions): Scorer {
  return {
    async score(job, signal) {
      const report = await scoreInSubprocess(job.modelDir, job.samplesFile, {
        cacheDir: options.cacheDir,
        ...(options.device === undefined ? {} : { device: options.device }),
        ...(options.batchTokens === undefined ? {} : { batchTokens: options.batchTokens }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(job.tokenizerDir === undefined ? {} : { tokenizerDir: job.tokenizerDir }),
        ...(job.constraints === undefined ? {} : { constraints: job.constraints }),
        ...(signal === undefined ? {} : { signal }),
      });
      return {
        loss: report.loss,
        sampleLosses: report.samples.map((s) => s.loss),
        error: report.error,
        tokensPerSecond: report.tokensPerSecond,
        seconds: report.seconds,
        device: report.device,
      };
    },
  };
}
