// deno-lint-ignore-file no-console -- an example script prints its result
/**
 * Scores a model directory on a competition's evaluation data, drawn exactly
 * as a validator draws it for a block hash (or for a seed), with subvalid's
 * public API: the competition's tokenizer, its tasks' normalization and
 * weights, the same scoring worker.
 *
 * ```sh
 * deno run -A examples/score_on_competition.ts --model ./my-model --competition 4 --block-hash 0x…
 * deno run -A examples/score_on_competition.ts --model ./my-model --competition 99 --seed 5 --local \
 *   --hub http://127.0.0.1:8765 --datasets http://127.0.0.1:8765
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  competitionAt,
  competitionScore,
  DEMO_SCHEDULE,
  loadCompetitionTokenizer,
  prepareEvalData,
  scoreInSubprocess,
  SN37_SCHEDULE,
} from "../mod.ts";

const { values: args } = parseArgs({
  options: {
    model: { type: "string" },
    competition: { type: "string", default: "4" },
    "block-hash": { type: "string" },
    seed: { type: "string" },
    local: { type: "boolean", default: false }, // the demo's competition schedule instead of SN37's
    hub: { type: "string", default: "https://huggingface.co" },
    datasets: { type: "string", default: "https://datasets-server.huggingface.co" },
    cache: { type: "string", default: ".cache/huggingface" },
  },
});
if (args.model === undefined || (args["block-hash"] === undefined) === (args.seed === undefined)) {
  console.error("Usage: --model <dir> [--competition N] (--block-hash 0x… | --seed N) [--local] [--hub URL]");
  Deno.exit(2);
}
const schedule = args.local ? DEMO_SCHEDULE : SN37_SCHEDULE;
const competition = competitionAt(Number(args.competition), schedule.at(-1)!.startBlock, { schedule });
if (competition === undefined) throw new Error(`Competition ${args.competition} is not scheduled`);

// The competition's tokenizer (SN37's Xenova/gpt-4), fetched into the HF cache, when it forces one.
const repo = competition.constraints.tokenizer;
const tokenizer = repo === undefined
  ? undefined
  : await loadCompetitionTokenizer(repo, { modelDir: `${args.cache}/hub`, hubUrl: args.hub });

// The data: the datasets-server pages the validator's CPython `random` picks for this seed, cached.
const data = await prepareEvalData(
  competition,
  args.seed !== undefined ? { seed: BigInt(args.seed) } : { blockHash: args["block-hash"]! },
  {
    cacheDir: `${args.cache}/subvalid-data`,
    baseUrl: args.datasets,
    encoder: tokenizer &&
      { key: `${tokenizer.repo}@${tokenizer.commit}`, encodeSample: (s) => tokenizer.encodeSample(s) },
  },
);
if (data.samplesFile === undefined) throw new Error("No dataset loaded: the datasets server failed, try again");

// Score in an isolated worker (no network, no wallet), then combine per task as the validator does.
const report = await scoreInSubprocess(args.model, data.samplesFile, { cacheDir: `${args.cache}/subvalid-score` });
const tasks = competition.evalTasks.filter((task) => data.sampleTasks.includes(task.name));
const score = competitionScore(
  { loss: report.loss, sampleLosses: report.samples.map((s) => s.loss), error: report.error },
  data.sampleTasks,
  tasks,
);
for (const [task, value] of score.taskScores) console.log(`${task}: ${value.toFixed(4)}`);
console.log(`score: ${score.score.toFixed(4)} (seed ${data.data.seed})`);
