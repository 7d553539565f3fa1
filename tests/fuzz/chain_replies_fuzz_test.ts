/**
 * Fuzzing JSON-RPC replies from a misbehaving node: the devnet's `mangleReplies` fault rewrites the
 * answers to the reads of `src/chain/` (`read_metagraph.ts`, `read_commitments.ts`,
 * `read_hyperparameters.ts` through `readChainSnapshot()`): results replaced by JSON of any type, hex of
 * random, truncated or flipped bytes, errors, or nothing. Commitment storage is also filled with any
 * bytes. A snapshot comes back (bad commitments as per-uid errors), or a {@linkcode ChainError} that
 * says what was being read; never another exception, never an unhandled rejection.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { u8aToHex } from "@polkadot/util";
import { ChainError, connectChain, readChainSnapshot } from "../../src/chain/mod.ts";
import { type RpcResponse, startDevnet } from "../../src/devnet/mod.ts";
import { fuzzParameters, valueOrTypedErrorAsync } from "./fuzz.ts";

const NETUID = 37;
/** The methods the reads use (metadata and runtime version are left alone: they are read once per runtime). */
const METHODS = [
  "chain_getFinalizedHead",
  "chain_getBlockHash",
  "chain_getHeader",
  "state_call",
  "state_getStorage",
  "state_queryStorageAt",
  "state_getKeysPaged",
] as const;

type Mangle =
  | { kind: "json"; value: unknown }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "truncate"; keep: number }
  | { kind: "flip"; at: number }
  | { kind: "error"; code: number; message: string }
  | { kind: "no-result" };

const mangle: fc.Arbitrary<Mangle> = fc.oneof(
  fc.record({ kind: fc.constant("json" as const), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant("bytes" as const), bytes: fc.uint8Array({ maxLength: 80 }) }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat({ max: 200 }) }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("error" as const), code: fc.integer(), message: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant("no-result" as const) }),
);

function apply(m: Mangle, response: RpcResponse): unknown {
  const { jsonrpc, id, result } = response;
  const hex = (value: unknown) => typeof value === "string" && value.startsWith("0x");
  switch (m.kind) {
    case "json":
      return { jsonrpc, id, result: m.value };
    case "bytes":
      return { jsonrpc, id, result: u8aToHex(m.bytes) };
    case "truncate":
      return hex(result) ? { jsonrpc, id, result: (result as string).slice(0, 2 + m.keep) } : undefined;
    case "flip": {
      if (!hex(result) || (result as string).length <= 2) return undefined;
      const text = result as string;
      const at = 2 + (m.at % (text.length - 2));
      return { jsonrpc, id, result: text.slice(0, at) + (text[at] === "f" ? "0" : "f") + text.slice(at + 1) };
    }
    case "error":
      return { jsonrpc, id, error: { code: m.code, message: m.message } };
    case "no-result":
      return { jsonrpc, id };
  }
}

Deno.test({
  name: "fuzz: readChainSnapshot() against a node that mangles its replies gives a snapshot or a ChainError",
  async fn() {
    await using devnet = await startDevnet({ miners: 4, validators: 1, blockProduction: "manual" });
    const client = await connectChain(devnet.endpoint, {
      timeoutMs: 1_500,
      reconnect: { maxAttempts: 2, initialDelayMs: 10 },
    });
    let snapshots = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          // Which calls (the n-th matching reply) are mangled, and how.
          fc.array(fc.tuple(fc.constantFrom(...METHODS), fc.nat({ max: 6 }), mangle), { minLength: 1, maxLength: 3 }),
          async (plan) => {
            devnet.mine(1); // a fresh block: nothing polkadot.js cached for an earlier one applies
            const seen = new Map<string, number>();
            devnet.faults.mangleReplies((method, _params, response) => {
              const n = seen.get(method) ?? 0;
              seen.set(method, n + 1);
              const rule = plan.find(([m, nth]) => m === method && nth === n);
              return rule === undefined ? undefined : apply(rule[2], response);
            });
            try {
              const result = await valueOrTypedErrorAsync(
                () => readChainSnapshot(client, { netuid: NETUID }),
                [ChainError],
              );
              if ("value" in result) {
                const snapshot = result.value;
                assert.ok(Number.isSafeInteger(snapshot.block));
                for (const c of snapshot.commitments) assert.ok("modelId" in c || typeof c.error === "string");
                snapshots++;
              } else {
                assert.match(result.error.message, /^Cannot /);
              }
            } finally {
              devnet.faults.mangleReplies(undefined);
            }
          },
        ),
        fuzzParameters(50),
      );
    } finally {
      await client.close();
      // polkadot.js tears down a failed call's subscriptions 1.75 s later (rpc-core refCountDelay).
      await new Promise((resolve) => setTimeout(resolve, 1_800));
    }
    assert.ok(snapshots > 0, "some mangled runs still give a snapshot (a mangled reply the reads do not use)");
  },
});

Deno.test("fuzz: commitments holding any bytes read back as per-uid results, never an exception", async () => {
  await using devnet = await startDevnet({ miners: 3, validators: 1, blockProduction: "manual" });
  await using client = await connectChain(devnet.endpoint, { timeoutMs: 5_000 });
  const runtime = devnet.chain.runtime;
  const miners = devnet.neurons.filter((n) => n.role === "miner");
  await fc.assert(
    fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 160 }), { minLength: 3, maxLength: 3 }), async (values) => {
      devnet.mine(1);
      devnet.edit((state) => {
        miners.forEach((miner, i) => {
          state.setRaw(runtime.key("Commitments", "CommitmentOf", NETUID, miner.hotkey.address), values[i]!);
        });
      });
      const result = await valueOrTypedErrorAsync(() => readChainSnapshot(client, { netuid: NETUID }), [ChainError]);
      if ("value" in result) {
        for (const c of result.value.commitments) assert.ok("modelId" in c || typeof c.error === "string");
      }
    }),
    fuzzParameters(60),
  );
});
