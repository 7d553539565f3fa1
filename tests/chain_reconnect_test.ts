// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import {
  type ChainCallEvent,
  ChainConnectionError,
  ChainTimeoutError,
  connectChain,
  readBlockHash,
  readChainSnapshot,
} from "../src/chain/mod.ts";
import { startDevnet } from "../src/devnet/mod.ts";
import { withDevnet } from "./devnet_helpers.ts";

const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 6 };

Deno.test("the client reconnects after the server drops every connection, and subscriptions resume", async () => {
  await withDevnet({ miners: 2, validators: 1, blockProduction: "manual" }, async (devnet, client) => {
    const heads: number[] = [];
    const unsubscribe = await (client.api as any).rpc.chain.subscribeNewHeads((h: any) =>
      heads.push(h.number.toNumber())
    );
    devnet.faults.dropConnections();
    const snapshot = await readChainSnapshot(client, { netuid: 37 });
    assert.equal(snapshot.neurons.length, 3);
    assert.ok(client.isConnected);
    devnet.mine(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    unsubscribe();
    assert.ok(heads.includes(1), `heads after the reconnect: ${heads.join(",")}`);
  }, { reconnect: FAST_RECONNECT });
});

Deno.test("the client rides out a restart of the server: calls wait for the reconnect within their deadline", async () => {
  await withDevnet({ miners: 2, validators: 1 }, async (devnet, client) => {
    const restart = devnet.faults.restart(600);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const hash = await readBlockHash(client, 0);
    const waited = performance.now() - started;
    await restart;
    assert.equal(hash, devnet.genesisHash);
    assert.ok(waited >= 300, `the read waited ${Math.round(waited)} ms for the server to come back`);
  }, { reconnect: FAST_RECONNECT });
});

Deno.test("when the server stays away, calls fail with ChainConnectionError after bounded attempts", async () => {
  const devnet = await startDevnet({ miners: 1, validators: 1 });
  const client = await connectChain(devnet.endpoint, {
    timeoutMs: 10_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 3 },
  });
  try {
    await devnet.close();
    const started = performance.now();
    await assert.rejects(
      readBlockHash(client, 0),
      (e: unknown) => e instanceof ChainConnectionError && /3 attempts failed/.test(e.message),
    );
    assert.ok(performance.now() - started < 5_000);
  } finally {
    await client.close();
  }
});

Deno.test("a stalled server hits the call's deadline with a ChainTimeoutError naming the call and the endpoint", async () => {
  await withDevnet({ miners: 1, validators: 1 }, async (devnet, client) => {
    devnet.faults.stall();
    const started = performance.now();
    await assert.rejects(
      client.call("read the finalized head", (api) => api.rpc.chain.getFinalizedHead(), { timeoutMs: 300 }),
      (e: unknown) =>
        e instanceof ChainTimeoutError &&
        e.message === `Cannot read the finalized head: no answer from "${devnet.endpoint}" within 300 ms` &&
        e.exitCode === 5,
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 290 && elapsed < 2_000, `${Math.round(elapsed)} ms`);
    devnet.faults.unstall();
    assert.equal(await readBlockHash(client, 0), devnet.genesisHash);
  });
});

Deno.test("onCall hears of every finished call with its duration and how it failed, never of a cancelled one", async () => {
  const events: ChainCallEvent[] = [];
  await withDevnet({ miners: 1, validators: 1 }, async (devnet, client) => {
    assert.equal(await readBlockHash(client, 0), devnet.genesisHash);
    assert.deepEqual(events.map((e) => [e.what, e.error]), [["read the hash of block 0", undefined]]);
    assert.ok(events[0]!.seconds > 0 && events[0]!.seconds < 10);
    devnet.faults.stall();
    await assert.rejects(client.call("read the finalized head", (api) => api.rpc.chain.getFinalizedHead(), {
      timeoutMs: 200,
    }));
    const cancel = new AbortController();
    const cancelled = client.call("read the best block", (api) => api.rpc.chain.getHeader(), { signal: cancel.signal });
    cancel.abort(new Error("the caller gave up"));
    await assert.rejects(cancelled, /the caller gave up/);
    devnet.faults.unstall();
    assert.deepEqual(events.slice(1).map((e) => [e.what, e.error]), [["read the finalized head", "timeout"]]);
    assert.ok(events[1]!.seconds >= 0.19, `${events[1]!.seconds} s`);
  }, { onCall: (event) => events.push(event) });
});

Deno.test("connectChain() gives up by its deadline on a stalled server and on a closed port", async () => {
  const devnet = await startDevnet({ miners: 1, validators: 1 });
  try {
    devnet.faults.stall();
    await assert.rejects(
      connectChain(devnet.endpoint, { timeoutMs: 400 }),
      (e: unknown) =>
        e instanceof ChainTimeoutError &&
        e.message === `Cannot connect to the chain: no answer from "${devnet.endpoint}" within 400 ms`,
    );
  } finally {
    devnet.faults.unstall();
    await devnet.close();
  }
  const started = performance.now();
  await assert.rejects(
    connectChain(devnet.endpoint, { timeoutMs: 2_000, reconnect: { initialDelayMs: 20, maxAttempts: 2 } }),
    (e: unknown) => e instanceof ChainConnectionError && e.hint !== undefined,
  );
  assert.ok(performance.now() - started < 2_000);
});
