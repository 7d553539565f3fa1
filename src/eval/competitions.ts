/**
 * The SN37 competitions: their model constraints, their evaluation tasks and the schedule by block
 * (research/sn37_mechanism.md §1, the reference's `COMPETITION_SCHEDULE_BY_BLOCK`), plus a tiny demo
 * competition for the local chain and hub.
 *
 * Two schedules exist. {@linkcode SN37_SCHEDULE} is the reference's, for finney block numbers.
 * {@linkcode DEMO_SCHEDULE} is for the local chain, which starts at block 0 where the SN37 schedule is
 * still in its first era (competitions 2 and 3, whose datasets we do not load): from block 0 it runs
 * only DEMO_TINY, whose two tasks draw SYNTHETIC-1-SFT-shaped and codeforces-shaped data from the local
 * hub. Every lookup takes `{ schedule }`; the caller picks the schedule once from its network (local
 * chain → `DEMO_SCHEDULE`, anything else → `SN37_SCHEDULE`, the default).
 *
 * @module
 */

/** Linear epsilon decay: `start` at age 0 down to `end` at `blocks` blocks of age. */
export interface LinearDecay {
  /** Epsilon of a freshly committed model. */
  readonly start: number;
  /** Epsilon once the model is `blocks` old. */
  readonly end: number;
  /** Blocks over which epsilon decays. */
  readonly blocks: number;
}

/** One competition and the constraints a model must meet to enter it. */
export interface Competition {
  /** The chain id (`competition_id` in commitments). */
  readonly id: number;
  /** The reference validator's enum name. */
  readonly name: string;
  /** Largest allowed total size of all files of the repo at the committed revision, in bytes. */
  readonly maxBytes: number;
  /** Parameter count bounds (inclusive). */
  readonly minParameters: number;
  readonly maxParameters: number;
  /** Model sequence length. */
  readonly sequenceLength: number;
  /** A forced tokenizer repo, or `undefined` when the model's own tokenizer is used. */
  readonly tokenizer: string | undefined;
  /** Blocks a commitment must age before it is evaluated. */
  readonly evalBlockDelay: number;
  /** The epsilon advantage of earlier models. */
  readonly epsilon: LinearDecay;
  /** The transformers classes a model may be. */
  readonly allowedArchitectures: readonly string[];
  /** The weight-norm limits (taoverse `NormValidationConstraints`). */
  readonly norms: { readonly soft: number; readonly softPercentThreshold: number; readonly hard: number };
}

/** Competition ids as on chain. */
export const CompetitionId = {
  /** The legacy "no competition" id: matches nothing. */
  None: 0,
  B7MultiChoice: 2,
  Instruct8B: 3,
  DistilledReasoning3B: 4,
  /** Local demo and tests only: tiny models, never on a real chain. */
  DemoTiny: 99,
} as const;

const GIB = 1024 ** 3;

/** Architectures of INSTRUCT_8B, DISTILLED_REASONING_3B (and the demo). */
const ARCHITECTURES = [
  "BartForCausalLM",
  "FalconForCausalLM",
  "Gemma2ForCausalLM",
  "GemmaForCausalLM",
  "GPTNeoXForCausalLM",
  "LlamaForCausalLM",
  "MistralForCausalLM",
  "Phi3ForCausalLM",
  "PhiForCausalLM",
] as const;

/** Architectures of B7_MULTI_CHOICE (no Gemma2, no Phi3). */
const B7_ARCHITECTURES = [
  "MistralForCausalLM",
  "LlamaForCausalLM",
  "BartForCausalLM",
  "FalconForCausalLM",
  "GPTNeoXForCausalLM",
  "PhiForCausalLM",
  "GemmaForCausalLM",
] as const;

const NORMS = { soft: 200, softPercentThreshold: 0.15, hard: 1000 } as const;

