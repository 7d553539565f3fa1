/**
 * Doctor check that the chain endpoint answers JSON-RPC, with a deadline.
 *
 * @module
 */
import { findDenial } from "../errors/mod.ts";
import { type DoctorCheck, result } from "./check.ts";

/** Deadline of the reachability probe. */
export const CHAIN_PROBE_TIMEOUT_MS = 10_000;

/**
 * Sends JSON-RPC calls over a fresh WebSocket and returns their results in
 * order. Rejects on any error reply, a closed socket, or the deadline.
 */
export function probeJsonRpc(
  endpoint: string,
  calls: readonly { method: string; params?: unknown[] }[],
  timeoutMs = CHAIN_PROBE_TIMEOUT_MS,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(endpoint);
    const results: unknown[] = [];
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.onclose = socket.onerror = socket.onmessage = null;
      try {
        socket.close();
      } catch { /* already closed */ }
      if (error) reject(error);
      else resolve(results);
    };
    socket.onopen = () => {
      calls.forEach((call, id) =>
        socket.send(JSON.stringify({ jsonrpc: "2.0", id, method: call.method, params: call.params ?? [] }))
      );
    };
    socket.onerror = (event) => finish(new Error((event as ErrorEvent).message || "connection failed"));
    socket.onclose = () => finish(new Error("connection closed before the answers came"));
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (typeof message.id !== "number") return;
      if (message.error) return finish(new Error(`${calls[message.id]?.method}: ${message.error.message}`));
      results[message.id] = message.result;
      if (results.filter((r) => r !== undefined).length === calls.length) finish();
    };
  });
}

/** The configured chain endpoint answers, with its chain name and best block. */
export const chainCheck: DoctorCheck = {
  name: "chain",
  async run(config) {
    const endpoint = config.subtensor.chainEndpoint;
    if (config.offline) return result("chain", "skip", "--offline: chain not contacted");
    const started = performance.now();
    try {
      const [chain, header] = await probeJsonRpc(endpoint, [{ method: "system_chain" }, { method: "chain_getHeader" }]);
      const number = (header as { number?: string | number } | null)?.number;
      const block = typeof number === "string" ? Number.parseInt(number, 16) : number;
      const ms = Math.round(performance.now() - started);
      return result("chain", "ok", `${endpoint} answers: ${String(chain)}, best block ${block}, ${ms} ms`);
    } catch (error) {
      if (findDenial(error) !== undefined) throw error;
      return result(
        "chain",
        "fail",
        `${endpoint} unreachable: ${(error as Error).message}`,
        "Check --subtensor.network/--subtensor.chain_endpoint and that the node is up; the task's permission set must grant its host",
      );
    }
  },
};
