#!/usr/bin/env -S deno run -P=data
/**
 * The evaluation data of one sync block, drawn exactly as the subnet's
 * validators draw it: the seed from the sync block's hash, CPython's
 * `random`, the datasets-server pages, the competition's tokenizer. Cached
 * per competition, block hash and tokenizer, so the validator and this task
 * share one draw. Progress on stderr; the result on stdout.
 *
 * ```sh
 * deno task data --block-hash 0x… [--competition 4] [--json] [--out samples.jsonl]
 * deno task data --block 5400000 --subtensor.network finney --json
 * ```
 *
 * @module
 */
import { connectChain, readBlockHash } from "../src/chain/mod.ts";
import { printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode } from "../src/errors/mod.ts";
import {
  competitionAt,
  competitionsAt,
  DEMO_SCHEDULE,
  type PreparedEvalData,
  prepareEvalData,
  samplesJsonLines,
  SN37_SCHEDULE,
  syncBlock,
} from "../src/eval/mod.ts";
import { loadCompetitionTokenizer } from "../src/hub/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { spec } from "./specs/data.ts";

export { spec };

/** The `--json` shape: exactly the issue's, the samples' messages left out. */
function toJson(data: PreparedEvalData): unknown {
  return {
    competition: data.competition,
    sync_block: data.sync_block,
    block_hash: data.block_hash,
    seed: data.seed,
    tasks: data.tasks.map((task) => ({
      name: task.name,
      dataset: task.dataset,
      weight: task.weight,
      pages: task.pages,
      requests: task.requests,
      ...(task.error === undefined
        ? {
          samples: task.samples.map(({ context_text, reference_text, context_ids, reference_ids }) => ({
            context_text,
            reference_text,
            context_ids,
            reference_ids,
          })),
        }
        : { error: `${task.error.kind}: ${task.error.message}` }),
    })),
  };
}

/** Draws (or reads the cached) data and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    if ((flags.block === undefined) === (flags["block-hash"] === undefined)) {
      throw new ConfigError("Give exactly one of --block N and --block-hash 0x…");
    }
    const hash = flags["block-hash"];
    if (hash !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(hash)) {
      throw new ConfigError(`Bad --block-hash "${hash}": expected 0x and 64 hex digits`);
    }
    const schedule = flags["validator.schedule"] === "local" ? DEMO_SCHEDULE : SN37_SCHEDULE;
    const sync = { genesis: flags["validator.sync_genesis"], cadence: flags["validator.sync_cadence"] };
    let blockHash = hash;
    let syncBlockNumber: number | undefined;
    let scheduleBlock: number;
    if (flags.block !== undefined) {
      if (config.offline) throw new ConfigError("--block reads the chain: give --block-hash offline");
      syncBlockNumber = syncBlock(flags.block, sync);
      await using client = await connectChain(config.subtensor.chainEndpoint, { signal });
      blockHash = await readBlockHash(client, syncBlockNumber, { signal });
      scheduleBlock = flags.block;
    } else {
      // Only the hash is known: the schedule's latest entry decides the competition.
      scheduleBlock = schedule.at(-1)!.startBlock;
    }
    const competition = flags.competition === undefined
      ? competitionsAt(scheduleBlock, { schedule })[0]!
      : competitionAt(flags.competition, scheduleBlock, { schedule });
    if (competition === undefined) {
      throw new ConfigError(
        `Competition ${flags.competition} is not scheduled at block ${scheduleBlock}: scheduled are ${
          competitionsAt(scheduleBlock, { schedule }).map((c) => c.id).join(", ")
        }`,
      );
    }
    const repo = competition.constraints.tokenizer;
    const tokenizer = repo === undefined ? undefined : await loadCompetitionTokenizer(repo, {
      modelDir: config.validator.modelDir,
      hubUrl: config.hub.url,
      token: config.hub.token,
      offline: config.hub.offline,
      signal,
    });
    const files = await prepareEvalData(competition, { blockHash: blockHash!, syncBlock: syncBlockNumber }, {
      cacheDir: config.validator.dataDir,
      encoder: tokenizer === undefined
        ? undefined
        : { key: `${tokenizer.repo}@${tokenizer.commit}`, encodeSample: (s) => tokenizer.encodeSample(s) },
      cacheOnly: config.hub.offline,
      baseUrl: config.hub.datasetsUrl,
      signal,
    });
    log.info(`${files.cached ? "Read cached" : "Drew"} the data of competition ${competition.id}`, {
      blockHash: files.data.block_hash,
      samples: files.sampleTasks.length,
    });
    if (flags.out !== undefined) {
      await Deno.writeTextFile(flags.out, files.samplesFile === undefined ? "" : samplesJsonLines(files.data));
      log.info(`Wrote ${files.sampleTasks.length} samples to ${flags.out}`);
    }
    if (flags.json) {
      printOut(JSON.stringify(toJson(files.data)));
    } else {
      printOut(
        `Competition ${files.data.competition}, block hash ${files.data.block_hash}, seed ${files.data.seed}\n` +
          formatTable(files.data.tasks, [
            { header: "task", value: (t) => t.name },
            { header: "dataset", value: (t) => t.dataset },
            { header: "weight", value: (t) => String(t.weight), align: "right" },
            { header: "pages", value: (t) => String(t.pages.length), align: "right" },
            { header: "requests", value: (t) => String(t.requests.length), align: "right" },
            { header: "samples", value: (t) => String(t.samples.length), align: "right" },
            { header: "error", value: (t) => t.error === undefined ? "" : `${t.error.kind}: ${t.error.message}` },
          ]),
      );
    }
    if (files.samplesFile === undefined) {
      log.error("No dataset loaded: a validator would skip this step");
      return ExitCode.Hub;
    }
    return ExitCode.Ok;
  });
}

if (import.meta.main) Deno.exit(await main());
