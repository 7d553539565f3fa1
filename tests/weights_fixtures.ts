/**
 * Shared fixtures of the weights integration tests: a devnet with a ready
 * subnet and the weight setter's own connection to it.
 *
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { type Devnet, startDevnet, type StartDevnetOptions } from "../src/devnet/mod.ts";
import { type ChainClient, connectChain } from "../src/chain/mod.ts";

/** The test subnet. */
export const NETUID = 37;

/** A devnet (instant blocks unless asked) and the weight setter's own connection. */
export async function weightsFixture(options: StartDevnetOptions = {}): Promise<{
  devnet: Devnet;
  client: ChainClient;
  validator: KeyringPair;
  miner: KeyringPair;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const devnet = await startDevnet({ netuid: NETUID, validators: 2, miners: 6, ...options });
  const client = await connectChain(devnet.endpoint, { timeoutMs: 10_000 });
  return {
    devnet,
    client,
    validator: devnet.neurons.find((n) => n.role === "validator")!.hotkey,
    miner: devnet.neurons.find((n) => n.role === "miner")!.hotkey,
    async [Symbol.asyncDispose]() {
      await client.close();
      await devnet.close();
    },
  };
}

/** `Weights(netuid, uid)` as [uid, value] pairs, read through the client. */
export async function storedWeights(client: ChainClient, uid: number): Promise<[number, number][]> {
  const raw = await client.api.query.subtensorModule!.weights!(NETUID, uid);
  return (raw.toJSON() as [number, number][]).map(([u, w]) => [u, w]);
}

/** Waits until `check()` holds (polling every 10 ms), or fails after `ms`. */
export async function waitFor(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
