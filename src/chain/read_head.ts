/**
 * The chain's best head and genesis hash: what "the current block" is for
 * the validator (the reference reads `subtensor.block`, the best block), and
 * which chain a state directory belongs to.
 *
 * @module
 */
import type { ChainClient } from "./connect_chain.ts";

/** A block by number and hash. */
export interface BlockRef {
  readonly block: number;
  readonly hash: string;
}

/** The best block's number and hash. */
export async function readHead(client: ChainClient, options: { signal?: AbortSignal | undefined } = {}): Promise<
  BlockRef
> {
  const header = await client.call("read the best block", (api) => api.rpc.chain.getHeader(), options);
  return { block: header.number.toNumber(), hash: header.hash.toHex() };
}

/** The chain's genesis hash (`0x…`). */
export function readGenesisHash(client: ChainClient): string {
  return client.api.genesisHash.toHex();
}
