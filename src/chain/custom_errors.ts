/**
 * The transaction pool's refusals, named: JSON-RPC error replies such as
 * `1010: Invalid Transaction: Custom error: 6`, where N is subtensor's
 * `CustomTransactionError` (research/chain.md §2.3). One table, used by every
 * submission.
 *
 * @module
 */
import { ChainTransactionError } from "./chain_error.ts";

/** Subtensor's `CustomTransactionError` codes: the name, and what it means to an operator. */
export const CUSTOM_ERRORS: Readonly<Record<number, { readonly name: string; readonly meaning: string }>> = Object
  .freeze({
    0: { name: "ColdkeyInSwapSchedule", meaning: "the coldkey is scheduled for a swap" },
    1: { name: "StakeAmountTooLow", meaning: "stake below the minimum to set weights" },
    2: { name: "BalanceTooLow", meaning: "balance too low" },
    3: { name: "SubnetNotExists", meaning: "the subnet does not exist" },
    4: { name: "HotkeyAccountDoesntExist", meaning: "the hotkey account does not exist" },
    5: { name: "NotEnoughStakeToWithdraw", meaning: "not enough stake to withdraw" },
    6: { name: "RateLimitExceeded", meaning: "rate limited: too soon since the last weights or commit" },
    10: { name: "HotKeyNotRegisteredInNetwork", meaning: "hotkey not registered on the network" },
    14: { name: "ZeroMaxAmount", meaning: "zero maximum amount" },
    15: { name: "InvalidRevealRound", meaning: "the reveal round is already past" },
    16: { name: "CommitNotFound", meaning: "no matching weights commit" },
    17: { name: "CommitBlockNotInRevealRange", meaning: "not in the reveal window" },
    18: { name: "InputLengthsUnequal", meaning: "batch inputs of unequal length" },
    19: { name: "UidNotFound", meaning: "uid not found" },
    25: { name: "CommitRevealEnabled", meaning: "commit-reveal is enabled: plain weights are refused" },
    26: { name: "CommitRevealDisabled", meaning: "commit-reveal is disabled: commits are refused" },
    29: { name: "IncorrectCommitRevealVersion", meaning: "another commit-reveal version is expected" },
    30: { name: "CommittingWeightsTooFast", meaning: "rate limited: commits too fast" },
    31: { name: "TooManyUnrevealedCommits", meaning: "too many unrevealed commits" },
    255: { name: "BadRequest", meaning: "bad request" },
  });

/** A pool refusal as JSON-RPC gives it: the code and the data string. */
export interface PoolRefusal {
  /** The JSON-RPC error code (1010 invalid, 1013/1014 nonce or priority, 0 for a status such as `Dropped`). */
  readonly code: number;
  /** The error data (`"Custom error: 6"`, `"Transaction is outdated"`, `"Dropped"`, …). */
  readonly data: string | undefined;
  /** The node's whole text (`"1010: Invalid Transaction: Custom error: 6"`), when it gave one. */
  readonly text?: string | undefined;
}

/**
 * Reads a pool refusal out of what polkadot.js rejects with (an `RpcError`
 * with `code` and `data`, or only a message `"1010: Invalid Transaction:
 * Custom error: 6"`); `undefined` when the error is something else (a
 * dropped connection).
 */
export function poolRefusalOf(error: unknown): PoolRefusal | undefined {
  const e = (error ?? {}) as { code?: unknown; data?: unknown; message?: unknown };
  const message = typeof e.message === "string" ? e.message : String(error);
  const parsed = /^(10\d\d): ([^:]+)(?:: (.*))?$/s.exec(message);
  const code = typeof e.code === "number" ? e.code : parsed ? Number(parsed[1]) : undefined;
  if (code === undefined || code < 1000 || code > 1099) return undefined;
  const data = typeof e.data === "string" ? e.data : parsed?.[3] ?? message;
  return { code, data, ...(parsed ? { text: message } : {}) };
}

function poolHint(data: string | undefined, custom: number | undefined): string | undefined {
  if (custom !== undefined) {
    const known = CUSTOM_ERRORS[custom];
    return `Subtensor custom error ${custom}: ${
      known ? `${known.meaning} (${known.name})` : "see its CustomTransactionError"
    }`;
  }
  if (data === undefined) return undefined;
  if (/outdated|stale/i.test(data)) return "The nonce was already used; another transaction from this key got in first";
  if (/bad signature/i.test(data)) {
    return "The signed payload did not match the chain's (wrong genesis, runtime version, era or extensions)";
  }
  if (/ancient birth block/i.test(data)) return "The era's birth block is unknown to the node; retry";
  if (/^(Dropped|Invalid|Usurped)$/.test(data)) {
    return "Another transaction with the same nonce won, or the chain state changed; retry";
  }
  return undefined;
}

/** The typed error for a pool refusal of `what`. */
export function transactionRejection(what: string, refusal: PoolRefusal, cause?: unknown): ChainTransactionError {
  const custom = refusal.data?.match(/Custom error: (\d+)/);
  const customError = custom ? Number(custom[1]) : undefined;
  const hint = poolHint(refusal.data, customError);
  const message = refusal.code === 0
    ? `Cannot ${what}: the node ${refusal.data?.toLowerCase() ?? "refused"} the transaction`
    : `Cannot ${what}: the node refused it (${refusal.text ?? `${refusal.code}: ${refusal.data ?? "no detail"}`})`;
  return new ChainTransactionError(message, {
    code: refusal.code,
    data: refusal.data,
    ...(customError === undefined ? {} : { customErrorName: CUSTOM_ERRORS[customError]?.name }),
    ...(hint === undefined ? {} : { hint }),
    ...(cause === undefined ? {} : { cause }),
  });
}
