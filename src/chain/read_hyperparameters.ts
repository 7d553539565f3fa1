/**
 * The subnet hyperparameters a validator needs, at one block: through
 * `SubnetInfoRuntimeApi.get_subnet_hyperparams_v2`, falling back to storage.
 *
 * @module
 */
import type { ApiDecoration } from "@polkadot/api/types";
import type { Codec } from "@polkadot/types/types";
import { ChainConnectionError, ChainError, ChainTimeoutError } from "./chain_error.ts";
import type { ChainClient } from "./connect_chain.ts";

/** Subnet hyperparameters. */
export interface Hyperparameters {
  /** Blocks per epoch. */
  readonly tempo: number;
  /** Blocks between two weight settings of one uid (`WeightsSetRateLimit`). */
  readonly weightsRateLimit: number;
  /** The lowest `version_key` weights are accepted with (0: any). */
  readonly weightsVersionKey: number;
  /** Whether weights must go through timelocked commit-reveal. */
  readonly commitRevealEnabled: boolean;
  /** Epochs between a commit and its reveal (`RevealPeriodEpochs`). */
  readonly revealPeriodEpochs: number;
  /** The fewest weights a validator may set. */
  readonly minAllowedWeights: number;
  /** The largest normalized weight, as a u16 ratio (65535: no limit). */
  readonly maxWeightLimit: number;
}

/** Where the hyperparameters came from. */
export type HyperparametersSource = "runtime-api" | "storage";

// deno-lint-ignore no-explicit-any
type Any = any;

function n(codec: Codec): number {
  return Number((codec as Any).toBigInt?.() ?? (codec as Any).toString());
}

/** Reads a subnet's hyperparameters at the block `apiAt` is pinned to. */
export async function readHyperparameters(
  client: ChainClient,
  apiAt: ApiDecoration<"promise">,
  options: { netuid: number; signal?: AbortSignal | undefined },
): Promise<{ hyperparameters: Hyperparameters; source: HyperparametersSource }> {
  const { netuid, signal } = options;
  const method = (apiAt as Any).call?.subnetInfoRuntimeApi?.getSubnetHyperparamsV2;
  if (method !== undefined) {
    try {
      const result = await client.call(
        "read the hyperparameters (SubnetInfoRuntimeApi.get_subnet_hyperparams_v2)",
        () => method(netuid) as Promise<Any>,
        { signal },
      );
      if (result.isNone) {
        throw new ChainError(`Cannot read the hyperparameters of subnet ${netuid}: the subnet does not exist`, {
          hint: "Check --netuid and the network",
        });
      }
      const h = result.unwrap();
      return {
        hyperparameters: {
          tempo: n(h.tempo),
          weightsRateLimit: n(h.weightsRateLimit),
          weightsVersionKey: n(h.weightsVersion),
          commitRevealEnabled: h.commitRevealWeightsEnabled.isTrue,
          revealPeriodEpochs: n(h.commitRevealPeriod),
          minAllowedWeights: n(h.minAllowedWeights),
          maxWeightLimit: n(h.maxWeightsLimit),
        },
        source: "runtime-api",
      };
    } catch (error) {
      const fatal = !(error instanceof ChainError) || error instanceof ChainTimeoutError ||
        error instanceof ChainConnectionError || /does not exist/.test(error.message);
      if (fatal) throw error;
    }
  }
  const q = (apiAt.query as Any).subtensorModule;
  const values = await client.call("read the hyperparameters from storage", () =>
    Promise.all([
      q.tempo(netuid),
      q.weightsSetRateLimit(netuid),
      q.weightsVersionKey(netuid),
      q.commitRevealWeightsEnabled(netuid),
      q.revealPeriodEpochs(netuid),
      q.minAllowedWeights(netuid),
      q.maxWeightsLimit(netuid),
    ]) as Promise<Codec[]>, { signal });
  const [tempo, rateLimit, versionKey, commitReveal, revealPeriod, minWeights, maxLimit] = values as Any[];
  return {
    hyperparameters: {
      tempo: n(tempo),
      weightsRateLimit: n(rateLimit),
      weightsVersionKey: n(versionKey),
      commitRevealEnabled: commitReveal.isTrue,
      revealPeriodEpochs: n(revealPeriod),
      minAllowedWeights: n(minWeights),
      maxWeightLimit: n(maxLimit),
    },
    source: "storage",
  };
}
