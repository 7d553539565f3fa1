/**
 * Signs and submits one weights extrinsic and waits for inclusion (and
 * optionally finalization) with deadlines: an explicit pool-aware nonce from
 * `system_accountNextIndex`, a mortal era, pool rejections and dispatch
 * errors mapped to typed errors, a dropped connection noticed at once.
 *
 * @module
 */
import type { ApiPromise } from "@polkadot/api";
import type { SubmittableExtrinsic } from "@polkadot/api/types";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { ISubmittableResult } from "@polkadot/types/types";
import { withDeadline } from "./weights_deadline.ts";
import {
  WeightsConnectionError,
  type WeightsError,
  WeightsRejectedError,
  WeightsTimeoutError,
} from "./weights_errors.ts";
import { errorForName, fromPoolRejection, type RejectionContext } from "./weights_rejection.ts";

/**
 * The mortal era length, in blocks: the Python SDK's `DEFAULT_PERIOD` (128
 * blocks, about 25 minutes at 12 s). polkadot.js would pick 32 here (5 min of
 * slots + 5 blocks of finality lag, rounded up to a power of two); 128 keeps
 * the transaction valid across a node's brief stalls while our own inclusion
 * deadline, much shorter, decides when we stop waiting.
 */
export const DEFAULT_ERA_PERIOD = 128;

/** Options of {@linkcode submitWeightsExtrinsic}. */
export interface SubmitOptions {
  /** Wording context for typed errors. */
  readonly context: RejectionContext;
  /** Mortal era length in blocks. @default 128 */
  readonly eraPeriod?: number;
  /** Deadline for reading the nonce and signing (headers). @default 30_000 */
  readonly prepareTimeoutMs?: number;
  /** Deadline from submission to inclusion in a block. @default 60_000 */
  readonly inclusionTimeoutMs?: number;
  /** Also wait for finalization. @default false */
  readonly waitForFinalization?: boolean;
  /** Deadline from inclusion to finalization. @default 120_000 */
  readonly finalizationTimeoutMs?: number;
  /** Called with each transaction status (`ready`, `inBlock`, …). */
  readonly onStatus?: (status: string, extrinsicHash: string) => void;
  /** Cancels the wait (the transaction may still land). */
  readonly signal?: AbortSignal;
}

/** Where the extrinsic landed. */
export interface Inclusion {
  /** The including block's number. */
  readonly block: number;
  /** Its hash. */
  readonly blockHash: string;
  /** The extrinsic's hash. */
  readonly extrinsicHash: string;
  /** Whether finalization was seen. */
  readonly finalized: boolean;
  /** The nonce used. */
  readonly nonce: number;
}

/** Reads the hotkey's next nonce from the node's pool-aware `system_accountNextIndex`. */
export async function nextNonce(
  api: ApiPromise,
  address: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const index = await withDeadline(
    api.rpc.system.accountNextIndex(address),
    timeoutMs,
    () => new WeightsTimeoutError("submit", timeoutMs, undefined),
    signal,
  );
  return index.toNumber();
}

function dispatchFailure(api: ApiPromise, result: ISubmittableResult, context: RejectionContext): WeightsError {
  const error = result.dispatchError!;
  if (error.isModule) {
    const meta = api.registry.findMetaError(error.asModule);
    return errorForName(meta.name, context, new Error(`${meta.section}.${meta.name}: ${meta.docs.join(" ")}`));
  }
  return new WeightsRejectedError(`dispatch ${error.type}`, error.toString());
}

/**
 * Signs `tx` with `signer` (explicit nonce, mortal era) and submits it,
 * resolving when it is in a block (or finalized) without a dispatch error.
 *
 * @throws {WeightsError} A typed error for every refusal, timeout or drop.
 */
export async function submitWeightsExtrinsic(
  api: ApiPromise,
  tx: SubmittableExtrinsic<"promise">,
  signer: KeyringPair,
  options: SubmitOptions,
): Promise<Inclusion> {
  const prepareMs = options.prepareTimeoutMs ?? 30_000;
  const nonce = await nextNonce(api, signer.address, prepareMs, options.signal);
  await withDeadline(
    tx.signAsync(signer, { nonce, era: options.eraPeriod ?? DEFAULT_ERA_PERIOD }),
    prepareMs,
    () => new WeightsTimeoutError("submit", prepareMs, undefined),
    options.signal,
  );
  const extrinsicHash = tx.hash.toHex();
  const inclusionMs = options.inclusionTimeoutMs ?? 60_000;
  const finalizationMs = options.finalizationTimeoutMs ?? 120_000;

  return await new Promise<Inclusion>((resolve, reject) => {
    let settled = false;
    let unsubscribe: (() => void) | undefined;
    let included: Omit<Inclusion, "finalized"> | undefined;
    let timer = setTimeout(() => fail(new WeightsTimeoutError("inclusion", inclusionMs, extrinsicHash)), inclusionMs);
    const onDisconnect = () =>
      fail(new WeightsConnectionError("the connection to the node dropped while waiting for inclusion", extrinsicHash));
    const onAbort = () => fail(options.signal!.reason);
    api.on("disconnected", onDisconnect);
    options.signal?.addEventListener("abort", onAbort, { once: true });

    function cleanup() {
      settled = true;
      clearTimeout(timer);
      api.off("disconnected", onDisconnect);
      options.signal?.removeEventListener("abort", onAbort);
      try {
        unsubscribe?.();
      } catch { /* the connection is gone; nothing to unsubscribe */ }
    }
    function fail(error: unknown) {
      if (settled) return;
      cleanup();
      reject(error);
    }
    function succeed(finalized: boolean) {
      if (settled) return;
      cleanup();
      resolve({ ...included!, finalized });
    }

    const onResult = (result: ISubmittableResult) => {
      if (settled) return;
      const status = result.status;
      options.onStatus?.(status.type, extrinsicHash);
      if (status.isInBlock || status.isFinalized) {
        if (result.internalError) {
          return fail(
            new WeightsConnectionError(
              `included in block ${status.value.toHex()} but its events could not be read (${result.internalError.message})`,
              extrinsicHash,
              { cause: result.internalError },
            ),
          );
        }
        if (result.dispatchError) return fail(dispatchFailure(api, result, options.context));
        included ??= {
          block: (result as ISubmittableResult & { blockNumber?: { toNumber(): number } }).blockNumber?.toNumber() ??
            -1,
          blockHash: status.value.toHex(),
          extrinsicHash,
          nonce,
        };
        if (status.isFinalized || !options.waitForFinalization) return succeed(status.isFinalized);
        clearTimeout(timer);
        timer = setTimeout(
          () => fail(new WeightsTimeoutError("finalization", finalizationMs, extrinsicHash)),
          finalizationMs,
        );
        return;
      }
      if (status.isInvalid || status.isDropped) {
        return fail(new WeightsRejectedError(`pool ${status.type.toLowerCase()}`, "the node dropped the transaction"));
      }
      if (status.isUsurped) {
        return fail(new WeightsRejectedError("usurped", "another transaction with the same nonce replaced it"));
      }
      if (status.isFinalityTimeout) {
        return fail(new WeightsTimeoutError("finalization", finalizationMs, extrinsicHash));
      }
      // ready, future, broadcast, retracted: keep waiting.
    };

    tx.send(onResult).then(
      (unsub) => {
        if (settled) unsub();
        else unsubscribe = unsub;
      },
      (error: unknown) => {
        fail(
          fromPoolRejection(error, options.context) ??
            new WeightsConnectionError(`submission failed: ${(error as Error)?.message ?? error}`, extrinsicHash, {
              cause: error,
            }),
        );
      },
    );
  });
}
