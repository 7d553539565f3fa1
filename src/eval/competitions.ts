/**
 * The SN37 competitions and their model constraints (research/sn37_mechanism.md §1), plus a tiny demo
 * competition for the local chain and hub. Only what the fetcher needs is required today (`maxBytes`);
 * the other constraints are recorded here so the scorer and the weights stage read them from one table.
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
    },
  ] satisfies Competition[]).map((c) => [c.id, Object.freeze(c)]),
);

/** The competition with this id, or `undefined`. */
export function getCompetition(id: number): Competition | undefined {
  return COMPETITIONS.get(id);
}