/** Every known competition by id. */
export const COMPETITIONS: ReadonlyMap<number, Competition> = new Map(
  ([
    {
      id: CompetitionId.B7MultiChoice,
      name: "B7_MULTI_CHOICE",
      maxBytes: 15 * GIB,
      minParameters: 0,
      maxParameters: 6_900_000_000,
      sequenceLength: 4096,
      tokenizer: "Xenova/gpt-4",
      evalBlockDelay: 460,
      epsilon: { start: 0.05, end: 0.01, blocks: 36_000 },
      allowedArchitectures: B7_ARCHITECTURES,
      norms: NORMS,
    },
    {
      id: CompetitionId.Instruct8B,
      name: "INSTRUCT_8B",
      maxBytes: 20 * GIB,
      minParameters: 0,
      maxParameters: 8_100_000_000,
      sequenceLength: 4096,
      tokenizer: undefined,
      evalBlockDelay: 1600,
      epsilon: { start: 0.05, end: 0.01, blocks: 7200 },
      allowedArchitectures: ARCHITECTURES,
      norms: NORMS,
    },
    {
      id: CompetitionId.DistilledReasoning3B,
      name: "DISTILLED_REASONING_3B",
      maxBytes: 15 * GIB,
      minParameters: 3_200_000_000,
      maxParameters: 3_400_000_000,
      sequenceLength: 16_384,
      tokenizer: "Xenova/gpt-4",
      evalBlockDelay: 460,
      epsilon: { start: 0.05, end: 0.01, blocks: 21_600 },
      allowedArchitectures: ARCHITECTURES,
      norms: NORMS,
    },
    {
      id: CompetitionId.DemoTiny,
      name: "DEMO_TINY",
      maxBytes: 256 * 1024 ** 2,
      minParameters: 0,
      maxParameters: 50_000_000,
      sequenceLength: 2048,
      tokenizer: undefined,
      evalBlockDelay: 0,
      epsilon: { start: 0.05, end: 0.01, blocks: 100 },
      allowedArchitectures: ARCHITECTURES,
      norms: NORMS,
    },
  ] satisfies Competition[]).map((c) => [c.id, Object.freeze(c)]),
);

/** The competition with this id, or `undefined`. */
export function getCompetition(id: number): Competition | undefined {
  return COMPETITIONS.get(id);
}

/** Dataset ids of the reference (`finetune/datasets/ids.py`). */
export const DatasetId = {
  None: 0,
  SyntheticMmlu: 1,
  WordSorting: 2,
  DyckLanguage: 3,
  Fineweb: 4,
  SyntheticIfEval: 5,
  Synthetic1Sft: 6,
  CodeforcesCots: 7,
} as const;

/** Evaluation method ids of the reference (`finetune/eval/method.py`). */
export const EvalMethodId = {
  MultipleChoice: 1,
  ReferenceLoss: 2,
  TextLoss: 3,
  IfEval: 4,
} as const;

/** Score normalizations of taoverse (`model/eval/normalization.py`). */
export const NormalizationId = {
  /** The raw score. */
  None: 0,
  /** `1` at or above `ceiling`, else `(1 - e^(-s/c)) / (1 - e^-1)`. */
  InverseExponential: 1,
} as const;

/**
 * A dataset loader's arguments (the reference's `dataset_kwargs`, camel-cased: `num_pages` →
 * `numPages`, `num_rows_per_page` → `numRowsPerPage`, `target_size` → `targetSize`,
 * `if_eval_version` → `ifEvalVersion`).
 */
export interface DatasetKwargs {
  /** Pages of the first fetch round. @default 1 (both current loaders) */
  readonly numPages?: number;
  /** The page stride and `initial_offset` bound; a page still holds at most 100 rows. @default 100 */
  readonly numRowsPerPage?: number;
  /** SYNTHETIC_1_SFT: samples to collect, fetching more pages until reached. @default none */
  readonly targetSize?: number;
  /** IF_EVAL: the rule set version (legacy competitions only). */
  readonly ifEvalVersion?: number;
}

