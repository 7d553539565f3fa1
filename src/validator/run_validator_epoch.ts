/**
 * The whole epoch as `deno task epoch` and the demo run it: the previous
 * moving average from the state file, one epoch over the ports, the weights
 * set through the weight setter (unless dry), the state saved, and cached
 * models nobody references collected.
 *
 * @module
 */
import { getLog, type Log } from "../log/mod.ts";
import { readEpochState, removeStaleTemporaries, writeEpochState } from "./epoch_state.ts";
import type { ChainReader, GcSummary, ModelStore, Scorer, WeightSetter, WeightsOutcome } from "./ports.ts";
import { type EpochResult, runEpoch, type RunEpochOptions } from "./run_epoch.ts";

/** The ports of a whole epoch. */
export interface ValidatorEpochPorts {
  readonly chain: ChainReader;
  readonly models: ModelStore;
  readonly scorer: Scorer;
  /** Sets the weights; without one (a dry run) nothing is set and the state is not saved. */
  readonly weights?: WeightSetter | undefined;
}

/** Options of {@linkcode runValidatorEpoch}. */
export interface RunValidatorEpochOptions extends Omit<RunEpochOptions, "previousAverage" | "log"> {
  /** The subnet (recorded in the state file). */
  netuid: number;
  /** The moving-average state file. */
  statePath: string;
  /** Collect garbage after the epoch. @default true */
  gc?: boolean | undefined;
  /** @default getLog("epoch") */
  log?: Log | undefined;
}

/** What a whole epoch did. */
export interface ValidatorEpochResult {
  readonly epoch: EpochResult;
  /** The weight-setting outcome, when weights were set (a setter was given and some weight is non-zero). */
  readonly receipt?: WeightsOutcome | undefined;
  /** Whether the moving average was saved. */
  readonly saved: boolean;
  /** What garbage collection did, when it ran. */
  readonly gc?: GcSummary | undefined;
}

/**
 * Runs one epoch end to end: state → epoch → weights → state → GC.
 *
 * @throws the errors of {@linkcode runEpoch}, and a `ConfigError` for a state file that is not one
 */
export async function runValidatorEpoch(
  ports: ValidatorEpochPorts,
  options: RunValidatorEpochOptions,
): Promise<ValidatorEpochResult> {
  const log = options.log ?? getLog("epoch");
  // A run killed while saving leaves temporaries; only a run that saves the state cleans them.
  if (ports.weights !== undefined) await removeStaleTemporaries(options.statePath);
  const previous = await readEpochState(options.statePath, {
    netuid: options.netuid,
    competitionId: options.competitionId,
  });
  const epoch = await runEpoch(ports, { ...options, previousAverage: previous?.average, log });

  let receipt: WeightsOutcome | undefined;
  const uids = [...epoch.weights.keys()].filter((uid) => epoch.weights.get(uid)! > 0);
  if (ports.weights !== undefined && uids.length > 0) {
    receipt = await ports.weights.setWeights(
      { uids, weights: uids.map((uid) => epoch.weights.get(uid)!) },
      options.signal,
    );
    if (!receipt.success) {
      log.error(`Weights not set: ${receipt.reason}`);
      if (receipt.hint !== undefined) log.info(`Hint: ${receipt.hint}`);
    }
  } else if (ports.weights !== undefined) {
    log.warn("No model earned weight this epoch: nothing to set");
  }
  if (ports.weights !== undefined) {
    await writeEpochState(options.statePath, {
      netuid: options.netuid,
      competitionId: options.competitionId,
      block: epoch.block,
      average: epoch.average,
    });
    log.info(`Saved the moving average to ${options.statePath}`);
  }
  let gc: GcSummary | undefined;
  if (options.gc ?? true) {
    const dryRun = ports.weights === undefined;
    gc = await ports.models.collectGarbage(epoch.references, { dryRun, signal: options.signal });
    log.info(`Garbage collection${dryRun ? " (dry run)" : ""}: ${gc.snapshots} snapshots, ${gc.freedBytes} bytes`);
  }
  return { epoch, receipt, saved: ports.weights !== undefined, gc };
}
