#!/usr/bin/env -S deno run -P=eval
/**
 * One-off evaluation: scores a local model directory on a samples file or a
 * built-in sample set and prints the loss per task (samples carry an
 * optional `"task"`). Scoring runs isolated in a `score` child process with
 * the usual deadline, exactly as the validator runs it (`--in-process` to
 * skip the child).
 *
 * ```sh
 * deno task eval --model <dir> (--samples <file.jsonl> | --set smoke) [--tokenizer <dir>] [--device …] [--json]
 * deno run -P=eval tasks/eval.ts --help
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { checkPaths, printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode } from "../src/errors/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { builtInSamples, isIdsSample, readSamples, type Sample } from "../src/eval/mod.ts";
import { lossesByTask, scoreInSubprocess, scoreModel, type ScoreReport } from "../src/score/mod.ts";
import { spec } from "./specs/eval.ts";

export { spec };

function toJsonLine(sample: Sample): string {
  const task = sample.task === undefined ? {} : { task: sample.task };
  return JSON.stringify(
    isIdsSample(sample)
      ? { context_ids: sample.contextIds, reference_ids: sample.referenceIds, ...task }
      : { messages: sample.messages, reference: sample.reference, ...task },
  );
}

const nice = (x: number) => Number.isFinite(x) ? x.toFixed(4) : "Infinity";

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    if (flags.model === undefined) {
      throw new ConfigError("Cannot evaluate: missing --model", {
        hint: 'Pass --model <dir> and --samples <file.jsonl> or --set smoke (run "deno task eval --help")',
      });
    }
    if ((flags.samples === undefined) === (flags.set === undefined)) {
      throw new ConfigError(
        `Cannot evaluate: give exactly one of --samples and --set (${
          flags.set === undefined ? "neither" : "both"
        } given)`,
        { hint: "Pass --samples <file.jsonl> for your samples, or --set smoke for the built-in set" },
      );
    }
    await checkPaths([
      { flag: "--model", path: flags.model, kind: "directory" },
      { flag: "--samples", path: flags.samples, kind: "file" },
      { flag: "--tokenizer", path: flags.tokenizer, kind: "directory" },
    ]);
    const samples = flags.samples !== undefined ? await readSamples(flags.samples) : builtInSamples(flags.set!);
    const device = flags.device ?? config.validator.device;
    const tokens = flags["batch-tokens"] ?? config.validator.batchTokens;
    const budget = tokens === undefined ? {} : { batchTokens: tokens };
    let report: ScoreReport;
    if (flags["in-process"]) {
      report = await scoreModel(flags.model, samples, {
        cacheDir: config.validator.cacheDir,
        device,
        ...budget,
        ...(flags.tokenizer === undefined ? {} : { tokenizerDir: flags.tokenizer }),
        signal,
      });
    } else {
      await Deno.mkdir(config.validator.cacheDir, { recursive: true });
      const file = join(config.validator.cacheDir, `eval-samples-${crypto.randomUUID()}.jsonl`);
      await Deno.writeTextFile(file, samples.map(toJsonLine).join("\n") + "\n");
      try {
        report = await scoreInSubprocess(flags.model, file, {
          timeoutMs: flags.timeout ?? config.validator.scoreTimeoutMs,
          cacheDir: config.validator.cacheDir,
          device,
          ...budget,
          ...(flags.tokenizer === undefined ? {} : { tokenizerDir: flags.tokenizer }),
          signal,
        });
      } finally {
        await Deno.remove(file).catch(() => {});
      }
    }
    const tasks = lossesByTask(samples, report);
    const taskMean = [...tasks.values()].reduce((s, t) => s + t.loss, 0) / tasks.size;
    if (flags.json) {
      printOut(JSON.stringify({
        model: report.model,
        device: report.device,
        loss: Number.isFinite(taskMean) ? taskMean : null,
        tasks: Object.fromEntries(
          [...tasks].map(([name, t]) => [name, { loss: Number.isFinite(t.loss) ? t.loss : null, samples: t.samples }]),
        ),
        tokens_per_second: Math.round(report.tokensPerSecond),
        seconds: Math.round(report.seconds * 1000) / 1000,
        ...(report.error === undefined ? {} : { error: report.error }),
      }));
    } else {
      const rows = [...tasks].map(([name, t]) => ({ name, ...t }));
      printOut(formatTable(rows, [
        { header: "task", value: (r) => r.name },
        { header: "samples", value: (r) => String(r.samples), align: "right" },
        { header: "loss", value: (r) => nice(r.loss), align: "right" },
      ]));
      printOut(
        `\nmodel ${report.model} on ${report.device}: mean task loss ${nice(taskMean)}` +
          (report.error === undefined ? `, ${report.tokensPerSecond.toFixed(0)} tokens/s` : ""),
      );
    }
    if (report.error !== undefined) {
      log.error(`Model "${report.model}" scores Infinity: ${report.error}`);
      return ExitCode.Score;
    }
  });
}

if (import.meta.main) Deno.exit(await main());
