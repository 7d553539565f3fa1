// deno-lint-ignore-file no-explicit-any
/**
 * Shared helpers of the devnet and chain integration tests.
 *
 * @module
 */
import type { SubmittableExtrinsic } from "@polkadot/api/types";
import type { KeyringPair } from "@polkadot/keyring/types";
import { type ChainClient, connectChain, type ConnectChainOptions } from "../src/chain/mod.ts";
import { type Devnet, startDevnet, type StartDevnetOptions } from "../src/devnet/mod.ts";

/** Runs `fn` with a fresh devnet and a client connected to it; closes both. */
export async function withDevnet(
  options: StartDevnetOptions,
  fn: (devnet: Devnet, client: ChainClient) => Promise<void>,
  clientOptions: ConnectChainOptions = {},
): Promise<void> {
  const devnet = await startDevnet(options);
  try {
    const client = await connectChain(devnet.endpoint, { timeoutMs: 10_000, ...clientOptions });
    try {
      await fn(devnet, client);
    } finally {
      await client.close();
    }
  } finally {
    await devnet.close();
  }
}

/** Signs a transaction (without sending it) and returns its hex. */
export async function signedHex(
  tx: SubmittableExtrinsic<"promise">,
  signer: KeyringPair,
  options: { nonce?: number } = {},
): Promise<string> {
  await tx.signAsync(signer, options.nonce === undefined ? {} : { nonce: options.nonce });
  return tx.toHex();
}

/** The JSON-RPC error of a submission: `{code, data}` (throws if it succeeded). */
export async function submitError(client: ChainClient, hex: string): Promise<{ code: number; data: string }> {
  try {
    await client.api.rpc.author.submitExtrinsic(hex);
  } catch (error) {
    const e = error as { code?: number; data?: string; message: string };
    return { code: e.code ?? -1, data: e.data ?? e.message };
  }
  throw new Error("The submission was accepted");
}

/** One JSON-RPC call over HTTP POST (the devnet answers plain HTTP on its port, as a node does). */
export async function httpRpc(endpoint: string, method: string, params: unknown[] = []): Promise<Record<string, any>> {
  const response = await fetch(endpoint.replace(/^ws/, "http"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(5_000),
  });
  return await response.json();
}
