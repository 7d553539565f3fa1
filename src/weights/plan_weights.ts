/**
 * Everything decided before signing: the u16 conversion, the chain state at
 * one block, every pre-check, and the call to send (`set_mechanism_weights`,
 * or a timelocked commit with its reveal round when commit-reveal is on).
 * `deno task weights --dry-run` prints a plan; `setWeights` executes one.
 *
 * @module
 */
import { type ChainClient, readWeightsState, type WeightsChainState } from "../chain/mod.ts";
import { convertWeightsForEmit, type EmitWeights, type WeightsInput } from "../mechanism/mod.ts";
import { computeRevealRound, type RevealRound } from "./timelock_round.ts";
import { type PrecheckResult, runWeightsPrechecks } from "./prechecks.ts";

/** Options of {@linkcode planWeights}. */
export interface PlanWeightsOptions {
  /** The validator hotkey's SS58 address. */
  hotkey: string;
  /** The subnet. */
  netuid: number;
  /** The weights version key to send. @default 3010 */
  versionKey?: number | bigint;
  /** The mechanism (sub-subnet) id. @default 0 */
  mechanism?: number;
  /** Deadline of the state read. @default the client's timeout */
  readTimeoutMs?: number;
  /** Seconds per block, for the reveal round. @default 12 */
  blockTimeSeconds?: number;
  /** The wall clock (ms since the Unix epoch) used for the reveal round. @default Date.now */
  clock?: () => number;
  /** Cancels the read. */
  signal?: AbortSignal;
}

/** What would be sent, and whether the chain would take it. */
export interface WeightsPlan {
  /** The weights as given. */
  readonly input: WeightsInput;
  /** The uids and u16 values to send. */
  readonly emit: EmitWeights;
  /** The version key to send. */
  readonly versionKey: bigint;
  /** The mechanism id. */
  readonly mechanism: number;
  /** The chain state the checks ran on. */
  readonly state: WeightsChainState;
  /** Every pre-check, in chain order. */
  readonly prechecks: readonly PrecheckResult[];
  /** `set` (weights applied at once) or `commit` (timelocked, revealed by the chain). */
  readonly mode: "set" | "commit";
  /** The call that would be sent, `Pallet.call_name`. */
  readonly call: string;
  /** With commit-reveal: the reveal round and the block it targets. */
  readonly revealRound?: RevealRound;
}

/** The default weights version key (SN37's `__spec_version__`). */
export const DEFAULT_VERSION_KEY = 3010n;

/** The call a plan sends, by mode and runtime, as the chain names it. */
function callName(mode: "set" | "commit", state: WeightsChainState): string {
  if (mode === "set") {
    return state.hasMechanismCalls ? "SubtensorModule.set_mechanism_weights" : "SubtensorModule.set_weights";
  }
  return state.hasMechanismCalls
    ? "SubtensorModule.commit_timelocked_mechanism_weights"
    : "SubtensorModule.commit_timelocked_weights";
}

/**
 * Converts the weights, reads the chain state (with a deadline) and runs
 * every pre-check. Never signs anything.
 *
 * @throws {RangeError} If the weights cannot be converted (negative, lengths).
 * @throws {ChainTimeoutError} If the state read misses its deadline, and the chain's other errors.
 */
export async function planWeights(
  client: ChainClient,
  weights: WeightsInput,
  options: PlanWeightsOptions,
): Promise<WeightsPlan> {
  const emit = convertWeightsForEmit(weights.uids, weights.weights);
  const versionKey = BigInt(options.versionKey ?? DEFAULT_VERSION_KEY);
  const mechanism = options.mechanism ?? 0;
  const state = await readWeightsState(client, options.hotkey, {
    netuid: options.netuid,
    signal: options.signal,
    timeoutMs: options.readTimeoutMs,
  });
  const mode = state.commitRevealEnabled ? "commit" : "set";
  const revealRound = mode === "commit"
    ? computeRevealRound({
      currentBlock: state.block,
      netuid: mechanism * 4096 + options.netuid,
      tempo: state.tempo,
      revealPeriodEpochs: state.revealPeriodEpochs,
      blockTimeSeconds: options.blockTimeSeconds ?? 12,
      nowMs: (options.clock ?? Date.now)(),
    })
    : undefined;
  const prechecks = runWeightsPrechecks(state, { uids: emit.uids, versionKey, revealRound: revealRound?.round });
  return {
    input: weights,
    emit,
    versionKey,
    mechanism,
    state,
    prechecks,
    mode,
    call: callName(mode, state),
    ...(revealRound ? { revealRound } : {}),
  };
}
