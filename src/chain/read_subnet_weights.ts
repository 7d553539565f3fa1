/**
 * The weights every neuron of a subnet has set (`SubtensorModule.Weights`,
 * u16 values per target uid): what the top-model scan and the consensus view
 * read to see where the other validators' weight goes.
 *
 * @module
 */
import type { Codec } from "@polkadot/types/types";
import type { ChainClient } from "./connect_chain.ts";

/** Setter uid → its `[target uid, u16]` pairs, for every uid that has set weights. */
export type SubnetWeights = Map<number, [number, number][]>;

/** Reads the subnet's weight matrix at the best block (one paged storage read). */
export async function readSubnetWeights(
  client: ChainClient,
  options: { netuid: number; signal?: AbortSignal | undefined },
): Promise<SubnetWeights> {
  const { netuid, signal } = options;
  const entries = await client.call(
    `read the weights on subnet ${netuid}`,
    // deno-lint-ignore no-explicit-any
    (api) => (api.query as any).subtensorModule.weights.entries(netuid) as Promise<[any, Codec][]>,
    { signal },
  );
  const out: SubnetWeights = new Map();
  for (const [key, value] of entries) {
    const uid = Number(key.args[1].toString());
    const pairs = (value as unknown as { toJSON(): [number, number][] }).toJSON();
    if (pairs.length > 0) out.set(uid, pairs.map(([target, weight]) => [Number(target), Number(weight)]));
  }
  return out;
}