/** One evaluation task of a competition (taoverse `EvalTask`). */
export interface EvalTask {
  /** The reference's task name, e.g. "SYNTHETIC_1_SFT". */
  readonly name: string;
  /** One of {@linkcode EvalMethodId}. */
  readonly methodId: number;
  /** One of {@linkcode DatasetId}. */
  readonly datasetId: number;
  /** One of {@linkcode NormalizationId}. */
  readonly normalizationId: number;
  /** `{ ceiling }` for INVERSE_EXPONENTIAL, empty for NONE. */
  readonly normalizationKwargs: { readonly ceiling?: number };
  readonly datasetKwargs: DatasetKwargs;
  /** Relative weight of the normalized score; > 0. */
  readonly weight: number;
}

/** A competition as scheduled: its constraints, share of the subnet's weights and tasks. */
export interface ScheduledCompetition {
  readonly id: number;
  readonly constraints: Competition;
  /** Share of the subnet weights; the shares of one schedule entry sum to 1. */
  readonly rewardPercentage: number;
  readonly evalTasks: readonly EvalTask[];
}

/** The competitions from one block on. */
export interface ScheduleEntry {
  readonly startBlock: number;
  readonly competitions: readonly ScheduledCompetition[];
}

/** Schedule entries by increasing start block. */
export type CompetitionSchedule = readonly ScheduleEntry[];

function task(
  name: string,
  methodId: number,
  datasetId: number,
  weight: number,
  extra: Partial<Pick<EvalTask, "normalizationId" | "normalizationKwargs" | "datasetKwargs">> = {},
): EvalTask {
  return Object.freeze({
    name,
    methodId,
    datasetId,
    normalizationId: extra.normalizationId ?? NormalizationId.None,
    normalizationKwargs: Object.freeze({ ...extra.normalizationKwargs }),
    datasetKwargs: Object.freeze({ ...extra.datasetKwargs }),
    weight,
  });
}

/** The four tasks of competitions 2 and 3 before block 5_158_632, with their weights in that era. */
function legacyTasks(mmlu: number, words: number, fineweb: number, ifEval: number): EvalTask[] {
  const inverse = (ceiling: number) => ({
    normalizationId: NormalizationId.InverseExponential,
    normalizationKwargs: { ceiling },
  });
  return [
    task("SYNTHETIC_MMLU", EvalMethodId.MultipleChoice, DatasetId.SyntheticMmlu, mmlu),
    task("WORD_SORTING", EvalMethodId.ReferenceLoss, DatasetId.WordSorting, words, inverse(40)),
    task("FINEWEB", EvalMethodId.TextLoss, DatasetId.Fineweb, fineweb, inverse(20)),
    task("IF_EVAL_V2", EvalMethodId.IfEval, DatasetId.SyntheticIfEval, ifEval, { datasetKwargs: { ifEvalVersion: 2 } }),
  ];
}

function scheduled(id: number, rewardPercentage: number, evalTasks: EvalTask[]): ScheduledCompetition {
  return Object.freeze({
    id,
    constraints: COMPETITIONS.get(id)!,
    rewardPercentage,
    evalTasks: Object.freeze(evalTasks),
  });
}

/** The block at which B7_MULTI_CHOICE ended (`SUNSET_B7_BLOCK`). */
export const SUNSET_B7_BLOCK = 4_675_163;
/** The block at which INSTRUCT_8B ended and DISTILLED_REASONING_3B began (`SUNSET_INSTRUCT_8B_BLOCK`). */
export const SUNSET_INSTRUCT_8B_BLOCK = 5_158_632;

