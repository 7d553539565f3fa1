/**
 * The consensus view over the chain adapter, for `deno task consensus`: the
 * metagraph (stakes and permits) and every neuron's weights read from the
 * chain, compared with ours — the row of our uid on chain, or else weights
 * we computed (a state's last step).
 *
 * @module
 */
import { type ChainClient, readChainSnapshot, readSubnetWeights } from "../../chain/mod.ts";
import { compareWithValidators, type ConsensusReport } from "../../mechanism/mod.ts";

/** Options of {@linkcode readConsensus}. */
export interface ReadConsensusOptions {
  readonly netuid: number;
  /** Who we are: our uid (wins over `hotkey`). */
  readonly uid?: number | undefined;
  /** Who we are: our hotkey (SS58). */
  readonly hotkey?: string | undefined;
  /** Weights we computed (index = uid), compared when our uid has no row on chain. */
  readonly computed?: readonly number[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A consensus report at a block. */
export interface ConsensusReading extends ConsensusReport {
  readonly netuid: number;
  /** The block of the metagraph (the finalized head). */
  readonly block: number;
  readonly blockHash: string;
}

/** Reads the metagraph and the weights and compares ours with every permitted validator's. */
export async function readConsensus(client: ChainClient, options: ReadConsensusOptions): Promise<ConsensusReading> {
  const { netuid, signal } = options;
  const snapshot = await readChainSnapshot(client, { netuid, signal });
  const rows = await readSubnetWeights(client, { netuid, signal });
  const ourUid = options.uid ??
    (options.hotkey === undefined ? undefined : snapshot.neurons.find((n) => n.hotkey === options.hotkey)?.uid);
  const ourRow = ourUid === undefined ? undefined : rows.get(ourUid);
  const ours = ourRow !== undefined && ourRow.length > 0
    ? { uid: ourUid, weights: ourRow, source: "chain" as const }
    : { uid: ourUid, weights: options.computed ?? [], source: "computed" as const };
  return {
    netuid,
    block: snapshot.block,
    blockHash: snapshot.blockHash,
    ...compareWithValidators(ours, snapshot.neurons, rows),
  };
}
