/**
 * Signing, submitting and watching one transaction until it is in a block
 * (or finalized), under a deadline, with an explicit pool-aware nonce from
 * `system_accountNextIndex`. Pool rejections become
 * {@linkcode ChainTransactionError}, failed dispatches
 * {@linkcode ChainDispatchError}.
 *
 * @module
 */
import type { SubmittableExtrinsic } from "@polkadot/api/types";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { ISubmittableResult } from "@polkadot/types/types";
import { ChainDispatchError, ChainError, ChainTransactionError } from "./chain_error.ts";
import type { ChainClient } from "./connect_chain.ts";

/** Options of {@linkcode submitExtrinsic}. */
export interface SubmitExtrinsicOptions {
  /** Cancels waiting (the transaction may still be included). */
  signal?: AbortSignal | undefined;
  /** Deadline of submission plus inclusion (ms). @default 3 × the client's timeout */
  timeoutMs?: number | undefined;
  /** Wait until the block is finalized, not just included. @default false */
  waitForFinalization?: boolean | undefined;
  /** The nonce. @default `system_accountNextIndex` (counts the signer's transactions in the pool) */
  nonce?: number | undefined;
  /** Mortal era length in blocks. @default polkadot.js's default */
  eraPeriod?: number | undefined;
  /** What is being done, for messages ("commit model …"). @default "submit <section>.<method>" */
  what?: string | undefined;
}

/** The outcome of an included transaction. */
export interface SubmitResult {
  /** The transaction hash. */
  readonly txHash: string;
  /** The block it was included in. */
  readonly blockHash: string;
  /** Whether that block was finalized when the call returned. */
  readonly finalized: boolean;
  /** The events of the transaction, as `section.method`. */
  readonly events: readonly string[];
}

// deno-lint-ignore no-explicit-any
type Any = any;

/**
 * Signs `tx` with `signer`, submits it and waits for inclusion.
 *
 * @throws {ChainTransactionError} when the node refuses it (bad signature, stale nonce, `Custom error: N`, …)
 *   or drops it from the pool
 * @throws {ChainDispatchError} when it is included but fails (`System.ExtrinsicFailed`)
 * @throws {ChainTimeoutError} when it is not included by the deadline
 */
export async function submitExtrinsic(
  client: ChainClient,
  tx: SubmittableExtrinsic<"promise">,
  signer: KeyringPair,
  options: SubmitExtrinsicOptions = {},
): Promise<SubmitResult> {
  const what = options.what ?? `submit ${tx.method.section}.${tx.method.method}`;
  const nonce = options.nonce ?? (await client.call(
    `read the next nonce of ${signer.address}`,
    (api) => api.rpc.system.accountNextIndex(signer.address),
    { signal: options.signal },
  )).toNumber();
  const timeoutMs = options.timeoutMs ?? client.timeoutMs * 3;
  const signOptions: Record<string, unknown> = { nonce };
  if (options.eraPeriod !== undefined) signOptions.era = options.eraPeriod;
  return await client.call(what, (api) =>
    new Promise<SubmitResult>((resolve, reject) => {
      let unsubscribe: (() => void) | undefined;
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        unsubscribe?.();
        fn();
      };
      const onResult = (result: ISubmittableResult) => {
        const status = result.status;
        if (status.isInvalid || status.isDropped || status.isUsurped) {
          settle(() =>
            reject(
              new ChainTransactionError(`Cannot ${what}: the node ${status.type.toLowerCase()} the transaction`, {
                code: 0,
                data: status.type,
                hint: "Another transaction with the same nonce won, or the chain state changed; retry",
              }),
            )
          );
          return;
        }
        const inBlock = status.isInBlock || status.isFinalized;
        if (!inBlock || (options.waitForFinalization && !status.isFinalized)) return;
        const blockHash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex();
        const events = result.events.map(({ event }) => `${event.section}.${event.method}`);
        if (result.dispatchError !== undefined) {
          const error: Any = result.dispatchError;
          let section = "system";
          let name = error.type as string;
          if (error.isModule) {
            const meta = api.registry.findMetaError(error.asModule);
            section = meta.section;
            name = meta.name;
          }
          settle(() =>
            reject(
              new ChainDispatchError(`Cannot ${what}: the transaction failed with ${section}.${name}`, {
                section,
                error: name,
                blockHash,
              }),
            )
          );
          return;
        }
        settle(() => resolve({ txHash: tx.hash.toHex(), blockHash, finalized: status.isFinalized, events }));
      };
      tx.signAndSend(signer, signOptions, onResult).then((unsub) => {
        if (settled) unsub();
        else unsubscribe = unsub;
      }, (error: Any) => settle(() => reject(rejection(what, error))));
    }), { signal: options.signal, timeoutMs, retry: false });
}

function rejection(what: string, error: Any): ChainError {
  const code = typeof error?.code === "number" ? error.code : undefined;
  if (code === undefined) {
    return new ChainError(`Cannot ${what}: ${error?.message ?? String(error)}`, { cause: error });
  }
  const data = typeof error.data === "string" ? error.data : undefined;
  const custom = data?.match(/^Custom error: (\d+)$/);
  const hint = custom ? customErrorHint(Number(custom[1])) : poolHint(data);
  return new ChainTransactionError(`Cannot ${what}: the node refused it (${code}: ${data ?? error.message})`, {
    code,
    data,
    ...(hint === undefined ? {} : { hint }),
    cause: error,
  });
}

/** What subtensor's `CustomTransactionError` codes mean. */
export const CUSTOM_ERRORS: Readonly<Record<number, string>> = {
  1: "stake below the minimum to set weights (StakeAmountTooLow)",
  6: "rate limited: too soon since the last weights or commit (RateLimitExceeded)",
  10: "hotkey not registered on the network (HotKeyNotRegisteredInNetwork)",
  15: "the reveal round is already past (InvalidRevealRound)",
  16: "no matching weights commit (CommitNotFound)",
  17: "not in the reveal window (CommitBlockNotInRevealRange)",
  18: "batch inputs of unequal length (InputLengthsUnequal)",
  19: "uid not found (UidNotFound)",
  255: "bad request (BadRequest)",
};

function customErrorHint(code: number): string {
  return `Subtensor custom error ${code}: ${CUSTOM_ERRORS[code] ?? "see subtensor's CustomTransactionError"}`;
}

function poolHint(data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  if (/outdated/.test(data)) return "The nonce was already used; another transaction from this key got in first";
  if (/bad signature/.test(data)) {
    return "The signed payload did not match the chain's (wrong genesis, runtime version, era or extensions)";
  }
  if (/ancient birth block/.test(data)) return "The era's birth block is unknown to the node; retry";
  return undefined;
}
