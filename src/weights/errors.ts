/**
 * Why setting weights failed, as typed errors with operator hints: found by
 * the pre-checks before signing, by the transaction pool (JSON-RPC `1010
 * Invalid Transaction` with `Custom error: N`, research/chain.md §2.3), or by
 * dispatch (`System.ExtrinsicFailed` module errors, decoded by name). A
 * missed deadline or a dropped connection is the chain's own
 * `ChainTimeoutError` / `ChainConnectionError` (the outcome is unknown).
 *
 * @module
 */
import { ExitCode, SubvalidError, type SubvalidErrorOptions } from "../errors/mod.ts";

/** A short, stable name of each failure, for receipts, logs and scripts. */
export type WeightsFailureKind =
  | "not-registered"
  | "no-permit"
  | "version-key"
  | "rate-limited"
  | "too-few-weights"
  | "invalid-weights"
  | "not-enough-stake"
  | "commit-reveal"
  | "too-many-commits"
  | "nonce"
  | "rejected"
  | "timeout"
  | "connection"
  | "empty";

/** The base of every weight-setting failure. */
export abstract class WeightsError extends SubvalidError {
  override readonly exitCode: ExitCode = ExitCode.Weights;
  /** What kind of failure this is. */
  abstract readonly kind: WeightsFailureKind;
  /** Whether the same submission may succeed later without operator action. */
  readonly retryable: boolean = false;
}

/** The hotkey has no uid on the subnet. */
export class NotRegisteredError extends WeightsError {
  readonly kind = "not-registered";
  constructor(readonly hotkey: string, readonly netuid: number, options: SubvalidErrorOptions = {}) {
    super(`Cannot set weights: hotkey "${hotkey}" is not registered on subnet ${netuid}`, {
      hint: `Register it first (btcli subnets register --netuid ${netuid}), or check --wallet.hotkey and --netuid`,
      ...options,
    });
  }
}

/** The hotkey's uid has no validator permit (and the weights are not a self-weight). */
export class NoValidatorPermitError extends WeightsError {
  readonly kind = "no-permit";
  constructor(readonly uid: number, readonly netuid: number, options: SubvalidErrorOptions = {}) {
    super(`Cannot set weights: uid ${uid} on subnet ${netuid} has no validator permit`, {
      hint: "Permits go to the top-stake neurons each epoch: add stake to this hotkey and wait for the next epoch",
      ...options,
    });
  }
}

/** The version key sent is below the subnet's `WeightsVersionKey`. */
export class IncorrectVersionKeyError extends WeightsError {
  readonly kind = "version-key";
  constructor(readonly versionKey: bigint, readonly required: bigint | undefined, options: SubvalidErrorOptions = {}) {
    super(
      required === undefined
        ? `Cannot set weights: the chain refused version key ${versionKey}`
        : `Cannot set weights: version key is ${versionKey}, subnet requires at least ${required}`,
      {
        hint: required === undefined
          ? "Update subvalid or pass the subnet's current key with --validator.version_key"
          : `Update subvalid, or pass --validator.version_key ${required} if the subnet raised its key`,
        ...options,
      },
    );
  }
}

/** Details of a rate-limit refusal. */
export interface RateLimitState {
  /** The block the weights were last set at (`LastUpdate`). */
  readonly lastUpdate: number;
  /** `WeightsSetRateLimit` in blocks. */
  readonly rateLimit: number;
  /** The current block. */
  readonly currentBlock: number;
}

/** Weights were set too recently (`WeightsSetRateLimit`). */
export class WeightsRateLimitedError extends WeightsError {
  readonly kind = "rate-limited";
  override readonly retryable = true;
  /** The first block at which setting weights is allowed again, if known. */
  readonly nextAllowedBlock: number | undefined;
  constructor(readonly state: RateLimitState | undefined, options: SubvalidErrorOptions = {}) {
    const next = state ? state.lastUpdate + state.rateLimit : undefined;
    super(
      state
        ? `Cannot set weights: rate limited until block ${next} (last set at block ${state.lastUpdate}, limit ${state.rateLimit} blocks, now ${state.currentBlock})`
        : "Cannot set weights: the chain says weights were set too recently",
      {
        hint: state
          ? `Wait ${Math.max(0, next! - state.currentBlock)} blocks (about ${
            Math.ceil(Math.max(0, next! - state.currentBlock) * 12 / 60)
          } min) and try again`
          : "Wait for the subnet's weights rate limit to pass and try again",
        ...options,
      },
    );
    this.nextAllowedBlock = next;
  }
}

