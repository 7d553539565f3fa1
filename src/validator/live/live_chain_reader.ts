/**
 * The {@linkcode ChainReader} port over the chain adapter: one client,
 * one subnet.
 *
 * @module
 */
import { type ChainClient, readBlockHash, readChainSnapshot } from "../../chain/mod.ts";
import type { ChainReader } from "../ports.ts";

/** A chain reader for `netuid` over `client` (owned and closed by the caller). */
export function liveChainReader(client: ChainClient, netuid: number): ChainReader {
  return {
    snapshot: (signal) => readChainSnapshot(client, { netuid, signal }),
    blockHash: (block, signal) => readBlockHash(client, block, { signal }),
  };
}
