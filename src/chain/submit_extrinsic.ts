/**
 * The one way a signed transaction reaches the chain: an explicit pool-aware
 * nonce from `system_accountNextIndex`, a mortal era, signing, submission,
 * and watching it into a block (and optionally finality) under deadlines.
 * Every failure is one of the chain's typed errors: pool rejections are
 * {@linkcode ChainTransactionError} (with subtensor's custom error named),
 * failed dispatches {@linkcode ChainDispatchError}, missed deadlines
 * {@linkcode ChainTimeoutError} and a dropped connection
 * {@linkcode ChainConnectionError} (both carry the extrinsic hash once it was
 * sent, since its outcome is then unknown).
 *
 * @module
 */
import type { SubmittableExtrinsic } from "@polkadot/api/types";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { ISubmittableResult } from "@polkadot/types/types";
import { withDeadline } from "../util/mod.ts";
import { ChainConnectionError, ChainDispatchError, ChainError, ChainTimeoutError } from "./chain_error.ts";
import { poolRefusalOf, transactionRejection } from "./custom_errors.ts";
import { unsignableExtensions } from "./api_options.ts";
import type { ChainClient } from "./connect_chain.ts";

/**
 * The mortal era length, in blocks: the Python SDK's default period (128
 * blocks, about 25 minutes at 12 s). polkadot.js would pick 32 here; 128
 * keeps a transaction valid across a node's brief stalls while our own
 * inclusion deadline, much shorter, decides when we stop waiting.
 */
export const DEFAULT_ERA_PERIOD = 128;

