/**
 * Turns the chain's refusals of a weights transaction into typed errors:
 * pool rejections (`1010: Invalid Transaction: Custom error: 6`, named by the
 * chain adapter's one table of custom errors) and dispatch failures
 * (`ExtrinsicFailed` module errors, decoded by name).
 *
 * @module
 */
import { ChainDispatchError, ChainTransactionError } from "../chain/mod.ts";
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
} from "./errors.ts";

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

/**
 * Maps the chain's refusal of a weights transaction to a typed weights error:
 * a pool rejection (`ChainTransactionError`, by subtensor's custom error name,
 * or a nonce problem) or a failed dispatch (`ChainDispatchError`, by module
 * error name). Anything else (timeouts, dropped connections) is returned
 * unchanged: the chain's own errors already say what happened.
 */
export function weightsErrorFrom(error: unknown, context: RejectionContext): unknown {
  if (error instanceof ChainDispatchError) return errorForName(error.error, context, error);
  if (!(error instanceof ChainTransactionError)) return error;
  if (error.customError !== undefined) {
    const name = error.customErrorName ?? `Custom error ${error.customError}`;
    const mapped = errorForName(name, context, error);
    return mapped instanceof WeightsRejectedError
      ? new WeightsRejectedError(`pool ${error.code}, custom ${error.customError}`, name, { cause: error })
      : mapped;
  }
  const detail = error.data ?? error.message;
  if (/outdated|stale/i.test(detail) || error.code === 1014 || error.code === 1013) {
    return new WeightsNonceError(`the pool refused the nonce: ${detail}`, { cause: error });
  }
  if (error.code === 0) {
    return error.data === "Usurped"
      ? new WeightsRejectedError("usurped", "another transaction with the same nonce replaced it", { cause: error })
      : new WeightsRejectedError(`pool ${detail.toLowerCase()}`, "the node dropped the transaction", { cause: error });
  }
  return new WeightsRejectedError(`pool ${error.code}`, detail, { cause: error });
}
