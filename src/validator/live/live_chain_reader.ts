/**
 * The {@linkcode ChainReader} port over the chain adapter: one client,
 * one subnet.
 *
 * @module
 */
import {
  type ChainClient,
  readBlockHash,
  readChainSnapshot,
  readCommitment,
  readHead,
  readSubnetWeights,
} from "../../chain/mod.ts";
import type { ChainReader } from "../ports.ts";

/** A chain reader for `netuid` over `client` (owned and closed by the caller). */
export function liveChainReader(client: ChainClient, netuid: number): ChainReader {
  return {
    snapshot: (signal) => readChainSnapshot(client, { netuid, signal }),
    blockHash: (block, signal) => readBlockHash(client, block, { signal }),
    head: (signal) => readHead(client, { signal }),
    commitment: (uid, hotkey, signal) => readCommitment(client, { netuid, uid, hotkey, signal }),
    subnetWeights: (signal) => readSubnetWeights(client, { netuid, signal }),
  };
}
