/**
 * Turns the chain's refusals of a weights transaction into typed errors:
 * pool rejections (JSON-RPC error replies to `author_submitAndWatchExtrinsic`,
 * e.g. `1010: Invalid Transaction: Custom error: 6`) and dispatch failures
 * (`ExtrinsicFailed` module errors, decoded with `registry.findMetaError`).
 *
 * @module
 */
import {
  CommitRevealError,
  IncorrectVersionKeyError,
  InvalidWeightsError,
  NotEnoughStakeError,
  NotRegisteredError,
  NoValidatorPermitError,
  type RateLimitState,
  TooFewWeightsError,
  TooManyUnrevealedCommitsError,
  type WeightsError,
  WeightsNonceError,
  WeightsRateLimitedError,
  WeightsRejectedError,
} from "./weights_errors.ts";

/** What is known about the submission, to word the error. */
export interface RejectionContext {
  /** The hotkey's SS58 address. */
  readonly hotkey: string;
  /** The subnet. */
  readonly netuid: number;
  /** The hotkey's uid, if registered. */
  readonly uid?: number | undefined;
  /** The version key sent. */
  readonly versionKey: bigint;
  /** The subnet's `WeightsVersionKey`, if read. */
  readonly requiredVersionKey?: bigint | undefined;
  /** Rate-limit state, if read (to name the next allowed block). */
  readonly rateLimit?: RateLimitState | undefined;
  /** Number of uids sent. */
  readonly count?: number | undefined;
  /** `min(MinAllowedWeights, SubnetworkN)`, if read. */
  readonly minAllowedWeights?: number | undefined;
}

/** Names of subtensor's `CustomTransactionError` codes (HEAD, `transaction_extension` errors). */
export const CUSTOM_ERROR_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: "ColdkeyInSwapSchedule",
  1: "StakeAmountTooLow",
  2: "BalanceTooLow",
  3: "SubnetNotExists",
  4: "HotkeyAccountDoesntExist",
  5: "NotEnoughStakeToWithdraw",
  6: "RateLimitExceeded",
  10: "HotKeyNotRegisteredInNetwork",
  14: "ZeroMaxAmount",
  15: "InvalidRevealRound",
  16: "CommitNotFound",
  17: "CommitBlockNotInRevealRange",
  18: "InputLengthsUnequal",
  19: "UidNotFound",
  25: "CommitRevealEnabled",
  26: "CommitRevealDisabled",
  29: "IncorrectCommitRevealVersion",
  30: "CommittingWeightsTooFast",
  31: "TooManyUnrevealedCommits",
  255: "BadRequest",
});

/** Maps a `CustomTransactionError` / dispatch error name to a typed error. */
export function errorForName(name: string, context: RejectionContext, cause?: unknown): WeightsError {
  const options = cause === undefined ? {} : { cause };
  switch (name) {
    case "HotKeyNotRegisteredInSubNet":
    case "HotKeyNotRegisteredInNetwork":
    case "UidNotFound":
      return new NotRegisteredError(context.hotkey, context.netuid, options);
    case "NeuronNoValidatorPermit":
      return new NoValidatorPermitError(context.uid ?? -1, context.netuid, options);
    case "IncorrectWeightVersionKey":
      return new IncorrectVersionKeyError(context.versionKey, context.requiredVersionKey, options);
    case "SettingWeightsTooFast":
    case "CommittingWeightsTooFast":
    case "RateLimitExceeded":
      return new WeightsRateLimitedError(context.rateLimit, options);
    case "WeightVecLengthIsLow":
      return new TooFewWeightsError(context.count ?? 0, context.minAllowedWeights ?? 0, options);
    case "NotEnoughStakeToSetWeights":
    case "StakeAmountTooLow":
      return new NotEnoughStakeError(options);
    case "DuplicateUids":
      return new InvalidWeightsError("the uids contain duplicates", options);
    case "UidVecContainInvalidOne":
    case "UidsLengthExceedUidsInSubNet":
      return new InvalidWeightsError("some uids are not registered on the subnet", options);
    case "WeightVecNotEqualSize":
    case "InputLengthsUnequal":
      return new InvalidWeightsError("uids and values have different lengths", options);
    case "MaxWeightExceeded":
      return new InvalidWeightsError("a weight exceeds the subnet's MaxWeightsLimit", options);
    case "CommitRevealEnabled":
      return new CommitRevealError("commit-reveal is enabled on the subnet, plain set_weights is refused", options);
    case "CommitRevealDisabled":
      return new CommitRevealError("commit-reveal is disabled on the subnet, commits are refused", options);
    case "IncorrectCommitRevealVersion":
      return new CommitRevealError("the chain expects another commit-reveal version", options);
    case "InvalidRevealRound":
      return new CommitRevealError("the reveal round is already past on chain (InvalidRevealRound)", options);
    case "TooManyUnrevealedCommits":
      return new TooManyUnrevealedCommitsError(options);
    default:
      return new WeightsRejectedError(name, "see the chain's error documentation", options);
  }
}

/** The JSON-RPC error shape polkadot.js rejects with (`RpcError`), or its message. */
interface RpcErrorLike {
  code?: unknown;
  data?: unknown;
  message?: unknown;
}

/**
 * Maps a rejected submission to a typed error, or returns undefined if the
 * error is not a transaction-pool rejection (e.g. a dropped connection).
 */
export function fromPoolRejection(error: unknown, context: RejectionContext): WeightsError | undefined {
  const e = (error ?? {}) as RpcErrorLike;
  const message = typeof e.message === "string" ? e.message : String(error);
  let code = typeof e.code === "number" ? e.code : undefined;
  let data = typeof e.data === "string" ? e.data : undefined;
  const parsed = /^(10\d\d): ([^:]+)(?:: (.*))?$/s.exec(message);
  if (code === undefined && parsed) code = Number(parsed[1]);
  if (data === undefined && parsed) data = parsed[3];
  if (code === undefined || code < 1010 || code > 1019) return undefined;
  const detail = data ?? message;
  const custom = /Custom error: (\d+)/.exec(detail);
  if (code === 1010 && custom) {
    const n = Number(custom[1]);
    const name = CUSTOM_ERROR_NAMES[n] ?? `Custom error ${n}`;
    const mapped = errorForName(name, context, error);
    return mapped instanceof WeightsRejectedError
      ? new WeightsRejectedError(`pool ${code}, custom ${n}`, name, { cause: error })
      : mapped;
  }
  if (/outdated|stale/i.test(detail) || code === 1014 || code === 1013) {
    return new WeightsNonceError(`the pool refused the nonce: ${detail}`, { cause: error });
  }
  return new WeightsRejectedError(`pool ${code}`, detail, { cause: error });
}
