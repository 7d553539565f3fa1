import assert from "node:assert/strict";
import { describeNetworkError } from "./network_error.ts";

async function failure(url: string, init: RequestInit = {}): Promise<unknown> {
  try {
    const response = await fetch(url, init);
    await response.body?.cancel();
  } catch (error) {
    return error;
  }
  throw new Error(`${url} answered`);
}

Deno.test("describeNetworkError() tells a refused connection, a failed TLS handshake and a timeout from real fetches", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const refused = describeNetworkError(await failure(`http://127.0.0.1:${closedPort}/x`));
  assert.equal(refused?.kind, "refused");
  assert.equal(refused?.reason, `"127.0.0.1:${closedPort}" refused the connection (nothing listens on that port)`);

  // A server that speaks plain text where TLS is expected, and one that never answers.
  const plain = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const serving = Promise.all([
    (async () => {
      for await (const conn of plain) {
        await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\n\r\nnot tls")).catch(() => {});
        conn.close();
      }
    })(),
    (async () => {
      for await (const conn of silent) held.push(conn);
    })(),
  ]);
  try {
    const tls = describeNetworkError(await failure(`https://127.0.0.1:${(plain.addr as Deno.NetAddr).port}/`));
    assert.equal(tls?.kind, "tls", JSON.stringify(tls));
    const url = `http://127.0.0.1:${(silent.addr as Deno.NetAddr).port}/`;
    const timeout = describeNetworkError(await failure(url, { signal: AbortSignal.timeout(200) }), url);
    assert.equal(timeout?.kind, "timeout");
  } finally {
    plain.close();
    silent.close();
    for (const conn of held) conn.close();
    await serving.catch(() => {});
  }
});

Deno.test("describeNetworkError() tells a DNS failure and leaves other errors alone", () => {
  const dns = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (https://hub.invalid/api): client error (Connect): dns error: failed to lookup address information: Name or service not known",
    ),
  });
  assert.deepEqual(describeNetworkError(dns), {
    kind: "dns",
    reason: 'DNS lookup of "hub.invalid" failed (no network, no resolver, or a wrong host name)',
  });
  assert.equal(describeNetworkError(new SyntaxError("Unexpected token")), undefined);
  assert.equal(describeNetworkError(new Error("Hub answered 404")), undefined);
});
