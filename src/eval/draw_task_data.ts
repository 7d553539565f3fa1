/**
 * The evaluation data of one step, drawn exactly as the reference validator draws it from a seed
 * (the sync block's hash, {@linkcode seedFromBlockHash}): each task's loader seeds CPython's `random`
 * with that seed, asks `/size`, then draws pages from `/rows`; competition 4 loads SYNTHETIC_1_SFT, then
 * CODEFORCES_COTS, each from a fresh seeding.
 *
 * Dataset failures never throw: a task that fails carries a {@linkcode DatasetLoadError} and no
 * samples, and is left out of the step as the reference leaves it out. One failure is special: when a
 * task's 10th failure is an HTTP error other than 429 the reference re-raises it and the whole step is
 * aborted; {@linkcode drawCompetitionData} then stops drawing and says `stepAborted`. Only caller
 * mistakes (an unsupported dataset) and an abort of `signal` throw.
 *
 * @module
 */
import type { ChatSample } from "./samples.ts";
import { DatasetId, type DatasetKwargs, type EvalTask, type ScheduledCompetition } from "./competitions.ts";
import { DatasetLoadError } from "./dataset_load_error.ts";
import { loadCodeforces } from "./codeforces_loader.ts";
import {
  HfPageLoader,
  type PageLoaderOptions,
  type PageRef,
  type RequestStatus,
  type RowsRequestRecord,
} from "./hf_page_loader.ts";
import { PyRandom } from "./py_random.ts";
import { loadSyntheticSft, type ParsedSample } from "./synthetic_sft_loader.ts";
import { getLog } from "../log/mod.ts";

/** The system prompt both competition-4 loaders render before the user's question. */
export const SYSTEM_PROMPT =
  "You are a reflective AI capable of using extended chains of thought to consider the problem thoroughly and deliberate through systematic reasoning to arrive at a correct solution before answering. Enclose your internal monologue in <think> ... </think> tags, then provide your final answer in the format that the user requests.";

/** The dataset repository of each dataset id the loaders support. */
export const DATASET_REPOS: Readonly<Record<number, string>> = {
  [DatasetId.Synthetic1Sft]: "PrimeIntellect/SYNTHETIC-1-SFT-Data",
  [DatasetId.CodeforcesCots]: "open-r1/codeforces-cots",
};

/** Options of {@linkcode drawTaskData} and {@linkcode drawCompetitionData}. */
export interface DrawOptions extends PageLoaderOptions {}

/** One config from `/size`, as the loader kept it. */
export interface DrawnConfig {
  readonly config: string;
  readonly split: string;
  readonly numRows: number;
}

/** A task's data and how it was drawn. */
export interface TaskData {
  readonly task: EvalTask;
  /** The dataset repository. */
  readonly dataset: string;
  /** The configs from `/size`, in order (empty when `/size` failed). */
  readonly configs: readonly DrawnConfig[];
  /** The `/size` answer's status, or why none came. */
  readonly sizeStatus: RequestStatus | undefined;
  /** The pages the reference counts as loaded, in order, over every fetch round. */
  readonly pages: readonly PageRef[];
  /** Every `/rows` request, in order. */
  readonly requests: readonly RowsRequestRecord[];
  /** Every wait between failures, in seconds. */
  readonly sleeps: readonly number[];
  /** `len(loader)`: the rows the loader kept (SFT: of the supported task types); 0 when `error` is set. */
  readonly bufferLength: number;
  /**
   * The samples in the reference's order: `[system, user]` messages for the chat template (with the
   * generation prompt) and the reference text. Empty when `error` is set.
   */
  readonly samples: readonly ChatSample[];
  /** Why the task is left out of the step; `undefined` when it loaded. */
  readonly error: DatasetLoadError | undefined;
}

