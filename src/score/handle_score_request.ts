/**
 * What a scoring worker does with one request: read the samples, score the
 * model under the request's deadline, and answer with the report (a model's
 * failure is a report with `loss: null`) or, for a failure of the
 * validator's own side, `ok: false`. The worker's runnable
 * (`tasks/score_worker.ts`) only moves JSON between stdin, this function and
 * stdout.
 *
 * @module
 */
import { describeDenial, exitCodeOf, SubvalidError } from "../errors/mod.ts";
import { readSamples } from "../eval/mod.ts";
import { reportToJson } from "./report_json.ts";
import { SCORE_CONTRACT_VERSION, type ScoreRequest, type ScoreResponse } from "./score_contract.ts";
import { scoreModel, type ScoreModelOptions } from "./score_model.ts";

/** Options of {@linkcode handleScoreRequest}. */
export interface HandleScoreRequestOptions {
  /** Cancels scoring (the response is then a validator-side failure). */
  signal?: AbortSignal | undefined;
  /** Progress callback (real tokens done, total). */
  onProgress?: ScoreModelOptions["onProgress"];
}

function failure(error: unknown): ScoreResponse {
  // The worker runs under the `score` set: a denial names it.
  const denial = describeDenial(error, "score");
  const hint = denial?.hint ?? (error instanceof SubvalidError ? error.hint : undefined);
  return {
    version: SCORE_CONTRACT_VERSION,
    ok: false,
    error: {
      name: error instanceof Error ? error.name : "Error",
      message: denial?.message ?? (error instanceof Error ? error.message : String(error)),
      ...(hint === undefined ? {} : { hint }),
      exitCode: exitCodeOf(error),
    },
  };
}

/** Scores the request's model. Never throws: every outcome is a response. */
export async function handleScoreRequest(
  request: ScoreRequest,
  options: HandleScoreRequestOptions = {},
): Promise<ScoreResponse> {
  const deadline = AbortSignal.timeout(request.deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const started = performance.now();
  try {
    const samples = await readSamples(request.samplesFile);
    const report = await scoreModel(request.modelDir, samples, {
      cacheDir: request.cacheDir,
      device: request.device,
      signal,
      ...(request.tokenizerDir === undefined ? {} : { tokenizerDir: request.tokenizerDir }),
      ...(request.batchTokens === undefined ? {} : { batchTokens: request.batchTokens }),
      ...(request.padding === undefined ? {} : { padding: request.padding }),
      ...(request.threads === undefined ? {} : { threads: request.threads }),
      ...(request.constraints === undefined ? {} : { constraints: request.constraints }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return { version: SCORE_CONTRACT_VERSION, ok: true, report: reportToJson(report) };
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) {
      // The model ran past its deadline: the model's failure.
      const seconds = (performance.now() - started) / 1000;
      return {
        version: SCORE_CONTRACT_VERSION,
        ok: true,
        report: reportToJson({
          model: request.modelDir,
          device: request.device,
          loss: Infinity,
          samples: [],
          tokensPerSecond: 0,
          seconds,
          error: `Scoring timed out after ${Math.round(request.deadlineMs / 1000)} s`,
        }),
      };
    }
    return failure(error);
  }
}
