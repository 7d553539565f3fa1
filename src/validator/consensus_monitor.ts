/**
 * The validator's consensus check, after every recorded step: every
 * validator's weights read from the chain and compared with ours (our row on
 * chain when we have one, else the subnet weights we computed last), the
 * result kept in the state (the status page and `deno task status` read it),
 * and a WARNING when our top uid has disagreed with the stake-weighted
 * majority's for several checks in a row: what Yuma consensus rewards is
 * agreement, and a validator that keeps disagreeing loses vtrust.
 *
 * @module
 */
import { getLog, type Log } from "../log/mod.ts";
import { compareWithValidators, type ConsensusReport } from "../mechanism/mod.ts";
import type { ValidatorState } from "../state/mod.ts";
import type { ChainReader, NeuronView } from "./ports.ts";

/** Where the last consensus record lives in the state's meta table. */
export const CONSENSUS_META_KEY = "consensus";

/** A consensus check, as recorded. */
export interface ConsensusRecord extends ConsensusReport {
  /** The head block when the weights were read. */
  readonly block: number;
  /** ms since the Unix epoch. */
  readonly at: number;
  /** The step it followed, when it followed one. */
  readonly step?: number | undefined;
  /** Checks in a row (this one included) whose top uid disagreed with the majority's; 0 when this one agreed. */
  readonly streak: number;
}

/** Options of {@linkcode ConsensusMonitor}. */
export interface ConsensusMonitorOptions {
  readonly chain: Pick<ChainReader, "subnetWeights" | "head">;
  readonly state: ValidatorState;
  /** Our hotkey (SS58), when known: our row on chain is then what is compared. */
  readonly hotkey?: string | undefined;
  /** Warn once our top uid has disagreed this many checks in a row. @default 3 */
  readonly warnAfter?: number | undefined;
  /** ms since the Unix epoch. @default Date.now */
  readonly now?: (() => number) | undefined;
  /** @default getLog("consensus") */
  readonly log?: Log | undefined;
}

/** Reads the last recorded consensus check from a state. */
export function recordedConsensus(state: ValidatorState): ConsensusRecord | undefined {
  const text = state.meta(CONSENSUS_META_KEY);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as ConsensusRecord;
  } catch {
    return undefined;
  }
}

/** Compares our weights with the other validators' and keeps the streak of disagreements. */
export class ConsensusMonitor {
  readonly #options: ConsensusMonitorOptions;
  readonly #log: Log;
  #streak: number;

  constructor(options: ConsensusMonitorOptions) {
    this.#options = options;
    this.#log = options.log ?? getLog("consensus");
    // A restart keeps counting where the last run stopped.
    this.#streak = recordedConsensus(options.state)?.streak ?? 0;
  }

  /** Disagreeing checks in a row so far. */
  get streak(): number {
    return this.#streak;
  }

  /**
   * One check: reads every neuron's weights and the head, compares, records
   * and warns. `computed` is our latest subnet weights (index = uid).
   *
   * @throws for chain failures (the caller logs them; the streak is unchanged)
   */
  async check(
    neurons: readonly NeuronView[],
    computed: ArrayLike<number> | undefined,
    options: { step?: number | undefined; signal?: AbortSignal | undefined } = {},
  ): Promise<ConsensusRecord> {
    const { chain, state, hotkey } = this.#options;
    const rows = await chain.subnetWeights(options.signal);
    const head = await chain.head(options.signal);
    const ourUid = hotkey === undefined ? undefined : neurons.find((n) => n.hotkey === hotkey)?.uid;
    const ourRow = ourUid === undefined ? undefined : rows.get(ourUid);
    const ours = ourRow !== undefined && ourRow.length > 0
      ? { uid: ourUid, weights: ourRow, source: "chain" as const }
      : { uid: ourUid, weights: Array.from(computed ?? []), source: "computed" as const };
    const report = compareWithValidators(ours, neurons, rows);
    this.#streak = report.disagreesWithMajority ? this.#streak + 1 : 0;
    const record: ConsensusRecord = {
      ...report,
      block: head.block,
      at: (this.#options.now ?? Date.now)(),
      ...(options.step === undefined ? {} : { step: options.step }),
      streak: this.#streak,
    };
    state.setMeta(CONSENSUS_META_KEY, JSON.stringify(record));
    const warnAfter = this.#options.warnAfter ?? 3;
    const percent = (x: number | null) => x === null ? "-" : `${(x * 100).toFixed(1)} %`;
    if (this.#streak >= warnAfter) {
      this.#log.warn(
        `Our top uid ${report.ourTopUid} disagrees with the stake-weighted majority's top uid ${report.majorityTopUid} ` +
          `for ${this.#streak} checks in a row: ${percent(report.agreeingStakeShare)} of the other validators' stake ` +
          `agrees with us`,
        {
          majorityStake: percent(report.majorityStakeShare),
          cosine: report.consensusCosine === null ? "-" : report.consensusCosine.toFixed(3),
          compared: report.comparedValidators,
          hint: "Validators that keep disagreeing lose vtrust. Check that the evaluation data, the competition " +
            "schedule and the models match the subnet's (deno task consensus, deno task report)",
        },
      );
    } else {
      this.#log.debug("Consensus checked", {
        ourTop: report.ourTopUid ?? "-",
        majorityTop: report.majorityTopUid ?? "-",
        agreeing: percent(report.agreeingStakeShare),
        compared: report.comparedValidators,
      });
    }
    return record;
  }
}