/** A competition's data for one step. */
export interface CompetitionData {
  readonly competitionId: number;
  readonly seed: bigint;
  /** The tasks drawn, in the competition's order; after an aborting failure, the later tasks are absent. */
  readonly tasks: readonly TaskData[];
  /** The tasks whose data loaded, in order: the ones to score and combine. */
  readonly loadedTasks: readonly TaskData[];
  /** The reference aborts the step (a task's last failure was an HTTP error other than 429). */
  readonly stepAborted: boolean;
  /** Nothing to evaluate this step: aborted, or no task loaded. */
  readonly skipStep: boolean;
}

function toChat(task: EvalTask, sample: ParsedSample): ChatSample {
  return {
    task: task.name,
    messages: [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: sample.question }],
    reference: sample.reference,
  };
}

/**
 * Draws one task's data from `seed`.
 *
 * @throws {RangeError} for a dataset the loaders do not support (only SYNTHETIC_1_SFT and CODEFORCES_COTS)
 * @throws the signal's reason when `options.signal` aborts
 */
export async function drawTaskData(
  task: EvalTask,
  seed: bigint | number,
  options: DrawOptions = {},
): Promise<TaskData> {
  const dataset = DATASET_REPOS[task.datasetId];
  if (dataset === undefined) {
    throw new RangeError(
      `Cannot draw data for task "${task.name}": dataset id ${task.datasetId} is not supported (only ${
        Object.keys(DATASET_REPOS).join(", ")
      })`,
    );
  }
  const kwargs: DatasetKwargs = task.datasetKwargs;
  const pages = new HfPageLoader(dataset, kwargs.numRowsPerPage ?? 100, new PyRandom(seed), options);
  let samples: readonly ParsedSample[] = [];
  let bufferLength = 0;
  let error: DatasetLoadError | undefined;
  try {
    await pages.loadConfigs();
    const drawn = task.datasetId === DatasetId.Synthetic1Sft
      ? await loadSyntheticSft(pages, kwargs)
      : await loadCodeforces(pages, kwargs);
    samples = drawn.samples;
    bufferLength = drawn.bufferLength;
    if (bufferLength === 0) {
      error = new DatasetLoadError("empty", dataset, `Cannot load "${dataset}": the loaded pages hold no usable row`);
    }
  } catch (e) {
    if (!(e instanceof DatasetLoadError)) throw e;
    error = e;
    bufferLength = 0;
  }
  const log = getLog("eval", "data").with({ task: task.name, dataset });
  if (error === undefined) log.info(`Loaded ${samples.length} samples`, { pages: pages.pages.length });
  else log.warn(`Skipping this dataset: ${error.message}`, { kind: error.kind, abortsStep: error.abortsStep });
  return {
    task,
    dataset,
    configs: [...pages.configs].map(([config, info]) => ({ config, split: info.split, numRows: info.numRows })),
    sizeStatus: pages.sizeStatus,
    pages: pages.pages,
    requests: pages.requests,
    sleeps: pages.sleeps,
    bufferLength,
    samples: error === undefined ? samples.map((s) => toChat(task, s)) : [],
    error,
  };
}

/**
 * Draws every task of a competition in order from one seed (each task seeds its own generator).
 * Stops after a task whose failure aborts the step.
 *
 * @throws {RangeError} for a task whose dataset is not supported
 * @throws the signal's reason when `options.signal` aborts
 */
export async function drawCompetitionData(
  competition: Pick<ScheduledCompetition, "id" | "evalTasks">,
  seed: bigint | number,
  options: DrawOptions = {},
): Promise<CompetitionData> {
  const tasks: TaskData[] = [];
  let stepAborted = false;
  for (const task of competition.evalTasks) {
    const data = await drawTaskData(task, seed, options);
    tasks.push(data);
    if (data.error?.abortsStep) {
      stepAborted = true;
      break;
    }
  }
  const loadedTasks = stepAborted ? [] : tasks.filter((t) => t.error === undefined);
  return {
    competitionId: competition.id,
    seed: BigInt(seed),
    tasks,
    loadedTasks,
    stepAborted,
    skipStep: stepAborted || loadedTasks.length === 0,
  };
}
