#!/usr/bin/env -S deno run -P=eval
/**
 * One-off evaluation, as miners use it before they commit: a local model
 * directory or a Hub repository (`ns/name[@revision]`), checked against the
 * competition's limits (reported, not skipped), scored on the competition's
 * real data exactly as a validator scores it (the sync block's draw, the
 * competition's tokenizer, bf16-rounded losses, normalization and weights),
 * optionally side by side with the current leaders, with the win rate it
 * would get and the score it must beat. Each model is scored in its own
 * worker, as the validator does. `--samples`/`--set` score a samples file or
 * a built-in set instead.
 *
 * ```sh
 * deno task eval --model ./my-model [--competition 4] [--block-hash 0x… | --block N | --seed N] [--compare top:3] [--json]
 * deno task eval --model me/my-model@main --compare top --subtensor.network finney
 * deno task eval --model <dir> (--samples <file.jsonl> | --set smoke)
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { connectChain, readGenesisHash } from "../src/chain/mod.ts";
import { checkPaths, printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode } from "../src/errors/mod.ts";
import {
  builtInSamples,
  competitionAt,
  competitionsAt,
  DEMO_SCHEDULE,
  type EvalTask,
  isIdsSample,
  prepareEvalData,
  readSamples,
  type Sample,
  type ScheduledCompetition,
  SN37_SCHEDULE,
  syncBlock,
} from "../src/eval/mod.ts";
import { loadCompetitionTokenizer } from "../src/hub/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { lossesByTask, scoreModel } from "../src/score/mod.ts";
import { type ChainReader, compareModels, competitionScore } from "../src/validator/mod.ts";
import {
  checkModel,
  liveChainReader,
  resolveContenders,
  type ResolvedModel,
  resolveModel,
  scoreModels,
} from "../src/validator/live/mod.ts";
import { spec } from "./specs/eval.ts";

export { spec };

const nice = (x: number) => Number.isFinite(x) ? x.toFixed(4) : "inf";
const finite = (x: number) => Number.isFinite(x) ? x : null;

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags, validator } = config;
    if (flags.model === undefined) {
      throw new ConfigError("Cannot evaluate: missing --model", {
        hint: 'Pass --model <dir> or --model <namespace/name[@revision]> (run "deno task eval --help")',
      });
    }
    if (flags.samples !== undefined && flags.set !== undefined) {
      throw new ConfigError("Cannot evaluate: give one of --samples and --set, not both", {
        hint: "Pass --samples <file.jsonl> for your samples, or --set smoke for the built-in set",
      });
    }
    await checkPaths([
      { flag: "--samples", path: flags.samples, kind: "file" },
      { flag: "--tokenizer", path: flags.tokenizer, kind: "directory" },
    ]);

    const sources = [flags.block, flags["block-hash"], flags.seed].filter((x) => x !== undefined).length;
    if (sources > 1) throw new ConfigError("Give at most one of --block, --block-hash and --seed");
    const scoreOptions = {
      cacheDir: validator.cacheDir,
      device: flags.device ?? validator.device,
      batchTokens: flags["batch-tokens"] ?? validator.batchTokens,
      timeoutMs: flags.timeout ?? validator.scoreTimeoutMs,
      signal,
    };
    const fetchOptions = {
      modelDir: validator.modelDir,
      hubUrl: config.hub.url,
      token: config.hub.token,
      offline: config.hub.offline,
      signal,
      // A model directory is found where the command was typed.
      cwd: Deno.env.get("INIT_CWD"),
    };

    // --samples / --set: a samples file or a built-in set, per-task mean losses.
    if (flags.samples !== undefined || flags.set !== undefined) {
      const samples = flags.samples !== undefined ? await readSamples(flags.samples) : builtInSamples(flags.set!);
      const { model } = await resolveModel(flags.model, fetchOptions);
      const report = flags["in-process"]
        ? await scoreModel(model.dir, samples, {
          cacheDir: validator.cacheDir,
          device: scoreOptions.device,
          ...(scoreOptions.batchTokens === undefined ? {} : { batchTokens: scoreOptions.batchTokens }),
          ...(flags.tokenizer === undefined ? {} : { tokenizerDir: flags.tokenizer }),
          signal,
        })
        : await scoreFile(model, samples, flags.tokenizer, scoreOptions);
      const tasks = lossesByTask(samples, report);
      const mean = [...tasks.values()].reduce((s, t) => s + t.loss, 0) / tasks.size;
      if (flags.json) {
        printOut(JSON.stringify({
          model: model.label,
          device: report.device,
          loss: finite(mean),
          tasks: Object.fromEntries(
            [...tasks].map(([name, t]) => [name, { loss: finite(t.loss), samples: t.samples }]),
          ),
          "tokens_per_second": Math.round(report.tokensPerSecond),
          seconds: Math.round(report.seconds * 1000) / 1000,
          ...(report.error === undefined ? {} : { error: report.error }),
        }));
      } else {
        printOut(formatTable([...tasks].map(([name, t]) => ({ name, ...t })), [
          { header: "task", value: (r) => r.name },
          { header: "samples", value: (r) => String(r.samples), align: "right" },
          { header: "loss", value: (r) => nice(r.loss), align: "right" },
        ]));
        printOut(
          `\nmodel ${model.label} on ${report.device}: mean task loss ${nice(mean)}` +
            (report.error === undefined ? `, ${report.tokensPerSecond.toFixed(0)} tokens/s` : ""),
        );
      }
      if (report.error !== undefined) {
        log.error(`Model "${model.label}" scores Infinity: ${report.error}`);
        return ExitCode.Score;
      }
      return;
    }

    // The competition's data, as a validator draws it.
    const schedule = flags["validator.schedule"] === "local" ? DEMO_SCHEDULE : SN37_SCHEDULE;
    const sync = { genesis: flags["validator.sync_genesis"], cadence: flags["validator.sync_cadence"] };
    const chainCompare = /^(top(:\d+)?|\d+(,\d+)*)$/.test(flags.compare ?? "");
    const needsChain = !config.offline &&
      (flags.block !== undefined || sources === 0 || chainCompare || flags["commit-block"] === undefined);
    await using client = needsChain ? await connectChain(config.subtensor.chainEndpoint, { signal }) : undefined;
    const chain: ChainReader | undefined = client === undefined ? undefined : liveChainReader(client, config.netuid);
    if (client !== undefined) log.debug("Connected", { genesis: readGenesisHash(client) });
    const head = chain === undefined ? undefined : await chain.head(signal);
    const at = flags.block ?? head?.block ?? schedule.at(-1)!.startBlock;
    const competition: ScheduledCompetition | undefined = flags.competition === undefined
      ? competitionsAt(at, { schedule })[0]
      : competitionAt(flags.competition, at, { schedule });
    if (competition === undefined) {
      throw new ConfigError(
        `Competition ${flags.competition} is not scheduled at block ${at}: scheduled are ${
          competitionsAt(at, { schedule }).map((c) => c.id).join(", ")
        }`,
      );
    }
    let source: { blockHash: string; syncBlock?: number } | { seed: bigint };
    if (flags["block-hash"] !== undefined) {
      if (!/^0x[0-9a-fA-F]{64}$/.test(flags["block-hash"])) {
        throw new ConfigError(`Bad --block-hash "${flags["block-hash"]}": expected 0x and 64 hex digits`);
      }
      source = { blockHash: flags["block-hash"] };
    } else if (flags.seed !== undefined) {
      if (!/^\d+$/.test(flags.seed)) {
        throw new ConfigError(`Bad --seed "${flags.seed}": expected a non-negative integer`);
      }
      let seed = BigInt(flags.seed);
      if (seed === 0n) {
        seed = BigInt(crypto.getRandomValues(new Uint32Array(2)).reduce((a, b) => a * 4294967296 + b, 0));
        log.info(`Random seed ${seed}: pass --seed ${seed} to draw the same data again`);
      }
      source = { seed };
    } else {
      if (chain === undefined) {
        throw new ConfigError("Cannot pick the data offline: give --block-hash 0x… or --seed N", {
          hint: "Online, the default is the current sync block's data, as a validator would draw it now",
        });
      }
      const block = syncBlock(flags.block ?? head!.block, sync);
      source = { blockHash: await chain.blockHash(block, signal), syncBlock: block };
    }
    const repo = competition.constraints.tokenizer;
    const tokenizer = repo === undefined ? undefined : await loadCompetitionTokenizer(repo, fetchOptions);
    const files = await prepareEvalData(competition, source, {
      cacheDir: validator.dataDir,
      encoder: tokenizer === undefined
        ? undefined
        : { key: `${tokenizer.repo}@${tokenizer.commit}`, encodeSample: (s) => tokenizer.encodeSample(s) },
      cacheOnly: config.hub.offline,
      baseUrl: config.hub.datasetsUrl,
      signal,
    });
    if (files.samplesFile === undefined) {
      throw new ConfigError(`No dataset of competition ${competition.id} loaded: nothing to score`, {
        hint: "The datasets server failed (see the WARNING lines); a validator would skip this step. Retry later",
      });
    }
    const loaded: EvalTask[] = competition.evalTasks.filter((t) => files.sampleTasks.includes(t.name));

    // The model, its checks, and the models to compare with.
    const resolved = await resolveModel(flags.model, fetchOptions);
    const checks = await checkModel(resolved.model, resolved.totalBytes, competition.constraints, signal);
    const contenders = flags.compare === undefined
      ? []
      : await resolveContenders(flags.compare, chain, competition.constraints, fetchOptions);
    const models = [resolved.model, ...contenders];
    const reports = await scoreModels(models, files.samplesFile, scoreOptions);
    const scores = reports.map((report) =>
      competitionScore(
        { loss: report.loss, sampleLosses: report.samples.map((s) => s.loss), error: report.error },
        files.sampleTasks,
        loaded,
      )
    );
    const currentBlock = head?.block ?? flags["commit-block"] ?? 0;
    const commitBlock = flags["commit-block"] ?? currentBlock;
    const contenderBlock = (m: ResolvedModel) => m.block ?? commitBlock;
    const comparison = compareModels(
      { label: resolved.model.label, score: scores[0]!.score, block: commitBlock },
      contenders.map((m, i) => ({ label: m.label, score: scores[i + 1]!.score, block: contenderBlock(m) })),
      competition.constraints.epsilon,
      currentBlock,
    );
    const rows = models.map((m, i) => ({ model: m, score: scores[i]!, report: reports[i]! }));
    const failed = checks.size.ok === false || checks.weights.ok === false;

    if (flags.json) {
      printOut(JSON.stringify({
        competition: competition.id,
        data: { "block_hash": files.data.block_hash, "sync_block": files.data.sync_block, seed: files.data.seed },
        tasks: files.data.tasks.map((t) => ({
          name: t.name,
          weight: t.weight,
          samples: t.samples.length,
          ...(t.error === undefined ? {} : { error: `${t.error.kind}: ${t.error.message}` }),
        })),
        checks,
        models: rows.map(({ model, score, report }) => ({
          label: model.label,
          ...(model.uid === undefined ? {} : { uid: model.uid }),
          ...(model.repo === undefined ? {} : { repo: model.repo, commit: model.commit }),
          block: model === resolved.model ? commitBlock : contenderBlock(model),
          score: finite(score.score),
          "task_scores": Object.fromEntries([...score.taskScores].map(([k, v]) => [k, finite(v)])),
          "raw_task_scores": Object.fromEntries([...score.rawTaskScores].map(([k, v]) => [k, finite(v)])),
          "sample_losses": report.samples.map((s) => finite(s.loss)),
          ...(score.error === undefined ? {} : { error: score.error }),
        })),
        comparison: {
          "current_block": currentBlock,
          "commit_block": commitBlock,
          "win_rate": comparison.winRate,
          beats: comparison.beats,
          "loses_to": comparison.losesTo,
          "must_beat": finite(comparison.mustBeat),
        },
      }));
    } else {
      printOut(
        `Competition ${competition.id}, ${
          files.data.block_hash === null ? `seed ${files.data.seed}` : `block hash ${files.data.block_hash}`
        }: ${files.data.tasks.map((t) => `${t.name} ${t.samples.length}`).join(", ")} samples`,
      );
      printOut(
        `Checks of ${resolved.model.label}: size ${resolved.totalBytes} of ${checks.size.limit} bytes ${
          checks.size.ok ? "OK" : "TOO LARGE"
        }; weights ${
          checks.weights.ok === true
            ? `OK (${checks.weights.architecture}, ${checks.weights.parameters} parameters)`
            : checks.weights.ok === false
            ? `FAIL: ${checks.weights.reason}`
            : `not checked: ${checks.weights.reason}`
        }\n`,
      );
      printOut(formatTable(rows, [
        { header: "model", value: (r) => r.model.label },
        {
          header: "block",
          value: (r) => String(r.model === resolved.model ? commitBlock : contenderBlock(r.model)),
          align: "right",
        },
        ...loaded.map((t) => ({
          header: t.name.toLowerCase().replace(/_/g, " "),
          value: (r: (typeof rows)[number]) => nice(r.score.taskScores.get(t.name) ?? Infinity),
          align: "right" as const,
        })),
        { header: "score", value: (r) => nice(r.score.score), align: "right" },
        {
          header: "to beat it",
          value: (r) => r.model === resolved.model ? "" : nice(comparison.bars.get(r.model.label) ?? Infinity),
          align: "right",
        },
        { header: "note", value: (r) => r.score.error ?? "" },
      ]));
      if (contenders.length > 0) {
        printOut(
          `\n${resolved.model.label} would win ${comparison.beats.length} of ${contenders.length} pairs ` +
            `(win rate ${
              comparison.winRate.toFixed(2)
            }) committed at block ${commitBlock}; to win them all its score ` +
            `must be under ${nice(comparison.mustBeat)}.`,
        );
      }
    }
    if (failed) log.warn("The model fails the competition's checks: validators would not evaluate it");
    if (!Number.isFinite(scores[0]!.score)) {
      log.error(`Model "${resolved.model.label}" scores Infinity: ${scores[0]!.error ?? "see the losses"}`);
      return ExitCode.Score;
    }
  });
}

/** Scores a model on samples through a worker, via a temporary samples file in the scoring cache. */
async function scoreFile(
  model: ResolvedModel,
  samples: readonly Sample[],
  tokenizer: string | undefined,
  options: Parameters<typeof scoreModels>[2],
) {
  await Deno.mkdir(options.cacheDir, { recursive: true });
  const file = join(options.cacheDir, `eval-samples-${crypto.randomUUID()}.jsonl`);
  const lines = samples.map((s) => {
    const task = s.task === undefined ? {} : { task: s.task };
    return JSON.stringify(
      isIdsSample(s)
        ? { "context_ids": s.contextIds, "reference_ids": s.referenceIds, ...task }
        : { messages: s.messages, reference: s.reference, ...task },
    );
  });
  await Deno.writeTextFile(file, lines.join("\n") + "\n");
  try {
    return (await scoreModels([model], file, { ...options, tokenizerDir: tokenizer }))[0]!;
  } finally {
    await Deno.remove(file).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main());
