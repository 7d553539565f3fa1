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
import { defineTask } from "../src/config/mod.ts";
import { printOut, runTask } from "../src/cli/mod.ts";
import { ExitCode } from "../src/errors/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { builtInSamples, isIdsSample, readSamples, type Sample, SAMPLE_SETS } from "../src/eval/mod.ts";
import { lossesByTask, scoreInSubprocess, scoreModel, type ScoreReport } from "../src/score/mod.ts";

/** The eval task. */
export const spec = defineTask({
  name: "eval",
  summary: "One-off evaluation: score a local model directory on a samples file or a built-in sample set",
  usage: "deno task eval --model <dir> (--samples <file.jsonl> | --set <name>) [flags]",
  description: `Built-in sets: ${Object.values(SAMPLE_SETS).map((s) => `${s.name} (${s.description})`).join("; ")}.`,
  groups: ["validator", "logging"],
  flags: {
    model: { kind: "path", description: "Model directory (HF layout, onnx/model.onnx)", valueName: "<dir>" },
    samples: { kind: "path", description: 'Samples file (JSON Lines, optional "task" per line)', valueName: "<file>" },
    set: { kind: "string", description: "A built-in sample set instead of a file", choices: Object.keys(SAMPLE_SETS) },
    tokenizer: { kind: "path", description: "Use this tokenizer directory instead of the model's", valueName: "<dir>" },
    device: { kind: "string", description: "auto, cpu, cuda or cuda:N (default --validator.device)" },
    "batch-tokens": { kind: "integer", description: "Token budget of one batch", min: 1, valueName: "N" },
    timeout: { kind: "duration", description: "Deadline (default --validator.score_timeout)", min: 1 },
    "in-process": { kind: "boolean", description: "Score in this process instead of an isolated child" },
    json: { kind: "boolean", description: "Print one JSON object on stdout" },
  },
  examples: [
    "deno task eval --model tests/fixtures/models/tiny-llama --set smoke",
    "deno task eval --model ./my-model --samples eval.jsonl --tokenizer ./gpt4-tokenizer --json",
  ],
});

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
    if (flags.model === undefined) throw new TypeError("--model <dir> is required");
    if ((flags.samples === undefined) === (flags.set === undefined)) {
      throw new TypeError("Give exactly one of --samples <file.jsonl> and --set <name>");
    }
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
