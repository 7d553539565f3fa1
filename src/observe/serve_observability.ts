/**
 * Starts what `--metrics.port` and `--status.port` ask for: `/metrics` and
 * the status page, each on its own loopback server, or both on one when
 * they name the same address.
 *
 * @module
 */
import type { Route } from "./serve_http.ts";
import { type HttpServer, serveHttp } from "./serve_http.ts";

/** One thing to serve. */
export interface Served {
  readonly name: string;
  readonly hostname: string;
  readonly port: number;
  readonly route: Route;
  /** The path shown in the log line (`metrics`, or empty for the page). */
  readonly path: string;
}

/** Running servers and where each thing is. */
export interface ObservabilityServers extends AsyncDisposable {
  readonly servers: readonly HttpServer[];
  /** Each served thing's full URL, by name. */
  readonly urls: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

/**
 * Starts one server per distinct address.
 *
 * @throws {ServeError} when an address is in use (the servers already started are closed)
 */
export function serveObservability(served: readonly Served[], signal?: AbortSignal): ObservabilityServers {
  const byAddress = new Map<string, Served[]>();
  for (const s of served) {
    const key = s.port === 0 ? `${s.hostname}:0:${s.name}` : `${s.hostname}:${s.port}`;
    byAddress.set(key, [...(byAddress.get(key) ?? []), s]);
  }
  const servers: HttpServer[] = [];
  const urls = new Map<string, string>();
  const close = async () => {
    await Promise.all(servers.map((s) => s.close()));
  };
  try {
    for (const group of byAddress.values()) {
      const server = serveHttp({
        hostname: group[0]!.hostname,
        port: group[0]!.port,
        routes: group.map((s) => s.route),
        name: group.map((s) => s.name).join(" and "),
        signal,
      });
      servers.push(server);
      for (const s of group) urls.set(s.name, `${server.url}${s.path}`);
    }
  } catch (error) {
    void close();
    throw error;
  }
  return { servers, urls, close, [Symbol.asyncDispose]: close };
}
