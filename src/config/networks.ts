/**
 * Bittensor network names and their WebSocket endpoints, as the Python SDK
 * knows them.
 *
 * @module
 */

/** Known network names mapped to their endpoints. */
export const NETWORKS: Readonly<Record<string, string>> = Object.freeze({
  finney: "wss://entrypoint-finney.opentensor.ai:443",
  test: "wss://test.finney.opentensor.ai:443",
  archive: "wss://archive.chain.opentensor.ai:443",
  local: "ws://127.0.0.1:9944",
  "latent-lite": "wss://lite.sub.latent.to:443",
});

/** A resolved network: its name (or `"custom"`) and endpoint URL. */
export interface ResolvedNetwork {
  /** The network name, or `"custom"` for an endpoint no name maps to. */
  network: string;
  /** The `ws://` or `wss://` URL to connect to. */
  endpoint: string;
}

/**
 * Resolves `--subtensor.network` and `--subtensor.chain_endpoint` to an
 * endpoint. An explicit endpoint wins; a network given as a URL is used as
 * the endpoint; a known endpoint maps back to its name.
 *
 * @throws {RangeError} for an unknown network name or a URL that is not ws(s)
 */
export function resolveNetwork(
  network: string,
  chainEndpoint?: string,
): ResolvedNetwork {
  const endpoint = chainEndpoint || (isWsUrl(network) ? network : NETWORKS[network]);
  if (endpoint === undefined) {
    throw new RangeError(
      `Cannot resolve network "${network}": known networks are ${
        Object.keys(NETWORKS).join(", ")
      }, or give a ws:// or wss:// URL`,
    );
  }
  if (!isWsUrl(endpoint)) {
    throw new RangeError(
      `Cannot use chain endpoint "${endpoint}": it must be a ws:// or wss:// URL`,
    );
  }
  const named = Object.entries(NETWORKS).find(([, url]) => sameEndpoint(url, endpoint));
  return { network: named?.[0] ?? "custom", endpoint };
}

function isWsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "ws:" || url.protocol === "wss:";
  } catch {
    return false;
  }
}

function sameEndpoint(a: string, b: string): boolean {
  const ua = new URL(a);
  const ub = new URL(b);
  const port = (u: URL) => u.port || (u.protocol === "wss:" ? "443" : "80");
  return ua.protocol === ub.protocol && ua.hostname === ub.hostname && port(ua) === port(ub);
}