/** Fewer uids than `MinAllowedWeights` (capped at the subnet size). */
export class TooFewWeightsError extends WeightsError {
  readonly kind = "too-few-weights";
  constructor(readonly count: number, readonly required: number, options: SubvalidErrorOptions = {}) {
    super(`Cannot set weights: ${count} non-zero weights, subnet requires at least ${required}`, {
      hint: "Give weight to more uids (the subnet's MinAllowedWeights), or check that scoring produced results",
      ...options,
    });
  }
}

/** The weights vector itself is refused (duplicate or unknown uids, lengths, max weight limit). */
export class InvalidWeightsError extends WeightsError {
  readonly kind = "invalid-weights";
  constructor(detail: string, options: SubvalidErrorOptions = {}) {
    super(`Cannot set weights: ${detail}`, {
      hint: "Check the weights input: uids must be unique and registered on the subnet",
      ...options,
    });
  }
}

/** The hotkey's stake is below the chain's `StakeThreshold`. */
export class NotEnoughStakeError extends WeightsError {
  readonly kind = "not-enough-stake";
  constructor(options: SubvalidErrorOptions = {}) {
    super("Cannot set weights: the hotkey's stake is below the chain's minimum to set weights (StakeThreshold)", {
      hint: "Add stake to the validator hotkey",
      ...options,
    });
  }
}

/** The commit-reveal mode or commit parameters do not match the chain. */
export class CommitRevealError extends WeightsError {
  readonly kind = "commit-reveal";
  override readonly retryable = true;
  constructor(detail: string, options: SubvalidErrorOptions = {}) {
    super(`Cannot set weights: ${detail}`, {
      hint: "The subnet's commit-reveal setting or drand state changed since it was read; the next attempt re-reads it",
      ...options,
    });
  }
}

/** Too many unrevealed timelocked commits are queued for this hotkey. */
export class TooManyUnrevealedCommitsError extends WeightsError {
  readonly kind = "too-many-commits";
  override readonly retryable = true;
  constructor(options: SubvalidErrorOptions = {}) {
    super("Cannot commit weights: too many unrevealed commits for this hotkey", {
      hint: "Wait for the earlier commits to be revealed (one reveal period) before committing again",
      ...options,
    });
  }
}

/** The nonce was already used or another transaction from the hotkey is pending. */
export class WeightsNonceError extends WeightsError {
  readonly kind = "nonce";
  override readonly retryable = true;
  constructor(detail: string, options: SubvalidErrorOptions = {}) {
    super(`Cannot set weights: ${detail}`, {
      hint:
        "Another transaction from this hotkey used the same nonce (a second validator process?); the next attempt takes a fresh nonce",
      ...options,
    });
  }
}

/** Any other refusal by the pool or at dispatch. */
export class WeightsRejectedError extends WeightsError {
  readonly kind = "rejected";
  constructor(readonly code: string, detail: string, options: SubvalidErrorOptions = {}) {
    super(`Cannot set weights: the chain refused the transaction (${code}): ${detail}`, {
      hint: "Rerun with --logging.debug; `deno task weights --dry-run` shows every pre-check",
      ...options,
    });
  }
}

/** Every weight is zero after conversion: there is nothing to send. */
export class EmptyWeightsError extends WeightsError {
  readonly kind = "empty";
  override readonly retryable = true;
  constructor(options: SubvalidErrorOptions = {}) {
    super("Cannot set weights: every weight is zero, there is nothing to send", {
      hint: "Wait for the first evaluation to produce scores; the chain keeps the previous weights meanwhile",
      ...options,
    });
  }
}
