/**
 * The {@linkcode WeightSetter} port over the weights stage: the writer's own
 * connection and the validator's hotkey.
 *
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import type { ChainClient } from "../../chain/mod.ts";
import { setWeights, type WeightsReceipt } from "../../weights/mod.ts";
import type { WeightSetter } from "../ports.ts";

/** Options of {@linkcode liveWeightSetter}. */
export interface LiveWeightSetterOptions {
  netuid: number;
  /** The weights version key. @default 3010 */
  versionKey?: number | bigint | undefined;
  /** Called with each attempt's full receipt (block hash, extrinsic, values sent, …). */
  onReceipt?: ((receipt: WeightsReceipt) => void) | undefined;
}

/** A weight setter over `client` (the writer's own, not the reader's) signing with `signer`. */
export function liveWeightSetter(
  client: ChainClient,
  signer: KeyringPair,
  options: LiveWeightSetterOptions,
): WeightSetter {
  return {
    async setWeights(weights, signal) {
      const receipt = await setWeights(weights, {
        client,
        signer,
        netuid: options.netuid,
        ...(options.versionKey === undefined ? {} : { versionKey: options.versionKey }),
        ...(signal === undefined ? {} : { signal }),
      });
      options.onReceipt?.(receipt);
      return receipt;
    },
  };
}
