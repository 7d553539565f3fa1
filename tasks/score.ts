#!/usr/bin/env -S deno run -P=score
/**
 * Scores one model: per-sample losses (mean negative log-likelihood of the
 * reference tokens) with ONNX Runtime on CUDA or the CPU. Runs under the
 * `score` permission set: no network, no wallet, read-only model cache,
 * writes only the scoring cache. A model that fails scores `Infinity`
 * (`"loss": null` and `"error"` in JSON, exit code 8).
 *
 * ```sh
 * deno task score --model <dir> --samples <file.jsonl> [--tokenizer <dir>] [--device auto|cpu|cuda|cuda:N]
 *                 [--batch-tokens N] [--timeout S] [--json]
 * deno run -P=score tasks/score.ts --help
 * ```
 *
 * @module
 */
import { checkPaths, printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode } from "../src/errors/mod.ts";
import { createProgress, formatSeconds } from "../src/log/mod.ts";
import { readSamples } from "../src/eval/mod.ts";
import { reportToJson, scoreModel, type ScoreReport } from "../src/score/mod.ts";
import { constraintsFor, type ModelConstraints } from "../src/checkpoint/mod.ts";
import { COMPETITIONS, getCompetition } from "../src/eval/competitions.ts";
import { spec } from "./specs/score.ts";

export { spec };

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    if (flags.model === undefined || flags.samples === undefined) {
      const missing = [flags.model === undefined ? "--model" : "", flags.samples === undefined ? "--samples" : ""];
      throw new ConfigError(`Cannot score: missing ${missing.filter(Boolean).join(" and ")}`, {
        hint: 'Pass --model <dir> and --samples <file.jsonl> (run "deno task score --help" for the flags)',
      });
    }
    await checkPaths([
      { flag: "--model", path: flags.model, kind: "directory" },
      { flag: "--samples", path: flags.samples, kind: "file" },
      { flag: "--tokenizer", path: flags.tokenizer, kind: "directory" },
    ]);
    const samples = await readSamples(flags.samples);
    const timeoutMs = flags.timeout ?? config.validator.scoreTimeoutMs;
    const progress = createProgress(`Scoring ${flags.model}`, { unit: "tokens" });
    const deadline = AbortSignal.timeout(timeoutMs);
    const tokens = flags["batch-tokens"] ?? config.validator.batchTokens;
    const budget = tokens === undefined ? {} : { batchTokens: tokens };
    const scoring = scoreModel(flags.model, samples, {
      cacheDir: config.validator.cacheDir,
      device: flags.device ?? config.validator.device,
      ...budget,
      padding: flags.padding === "left" ? "left" : "right",
      ...(flags.tokenizer === undefined ? {} : { tokenizerDir: flags.tokenizer }),
      ...(flags.threads === undefined ? {} : { threads: flags.threads }),
      ...(flags.competition === undefined ? {} : { constraints: competitionConstraints(flags.competition) }),
      onProgress: (done, total) => {
        progress.setTotal(total);
        progress.set(done);
      },
      signal: AbortSignal.any([signal, deadline]),
    });
    const started = performance.now();
    const timedOut = new Promise<ScoreReport>((resolve) => {
      const onTimeout = () =>
        resolve({
          model: flags.model!,
          device: flags.device ?? config.validator.device,
          loss: Infinity,
          samples: [],
          tokensPerSecond: 0,
          seconds: (performance.now() - started) / 1000,
          error: `Scoring timed out after ${formatSeconds(timeoutMs / 1000)}`,
        });
      deadline.addEventListener("abort", onTimeout, { once: true });
    });
    const report = await Promise.race([
      scoring.catch((error) => {
        if (deadline.aborted) return timedOut;
        throw error;
      }),
      timedOut,
    ]);
    if (Number.isFinite(report.loss)) progress.done();
    else progress.fail();
    if (flags.json) {
      printOut(JSON.stringify(reportToJson(report)));
    } else if (report.error !== undefined) {
      printOut(`model    ${report.model}\nloss     Infinity\nerror    ${report.error}`);
    } else {
      printOut(
        [
          `model    ${report.model}`,
          `device   ${report.device}`,
          `loss     ${report.loss.toFixed(6)} (mean of ${report.samples.length} samples)`,
          `speed    ${report.tokensPerSecond.toFixed(0)} tokens/s`,
          `time     ${formatSeconds(report.seconds)}`,
        ].join("\n"),
      );
    }
    if (report.error !== undefined) {
      log.error(`Model "${report.model}" scores Infinity: ${report.error}`);
      return ExitCode.Score;
    }
    return ExitCode.Ok;
  });
}

/** The model constraints of a competition id. */
function competitionConstraints(id: number): ModelConstraints {
  const competition = getCompetition(id);
  if (competition === undefined) {
    throw new ConfigError(`Unknown competition ${id}: known ids are ${[...COMPETITIONS.keys()].join(", ")}`);
  }
  return constraintsFor(competition);
}

if (import.meta.main) Deno.exit(await main());
