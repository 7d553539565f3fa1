/**
 * The validator-facing weight setter: `setWeights(weights, options)` converts,
 * reads the chain, runs the pre-checks, then sends `set_mechanism_weights`
 * (commit-reveal off) or a timelocked `commit_timelocked_mechanism_weights`
 * v4 (commit-reveal on), waits for inclusion with a deadline and returns a
 * receipt. It uses the connection it is given: the writer's own, separate
 * from the reader's.
 *
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { u8aToHex } from "@polkadot/util";
import { type ChainCall, type ChainClient, submitCall, type SubmitExtrinsicOptions } from "../chain/mod.ts";
import type { WeightsInput } from "../mechanism/mod.ts";
import { planWeights, type PlanWeightsOptions, type WeightsPlan } from "./plan_weights.ts";
import { assertPrechecks, COMMIT_REVEAL_VERSION } from "./prechecks.ts";
import { failureReceipt, type WeightsReceipt, type WeightsSuccess } from "./receipt.ts";
import { type RejectionContext, weightsErrorFrom } from "./rejection.ts";
import { timelockEncrypt } from "./timelock_encrypt.ts";
import { encodeWeightsTlockPayload } from "./timelock_payload.ts";

/** Submission deadlines and hooks (see the chain adapter's `submitExtrinsic`). */
export type SubmitOptions = Pick<
  SubmitExtrinsicOptions,
  "eraPeriod" | "prepareTimeoutMs" | "inclusionTimeoutMs" | "waitForFinalization" | "finalizationTimeoutMs" | "onStatus"
>;

/** Options of {@linkcode setWeights}. */
export interface SetWeightsOptions extends Omit<PlanWeightsOptions, "hotkey">, SubmitOptions {
  /** The writer's own connection (not the reader's), from `connectChain`. Owned and closed by the caller. */
  client: ChainClient;
  /** The validator hotkey. */
  signer: KeyringPair;
  /**
   * Refuse to sign when a pre-check fails. With `false` the transaction is
   * sent anyway and the chain's own refusal is reported (for diagnosis).
   * @default true
   */
  prechecks?: boolean;
  /** Cancels the attempt. */
  signal?: AbortSignal;
}

function rejectionContext(plan: WeightsPlan, hotkey: string): RejectionContext {
  const s = plan.state;
  return {
    hotkey,
    netuid: s.netuid,
    uid: s.uid,
    versionKey: plan.versionKey,
    requiredVersionKey: s.weightsVersionKey,
    rateLimit: { lastUpdate: s.lastUpdate, rateLimit: s.weightsRateLimit, currentBlock: s.block },
    count: plan.emit.uids.length,
    minAllowedWeights: Math.min(s.minAllowedWeights, s.subnetN),
  };
}

/** The call a plan sends. Encrypts the payload for commits. */
async function callFor(plan: WeightsPlan, signer: KeyringPair): Promise<ChainCall> {
  const { netuid } = plan.state;
  const { uids, values } = plan.emit;
  const mechanism = plan.state.hasMechanismCalls;
  const call = (method: string, ...args: unknown[]): ChainCall => ({ pallet: "subtensorModule", method, args });
  if (plan.mode === "set") {
    return mechanism
      ? call("setMechanismWeights", netuid, plan.mechanism, uids, values, plan.versionKey)
      : call("setWeights", netuid, uids, values, plan.versionKey);
  }
  const round = plan.revealRound!.round;
  const payload = encodeWeightsTlockPayload({ hotkey: signer.publicKey, uids, values, versionKey: plan.versionKey });
  // Hex, not a Uint8Array: polkadot.js reads a Uint8Array given for `Bytes` as already length-prefixed.
  const commit = u8aToHex(await timelockEncrypt(payload, round));
  return mechanism
    ? call("commitTimelockedMechanismWeights", netuid, plan.mechanism, commit, round, COMMIT_REVEAL_VERSION)
    : call("commitTimelockedWeights", netuid, commit, round, COMMIT_REVEAL_VERSION);
}

/**
 * Sets weights and throws a typed error on any failure.
 *
 * @throws {RangeError} If the weights cannot be converted.
 * @throws {WeightsError} For every refusal (pre-check, pool, dispatch).
 * @throws {ChainTimeoutError} / {ChainConnectionError} When the chain does not answer in time or the
 *   connection drops (for a sent transaction the outcome is then unknown).
 */
export async function setWeightsOrThrow(weights: WeightsInput, options: SetWeightsOptions): Promise<WeightsSuccess> {
  const { client, signer } = options;
  const plan = await planWeights(client, weights, { ...options, hotkey: signer.address });
  if (options.prechecks ?? true) assertPrechecks(plan.prechecks);
  else if (plan.emit.uids.length === 0) assertPrechecks(plan.prechecks.filter((c) => c.name === "weights"));
  options.signal?.throwIfAborted();
  const call = await callFor(plan, signer);
  let result;
  try {
    result = await submitCall(client, call, signer, { ...options, what: "set weights" });
  } catch (error) {
    throw weightsErrorFrom(error, rejectionContext(plan, signer.address));
  }
  return {
    success: true,
    mode: plan.mode,
    block: result.block,
    blockHash: result.blockHash,
    extrinsicHash: result.txHash,
    finalized: result.finalized,
    nonce: result.nonce,
    uids: plan.emit.uids,
    values: plan.emit.values,
    ...(plan.revealRound ? { revealRound: plan.revealRound.round } : {}),
  };
}

/**
 * Sets weights and returns a receipt: `{success: true, block, blockHash,
 * extrinsicHash, …}` or `{success: false, error, kind, reason, hint, …}`.
 * Never throws for chain or input problems.
 *
 * @example
 * ```ts ignore
 * await using writer = await connectChain(endpoint); // the writer's own connection
 * const receipt = await setWeights({ uids: [0, 5], weights: [0.2, 0.8] }, { client: writer, signer: hotkey.pair, netuid: 37 });
 * if (!receipt.success) log.warn(receipt.reason, { hint: receipt.hint });
 * ```
 */
export async function setWeights(weights: WeightsInput, options: SetWeightsOptions): Promise<WeightsReceipt> {
  try {
    return await setWeightsOrThrow(weights, options);
  } catch (error) {
    return failureReceipt(error);
  }
}
