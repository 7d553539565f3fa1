/**
 * Everything the validator reads from the chain, at one pinned block: block
 * number and hash, the metagraph, hyperparameters and commitments.
 *
 * @module
 */
import { ChainError } from "./chain_error.ts";
import type { ChainClient } from "./connect_chain.ts";
import { type Commitment, readCommitments } from "./read_commitments.ts";
import { type Hyperparameters, type HyperparametersSource, readHyperparameters } from "./read_hyperparameters.ts";
import { type MetagraphSource, type Neuron, readMetagraph } from "./read_metagraph.ts";

/** The chain as the validator sees it at one block. */
export interface ChainSnapshot {
  /** Block number. */
  readonly block: number;
  /** Block hash (`0x…`). */
  readonly blockHash: string;
  readonly netuid: number;
  readonly hyperparameters: Hyperparameters;
  /** Neurons by uid. */
  readonly neurons: readonly Neuron[];
  /** Commitments of registered hotkeys, by uid. */
  readonly commitments: readonly Commitment[];
}

/** How a snapshot was read (not part of the artifact). */
export interface SnapshotSources {
  readonly metagraph: MetagraphSource;
  readonly hyperparameters: HyperparametersSource;
}

/** Options of {@linkcode readChainSnapshot}. */
export interface ReadChainSnapshotOptions {
  /** The subnet. */
  netuid: number;
  /** Block number or hash to read at. @default the finalized head */
  at?: number | string | undefined;
  /** Commitment keys per page. @default 1000 */
  pageSize?: number;
  signal?: AbortSignal | undefined;
}

/** A pinned block. */
export interface PinnedBlock {
  readonly number: number;
  readonly hash: string;
}

/**
 * The hash of block `number`.
 *
 * @throws {ChainError} when the chain does not know the block
 */
export async function readBlockHash(
  client: ChainClient,
  number: number,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<string> {
  if (!Number.isSafeInteger(number) || number < 0) throw new RangeError(`Invalid block number ${number}`);
  const hash = await client.call(`read the hash of block ${number}`, (api) => api.rpc.chain.getBlockHash(number), {
    signal: options.signal,
  });
  if (hash.isEmpty) {
    throw new ChainError(`Cannot read the hash of block ${number}: the chain does not know it`, {
      hint: "The block is in the future, or the node pruned it (use an archive node)",
    });
  }
  return hash.toHex();
}

/** Resolves `at` (a number, a hash, or the finalized head) to a block number and hash. */
export async function pinBlock(
  client: ChainClient,
  at?: number | string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<PinnedBlock> {
  const { signal } = options;
  const hash = typeof at === "number"
    ? await readBlockHash(client, at, { signal })
    : at ?? (await client.call("read the finalized head", (api) => api.rpc.chain.getFinalizedHead(), { signal }))
      .toHex();
  const header = await client.call(`read the header of ${hash}`, (api) => api.rpc.chain.getHeader(hash), { signal });
  if (header.hash.toHex() !== hash) {
    throw new ChainError(`Cannot pin block ${hash}: the node returned the header of ${header.hash.toHex()}`);
  }
  return { number: header.number.toNumber(), hash };
}

/** Reads block, metagraph, hyperparameters and commitments at one block. */
export async function readChainSnapshot(
  client: ChainClient,
  options: ReadChainSnapshotOptions,
): Promise<ChainSnapshot & { readonly sources: SnapshotSources }> {
  const { netuid, signal } = options;
  const pinned = await pinBlock(client, options.at, { signal });
  const apiAt = await client.call(`open the state at ${pinned.hash}`, (api) => api.at(pinned.hash), { signal });
  const exists = await client.call(
    `check that subnet ${netuid} exists`,
    () =>
      (apiAt.query as Record<string, Record<string, (n: number) => Promise<{ isTrue: boolean }>>>)
        .subtensorModule!.networksAdded!(netuid),
    { signal },
  );
  if (!exists.isTrue) {
    throw new ChainError(`Cannot read subnet ${netuid}: it does not exist at block ${pinned.number}`, {
      hint: "Check --netuid and --subtensor.network",
    });
  }
  const [metagraph, hyper] = await Promise.all([
    readMetagraph(client, apiAt, { netuid, signal }),
    readHyperparameters(client, apiAt, { netuid, signal }),
  ]);
  const uids = new Map(metagraph.neurons.map((n) => [n.hotkey, n.uid]));
  const commitments = await readCommitments(client, apiAt, {
    netuid,
    uids,
    signal,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  return {
    block: pinned.number,
    blockHash: pinned.hash,
    netuid,
    hyperparameters: hyper.hyperparameters,
    neurons: metagraph.neurons,
    commitments,
    sources: { metagraph: metagraph.source, hyperparameters: hyper.source },
  };
}
