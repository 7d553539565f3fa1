/**
 * A miner's model commitment: `Commitments.set_commitment(netuid,
 * {fields: [Raw<N>(model id)]})`, signed by the hotkey, after checking the
 * 128-byte limit and that the hotkey is registered on the subnet.
 *
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { stringToU8a, u8aToHex } from "@polkadot/util";
import { ChainError } from "./chain_error.ts";
import type { ChainClient } from "./connect_chain.ts";
import { formatModelId, MAX_COMMITMENT_BYTES, type ModelId } from "../mechanism/model_id.ts";
import { submitExtrinsic, type SubmitResult } from "./submit_extrinsic.ts";

/** Options of {@linkcode commitModel}. */
export interface CommitModelOptions {
  /** The subnet. */
  netuid: number;
  signal?: AbortSignal | undefined;
  /** Deadline from submission to inclusion (ms). @default 60000 */
  timeoutMs?: number | undefined;
  /** Wait for finalization, not just inclusion. @default false */
  waitForFinalization?: boolean | undefined;
}

/** The committed string and where it landed. */
export interface CommitModelResult extends SubmitResult {
  /** The string committed. */
  readonly commitment: string;
}

/**
 * The bytes of a model id commitment.
 *
 * @throws {RangeError} when it is longer than 128 bytes
 */
export function commitmentBytes(modelId: ModelId): Uint8Array {
  const text = formatModelId(modelId);
  const bytes = stringToU8a(text);
  if (bytes.length > MAX_COMMITMENT_BYTES) {
    throw new RangeError(
      `Cannot commit model id "${text}": it is ${bytes.length} bytes, the limit is ${MAX_COMMITMENT_BYTES} bytes`,
    );
  }
  return bytes;
}

/**
 * Commits a model id with a hotkey.
 *
 * @throws {RangeError} when the commitment exceeds 128 bytes
 * @throws {ChainError} when the hotkey is not registered on the subnet, or the chain refuses the commitment
 */
export async function commitModel(
  client: ChainClient,
  hotkey: KeyringPair,
  modelId: ModelId,
  options: CommitModelOptions,
): Promise<CommitModelResult> {
  const { netuid, signal } = options;
  const bytes = commitmentBytes(modelId);
  const uid = await client.call(
    `check that ${hotkey.address} is registered on subnet ${netuid}`,
    // deno-lint-ignore no-explicit-any
    (api) => (api.query as any).subtensorModule.uids(netuid, hotkey.address) as Promise<{ isSome: boolean }>,
    { signal },
  );
  if (!uid.isSome) {
    throw new ChainError(
      `Cannot commit a model with hotkey ${hotkey.address}: it is not registered on subnet ${netuid}`,
      {
        hint: "Register the hotkey first (btcli subnet register), or check --netuid and --wallet.hotkey",
      },
    );
  }
  const tx = client.api.tx.commitments!.setCommitment!(netuid, {
    fields: [{ [`Raw${bytes.length}`]: u8aToHex(bytes) }],
  });
  const result = await submitExtrinsic(client, tx, hotkey, {
    signal,
    inclusionTimeoutMs: options.timeoutMs,
    waitForFinalization: options.waitForFinalization,
    what: `commit model "${formatModelId(modelId)}" on subnet ${netuid}`,
  });
  return { ...result, commitment: formatModelId(modelId) };
}
