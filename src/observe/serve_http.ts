/**
 * A small HTTP server for what operators look at (`/metrics`, the status
 * page): loopback by default, routes tried in order, every handler failure a
 * 500 that never reaches the validator, and a clear error when the address
 * is taken.
 *
 * @module
 */
import { ExitCode, SubvalidError } from "../errors/mod.ts";
import { getLog, type Log } from "../log/mod.ts";

/** The address is in use or cannot be bound. */
export class ServeError extends SubvalidError {
  override readonly exitCode = ExitCode.Usage;
}

/** A route: a response for the requests it knows, `undefined` for the others. */
export type Route = (request: Request, url: URL) => Response | undefined | Promise<Response | undefined>;

/** Options of {@linkcode serveHttp}. */
export interface ServeHttpOptions {
  /** The interface to bind. @default "127.0.0.1" */
  readonly hostname?: string | undefined;
  /** The port; 0 picks a free one. */
  readonly port: number;
  readonly routes: readonly Route[];
  /** What the server is, for messages (`metrics`, `status page`). */
  readonly name: string;
  /** Closes the server. */
  readonly signal?: AbortSignal | undefined;
  /** @default getLog("http") */
  readonly log?: Log | undefined;
}

/** A running server. */
export interface HttpServer extends AsyncDisposable {
  readonly hostname: string;
  /** The bound port (the chosen one when asked for 0). */
  readonly port: number;
  /** `http://host:port/` */
  readonly url: string;
  /** Stops listening and waits for open requests. */
  close(): Promise<void>;
}

/**
 * Starts a server.
 *
 * @throws {ServeError} when the address is in use or not available
 */
export function serveHttp(options: ServeHttpOptions): HttpServer {
  const log = options.log ?? getLog("http");
  const hostname = options.hostname ?? "127.0.0.1";
  const routes = options.routes;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname, port: options.port, onListen: () => {} }, async (request) => {
      const url = new URL(request.url);
      try {
        for (const route of routes) {
          const response = await route(request, url);
          if (response !== undefined) return response;
        }
        return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
      } catch (error) {
        log.warn(`The ${options.name} failed to answer ${url.pathname}: ${(error as Error)?.message ?? error}`);
        return new Response(`Internal error: ${(error as Error)?.message ?? error}\n`, {
          status: 500,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      }
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse || error instanceof Deno.errors.AddrNotAvailable) {
      throw new ServeError(
        `Cannot serve the ${options.name} on ${hostname}:${options.port}: ${(error as Error).message}`,
        {
          hint: "Pick another port (0 picks a free one) or host, or stop what listens there",
          cause: error,
        },
      );
    }
    throw error;
  }
  const port = server.addr.port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closed: Promise<void> | undefined;
  const close = () => closed ??= server.shutdown().then(() => server.finished);
  options.signal?.addEventListener("abort", () => void close(), { once: true });
  return {
    hostname,
    port,
    url: `http://${host}:${port}/`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Only `GET` and `HEAD` are answered; other methods get 405 on the paths a route knows. */
export function readOnlyMethod(request: Request): Response | undefined {
  return request.method === "GET" || request.method === "HEAD"
    ? undefined
    : new Response("Method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
}