/** A runtime call by pallet and method, as polkadot.js names them (`subtensorModule`, `setMechanismWeights`). */
export interface ChainCall {
  readonly pallet: string;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** Options of {@linkcode submitExtrinsic} and {@linkcode submitCall}. */
export interface SubmitExtrinsicOptions {
  /** Cancels waiting (the transaction may still be included). */
  signal?: AbortSignal | undefined;
  /** What is being done, for messages ("set weights"). @default "submit <section>.<method>" */
  what?: string | undefined;
  /** The nonce. @default `system_accountNextIndex` (counts the signer's transactions in the pool) */
  nonce?: number | undefined;
  /** Mortal era length in blocks. @default 128 */
  eraPeriod?: number | undefined;
  /** Deadline of reading the nonce and signing (ms). @default the client's timeout */
  prepareTimeoutMs?: number | undefined;
  /** Deadline from submission to inclusion in a block (ms). @default 60000 */
  inclusionTimeoutMs?: number | undefined;
  /** Wait until the block is finalized, not just included. @default false */
  waitForFinalization?: boolean | undefined;
  /** Deadline from inclusion to finalization (ms). @default 120000 */
  finalizationTimeoutMs?: number | undefined;
  /** Called with each transaction status (`ready`, `inBlock`, …). */
  onStatus?: ((status: string, extrinsicHash: string) => void) | undefined;
}

/** The outcome of an included transaction. */
export interface SubmitResult {
  /** The transaction hash. */
  readonly txHash: string;
  /** The block it was included in. */
  readonly blockHash: string;
  /** That block's number (-1 when the node did not say). */
  readonly block: number;
  /** Whether that block was finalized when the call returned. */
  readonly finalized: boolean;
  /** The nonce used. */
  readonly nonce: number;
  /** The events of the transaction, as `section.method`. */
  readonly events: readonly string[];
}

// deno-lint-ignore no-explicit-any
type Any = any;

/** Whether the runtime has `pallet.method` (camelCase, as polkadot.js names them). */
export function hasCall(client: ChainClient, pallet: string, method: string): boolean {
  return (client.api.tx as Any)[pallet]?.[method] !== undefined;
}

/**
 * Builds `call` against the runtime, signs it with `signer`, submits it and
 * waits for inclusion.
 *
 * @throws {ChainError} when the runtime has no such call, and every error of {@linkcode submitExtrinsic}
 */
export async function submitCall(
  client: ChainClient,
  call: ChainCall,
  signer: KeyringPair,
  options: SubmitExtrinsicOptions = {},
): Promise<SubmitResult> {
  await client.call("connect to submit a transaction", () => Promise.resolve(), { signal: options.signal });
  const build = (client.api.tx as Any)[call.pallet]?.[call.method];
  if (build === undefined) {
    throw new ChainError(
      `Cannot ${
        options.what ?? `submit ${call.pallet}.${call.method}`
      }: the runtime has no call ${call.pallet}.${call.method}`,
      { hint: "The node runs another runtime version than subvalid expects; check the endpoint" },
    );
  }
  return await submitExtrinsic(client, build(...call.args), signer, options);
}

/**
 * Signs `tx` with `signer` (explicit nonce, mortal era), submits it and waits
 * for inclusion.
 *
 * @throws {ChainTransactionError} when the node refuses it (bad signature, stale nonce, `Custom error: N`, …)
 *   or drops, invalidates or replaces it in the pool
 * @throws {ChainDispatchError} when it is included but fails (`System.ExtrinsicFailed`)
 * @throws {ChainTimeoutError} when it is not prepared, included or finalized by its deadline
 * @throws {ChainConnectionError} when the connection drops while waiting (the outcome is unknown)
 */
export async function submitExtrinsic(
  client: ChainClient,
  tx: SubmittableExtrinsic<"promise">,
  signer: KeyringPair,
  options: SubmitExtrinsicOptions = {},
): Promise<SubmitResult> {
  const what = options.what ?? `submit ${tx.method.section}.${tx.method.method}`;
  const unsignable = unsignableExtensions(client.api);
  if (unsignable.length > 0) {
    const { identifier, extra, additionalSigned } = unsignable[0]!;
    throw new ChainError(
      `Cannot ${what}: the runtime's transaction extension "${identifier}" carries data subvalid does not know ` +
        `how to sign (extra ${extra}, additional signed ${additionalSigned})`,
      { hint: "The chain's runtime added a transaction extension; update subvalid before setting weights" },
    );
  }
  const prepareMs = options.prepareTimeoutMs ?? client.timeoutMs;
  const nonce = options.nonce ?? (await client.call(
    `read the next nonce of ${signer.address}`,
    (api) => api.rpc.system.accountNextIndex(signer.address),
    { signal: options.signal, timeoutMs: prepareMs },
  )).toNumber();
  const era = options.eraPeriod ?? DEFAULT_ERA_PERIOD;
  await client.call(
    `sign to ${what}`,
    () =>
      withDeadline(
        tx.signAsync(signer, { nonce, era }),
        prepareMs,
        () => new ChainTimeoutError(`Cannot ${what}: could not sign within ${prepareMs} ms`),
        options.signal,
      ),
    { signal: options.signal, timeoutMs: prepareMs, retry: false },
  );
  const api = client.api;
  const txHash = tx.hash.toHex();
  const inclusionMs = options.inclusionTimeoutMs ?? 60_000;
  const finalizationMs = options.finalizationTimeoutMs ?? 120_000;

  return await new Promise<SubmitResult>((resolve, reject) => {
    let settled = false;
    let unsubscribe: (() => void) | undefined;
    let included: Omit<SubmitResult, "finalized"> | undefined;
    const late = (stage: string, ms: number) =>
      new ChainTimeoutError(`Cannot ${what}: no ${stage} within ${ms} ms for extrinsic ${txHash}`, {
        extrinsicHash: txHash,
        hint: "The node is slow or stalled; the outcome is unknown. Try another endpoint if it persists",
      });
    let timer = setTimeout(() => fail(late("inclusion", inclusionMs)), inclusionMs);
    const onDisconnect = () =>
      fail(
        new ChainConnectionError(
          `Cannot ${what}: the connection to the node dropped while waiting for inclusion (extrinsic ${txHash}, outcome unknown)`,
          { extrinsicHash: txHash, hint: "Check the node and the network; the next attempt reconnects" },
        ),
      );
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
      options.onStatus?.(status.type, txHash);
      if (status.isInBlock || status.isFinalized) {
        const blockHash = status.value.toHex();
        if (result.internalError) {
          return fail(
            new ChainConnectionError(
              `Cannot ${what}: included in block ${blockHash} but its events could not be read (${result.internalError.message})`,
              { extrinsicHash: txHash, cause: result.internalError },
            ),
          );
        }
        if (result.dispatchError !== undefined) return fail(dispatchFailure(result, what, blockHash));
        included ??= {
          txHash,
          blockHash,
          block: (result as ISubmittableResult & { blockNumber?: { toNumber(): number } }).blockNumber?.toNumber() ??
            -1,
          nonce,
          events: result.events.map(({ event }) => `${event.section}.${event.method}`),
        };
        if (status.isFinalized || !options.waitForFinalization) return succeed(status.isFinalized);
        clearTimeout(timer);
        timer = setTimeout(() => fail(late("finalization", finalizationMs)), finalizationMs);
        return;
      }
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        return fail(transactionRejection(what, { code: 0, data: status.type }));
      }
      if (status.isFinalityTimeout) return fail(late("finalization", finalizationMs));
      // ready, future, broadcast, retracted: keep waiting.
    };

    tx.send(onResult).then(
      (unsub) => {
        if (settled) unsub();
        else unsubscribe = unsub;
      },
      (error: Any) => {
        const refusal = poolRefusalOf(error);
        fail(
          refusal !== undefined ? transactionRejection(what, refusal, error) : new ChainConnectionError(
            `Cannot ${what}: submission failed (${
              error?.message ?? String(error)
            }; extrinsic ${txHash}, outcome unknown)`,
            { extrinsicHash: txHash, cause: error },
          ),
        );
      },
    );
  });
}

function dispatchFailure(result: ISubmittableResult, what: string, blockHash: string): ChainDispatchError {
  const error: Any = result.dispatchError;
  let section = "system";
  let name = String(error.type);
  let docs = "";
  if (error.isModule) {
    const meta = error.registry.findMetaError(error.asModule);
    section = meta.section;
    name = meta.name;
    docs = meta.docs.join(" ");
  }
  return new ChainDispatchError(`Cannot ${what}: the transaction failed with ${section}.${name}`, {
    section,
    error: name,
    blockHash,
    ...(docs === "" ? {} : { cause: new Error(`${section}.${name}: ${docs}`) }),
  });
}