/** The reference's `COMPETITION_SCHEDULE_BY_BLOCK` (finetuning 3.1.0). */
export const SN37_SCHEDULE: CompetitionSchedule = Object.freeze([
  {
    startBlock: 0,
    competitions: [
      scheduled(CompetitionId.B7MultiChoice, 0.75, legacyTasks(0.75, 0.05, 0.1, 0.1)),
      scheduled(CompetitionId.Instruct8B, 0.25, legacyTasks(0.75, 0.05, 0.1, 0.1)),
    ],
  },
  {
    startBlock: SUNSET_B7_BLOCK,
    competitions: [scheduled(CompetitionId.Instruct8B, 1.0, legacyTasks(0.3, 0.05, 0.35, 0.3))],
  },
  {
    startBlock: SUNSET_INSTRUCT_8B_BLOCK,
    competitions: [
      scheduled(CompetitionId.DistilledReasoning3B, 1.0, [
        task("SYNTHETIC_1_SFT", EvalMethodId.ReferenceLoss, DatasetId.Synthetic1Sft, 0.5, {
          datasetKwargs: { numPages: 1, numRowsPerPage: 150, targetSize: 120 },
        }),
        task("CODEFORCES_COTS", EvalMethodId.ReferenceLoss, DatasetId.CodeforcesCots, 0.5, {
          datasetKwargs: { numPages: 1, numRowsPerPage: 120 },
        }),
      ]),
    ],
  },
].map((entry) => Object.freeze({ ...entry, competitions: Object.freeze(entry.competitions) })));

/**
 * The local chain's schedule: DEMO_TINY from block 0, with competition 4's two tasks on the same
 * datasets (served by the local hub), but a smaller SFT target (32 samples) so tiny models on a CPU
 * score a step quickly. The codeforces task keeps every row of its page, as in competition 4.
 */
export const DEMO_SCHEDULE: CompetitionSchedule = Object.freeze([
  Object.freeze({
    startBlock: 0,
    competitions: Object.freeze([
      scheduled(CompetitionId.DemoTiny, 1.0, [
        task("SYNTHETIC_1_SFT", EvalMethodId.ReferenceLoss, DatasetId.Synthetic1Sft, 0.5, {
          datasetKwargs: { numPages: 1, numRowsPerPage: 150, targetSize: 32 },
        }),
        task("CODEFORCES_COTS", EvalMethodId.ReferenceLoss, DatasetId.CodeforcesCots, 0.5, {
          datasetKwargs: { numPages: 1, numRowsPerPage: 120 },
        }),
      ]),
    ]),
  }),
]);

/** Options of the schedule lookups. */
export interface ScheduleOptions {
  /** The schedule to read. @default SN37_SCHEDULE */
  readonly schedule?: CompetitionSchedule;
}

/**
 * The schedule entry in force at `block`: the last entry with `block >= startBlock` (taoverse
 * `get_competition_schedule_for_block`).
 *
 * @throws {RangeError} when no entry starts at or before `block`
 */
export function competitionScheduleAt(block: number, options: ScheduleOptions = {}): ScheduleEntry {
  const schedule = options.schedule ?? SN37_SCHEDULE;
  let found: ScheduleEntry | undefined;
  for (const entry of schedule) if (block >= entry.startBlock) found = entry;
  if (found === undefined) {
    throw new RangeError(
      `No competition schedule at block ${block}: the first entry starts at ${schedule[0]?.startBlock ?? "none"}`,
    );
  }
  return found;
}

/** The competitions in force at `block`. @throws {RangeError} as {@linkcode competitionScheduleAt} */
export function competitionsAt(block: number, options: ScheduleOptions = {}): readonly ScheduledCompetition[] {
  return competitionScheduleAt(block, options).competitions;
}

/** The competition `id` as scheduled at `block`, or `undefined` (taoverse `get_competition_for_block`). */
export function competitionAt(
  id: number,
  block: number,
  options: ScheduleOptions = {},
): ScheduledCompetition | undefined {
  const schedule = options.schedule ?? SN37_SCHEDULE;
  if (schedule.length === 0 || block < schedule[0]!.startBlock) return undefined;
  return competitionsAt(block, options).find((c) => c.id === id);
}

/** Whether competition `id` is scheduled at `block` (a model committed for it then is valid). */
export function isCompetitionValidAt(id: number, block: number, options: ScheduleOptions = {}): boolean {
  return competitionAt(id, block, options) !== undefined;
}
