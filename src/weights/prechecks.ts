/**
 * The checks made before signing a weights transaction, in the order the
 * chain makes them (research/chain.md §2.3), each a result line with the
 * typed error it would raise: subnet exists, hotkey registered, version key,
 * rate limit, validator permit (unless self-weight or subnet owner), uids
 * valid, and enough uids (`MinAllowedWeights`).
 *
 * @module
 */
import type { WeightsChainState } from "../chain/mod.ts";
import {
  CommitRevealError,
  EmptyWeightsError,
  IncorrectVersionKeyError,
  InvalidWeightsError,
  NotRegisteredError,
  NoValidatorPermitError,
  TooFewWeightsError,
  type WeightsError,
  WeightsRateLimitedError,
} from "./errors.ts";

/** The names of the pre-checks, in order. */
export type PrecheckName =
  | "weights"
  | "subnet"
  | "registered"
  | "version-key"
  | "rate-limit"
  | "permit"
  | "uids"
  | "min-weights"
  | "commit-reveal";

/** The outcome of one pre-check. */
export interface PrecheckResult {
  /** Which check. */
  readonly name: PrecheckName;
  /** Passed, failed, or not applicable. */
  readonly status: "ok" | "fail" | "skip";
  /** What was found. */
  readonly detail: string;
  /** The error a failure raises. */
  readonly error?: WeightsError;
}

/** What is about to be sent. */
export interface PrecheckRequest {
  /** Destination uids after conversion (zeros dropped). */
  readonly uids: readonly number[];
  /** The version key to send. */
  readonly versionKey: bigint;
  /** With commit-reveal on: the drand round the commit would reveal at. */
  readonly revealRound?: number | undefined;
}

/** The only commit-reveal version subvalid speaks (timelocked commits, v4). */
export const COMMIT_REVEAL_VERSION = 4;

/**
 * Whether `uids` is a self-weight: exactly one weight, on the caller's own uid
 * (exempt from the permit and minimum-length rules).
 */
export function isSelfWeight(state: WeightsChainState, uids: readonly number[]): boolean {
  return state.uid !== undefined && uids.length === 1 && uids[0] === state.uid;
}

/**
 * The block a transaction submitted now is validated and dispatched in: the
 * node validates against the best block's state with the block number set to
 * best + 1, and includes it in the next block.
 */
export function nextBlock(state: WeightsChainState): number {
  return state.block + 1;
}

/** Runs every pre-check on `state` for `request`. Never throws. */
export function runWeightsPrechecks(state: WeightsChainState, request: PrecheckRequest): PrecheckResult[] {
  const results: PrecheckResult[] = [];
  const ok = (name: PrecheckName, detail: string) => results.push({ name, status: "ok", detail });
  const skip = (name: PrecheckName, detail: string) => results.push({ name, status: "skip", detail });
  const fail = (name: PrecheckName, error: WeightsError) =>
    results.push({ name, status: "fail", detail: error.message.replace(/^Cannot (set|commit) weights: /, ""), error });
  const { netuid, hotkey } = state;

  if (request.uids.length > 0) ok("weights", `${request.uids.length} non-zero weights to send`);
  else fail("weights", new EmptyWeightsError());

  if (state.subnetExists) ok("subnet", `subnet ${netuid} exists, ${state.subnetN} uids`);
  else fail("subnet", new InvalidWeightsError(`subnet ${netuid} does not exist`));

  if (state.uid !== undefined) ok("registered", `hotkey ${hotkey} is uid ${state.uid}`);
  else fail("registered", new NotRegisteredError(hotkey, netuid));

  const required = state.weightsVersionKey;
  if (required === 0n || request.versionKey >= required) {
    ok("version-key", `version key ${request.versionKey} ≥ subnet's ${required}${required === 0n ? " (any)" : ""}`);
  } else {
    fail("version-key", new IncorrectVersionKeyError(request.versionKey, required));
  }

  if (state.uid === undefined) {
    skip("rate-limit", "not registered");
  } else {
    const at = nextBlock(state);
    const since = at - state.lastUpdate;
    if (state.lastUpdate === 0 || since >= state.weightsRateLimit) {
      ok(
        "rate-limit",
        state.lastUpdate === 0
          ? "never set before"
          : `last set at block ${state.lastUpdate}, ${since} blocks ago, limit ${state.weightsRateLimit}`,
      );
    } else {
      fail(
        "rate-limit",
        new WeightsRateLimitedError({
          lastUpdate: state.lastUpdate,
          rateLimit: state.weightsRateLimit,
          currentBlock: state.block,
        }),
      );
    }
  }

  const self = isSelfWeight(state, request.uids);
  if (state.uid === undefined) skip("permit", "not registered");
  else if (self) skip("permit", "self-weight: no permit needed");
  else if (state.isSubnetOwner) skip("permit", "subnet owner: no permit needed");
  else if (state.validatorPermit) ok("permit", `uid ${state.uid} has a validator permit`);
  else fail("permit", new NoValidatorPermitError(state.uid, netuid));

  const seen = new Set<number>();
  const duplicate = request.uids.find((uid) => seen.has(uid) || !seen.add(uid));
  const unknown = request.uids.filter((uid) => uid >= state.subnetN);
  if (duplicate !== undefined) fail("uids", new InvalidWeightsError(`uid ${duplicate} appears more than once`));
  else if (unknown.length > 0) {
    const list = `${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}`;
    fail(
      "uids",
      new InvalidWeightsError(
        `${
          unknown.length === 1 ? `uid ${list} is` : `uids ${list} are`
        } not on subnet ${netuid} (it has ${state.subnetN} uids)`,
      ),
    );
  } else ok("uids", `${request.uids.length} distinct uids, all below ${state.subnetN}`);

  const minimum = Math.min(state.minAllowedWeights, state.subnetN);
  if (self) skip("min-weights", "self-weight: no minimum");
  else if (request.uids.length >= minimum) {
    ok("min-weights", `${request.uids.length} weights ≥ minimum ${minimum}`);
  } else fail("min-weights", new TooFewWeightsError(request.uids.length, minimum));

  if (!state.commitRevealEnabled) {
    ok("commit-reveal", "off: weights are set directly (set_mechanism_weights)");
  } else if (state.commitRevealVersion !== COMMIT_REVEAL_VERSION) {
    fail(
      "commit-reveal",
      new CommitRevealError(
        `the chain expects commit-reveal version ${state.commitRevealVersion}, subvalid sends ${COMMIT_REVEAL_VERSION}`,
      ),
    );
  } else if (request.revealRound !== undefined && request.revealRound < state.lastStoredRound) {
    fail(
      "commit-reveal",
      new CommitRevealError(
        `reveal round ${request.revealRound} is before the chain's last drand round ${state.lastStoredRound}`,
      ),
    );
  } else {
    ok(
      "commit-reveal",
      `on: timelocked commit v${COMMIT_REVEAL_VERSION}${
        request.revealRound === undefined ? "" : ` for drand round ${request.revealRound}`
      }, revealed by the chain after ${state.revealPeriodEpochs} epoch(s)`,
    );
  }

  return results;
}

/** Throws the error of the first failed pre-check, if any. */
export function assertPrechecks(results: readonly PrecheckResult[]): void {
  const failed = results.find((r) => r.status === "fail");
  if (failed?.error) throw failed.error;
}
