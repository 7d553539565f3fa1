/**
 * The devnet's network side: JSON-RPC over WebSocket (and plain HTTP POST) on
 * a loopback port with `Deno.serve`, plus the faults tests inject: dropping
 * every connection, stalling replies, and restarting on the same port.
 *
 * @module
 */
import { delay } from "../util/mod.ts";
import type { RpcConnection, RpcMethods } from "./rpc.ts";

/** Options of {@linkcode DevnetServer}. */
export interface DevnetServerOptions {
  /** Interface to listen on. @default "127.0.0.1" */
  hostname?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Called with each connection error or bad message. @default nothing */
  onError?: (error: unknown) => void;
}

interface Connection extends RpcConnection {
  readonly socket: WebSocket;
}

/** A JSON-RPC server over one {@linkcode RpcMethods}. */
export class DevnetServer {
  readonly #rpc: RpcMethods;
  readonly #hostname: string;
  readonly #onError: (error: unknown) => void;
  #port: number;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  readonly #connections = new Set<Connection>();
  #stalled = false;
  #held: (() => void)[] = [];
  #stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(rpc: RpcMethods, options: DevnetServerOptions = {}) {
    this.#rpc = rpc;
    this.#hostname = options.hostname ?? "127.0.0.1";
    this.#port = options.port ?? 0;
    this.#onError = options.onError ?? (() => {});
  }

  /** The `ws://host:port` endpoint. */
  get endpoint(): string {
    return `ws://${this.#hostname}:${this.#port}`;
  }

  /** The port listened on. */
  get port(): number {
    return this.#port;
  }

  /** Whether the server is listening. */
  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** The number of open WebSocket connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Starts listening. */
  start(): void {
    if (this.#server !== undefined) return;
    this.#server = Deno.serve({
      hostname: this.#hostname,
      port: this.#port,
      onListen: () => {},
    }, (request) => this.#handle(request));
    this.#port = this.#server.addr.port;
  }

  #handle(request: Request): Response | Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      const { socket, response } = Deno.upgradeWebSocket(request);
      const connection: Connection = {
        socket,
        subscriptions: new Map(),
        send: (message) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
        },
      };
      socket.onopen = () => this.#connections.add(connection);
      socket.onmessage = (event) => this.#whenLive(() => this.#onMessage(connection, String(event.data)));
      socket.onclose = () => this.#forget(connection);
      socket.onerror = (event) => this.#onError((event as ErrorEvent).error ?? event);
      return response;
    }
    if (request.method === "POST") return this.#http(request);
    return new Response("subvalid devnet: JSON-RPC over WebSocket or HTTP POST\n", { status: 405 });
  }

  async #http(request: Request): Promise<Response> {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
    }
    const connection: RpcConnection = { send: () => {}, subscriptions: new Map() };
    await new Promise<void>((resolve) => this.#whenLive(resolve));
    const answer = Array.isArray(body)
      ? body.map((item) => this.#rpc.handle(item, connection))
      : this.#rpc.handle(body as Record<string, unknown>, connection);
    for (const cancel of connection.subscriptions.values()) cancel();
    return Response.json(answer);
  }

  #onMessage(connection: Connection, text: string): void {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      connection.send({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    const requests = Array.isArray(request) ? request : [request];
    const answers = requests.map((item) => this.#rpc.handle(item as Record<string, unknown>, connection));
    connection.send(Array.isArray(request) ? answers : answers[0]);
  }

  #whenLive(run: () => void): void {
    if (this.#stalled) this.#held.push(run);
    else run();
  }

  #forget(connection: Connection): void {
    this.#connections.delete(connection);
    for (const cancel of connection.subscriptions.values()) cancel();
    connection.subscriptions.clear();
  }

  /**
   * Stops answering: requests are held (connections stay open) until
   * {@linkcode unstall} or, when given, after `ms` milliseconds.
   */
  stall(ms?: number): void {
    this.#stalled = true;
    clearTimeout(this.#stallTimer);
    if (ms !== undefined) this.#stallTimer = setTimeout(() => this.unstall(), ms);
  }

  /** Answers again, starting with the held requests. */
  unstall(): void {
    clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#stalled = false;
    const held = this.#held;
    this.#held = [];
    for (const run of held) run();
  }

  /** Closes every WebSocket connection (code 1001, as a node going away); the server keeps listening. */
  dropConnections(): void {
    for (const connection of [...this.#connections]) {
      try {
        connection.socket.close(1001, "Going Away");
      } catch { /* already closing */ }
      this.#forget(connection);
    }
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    this.dropConnections();
    this.#held = [];
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await server.shutdown();
  }

  /** Stops, waits `downMs` milliseconds, and listens again on the same port. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await delay(downMs);
    this.start();
  }

  /** Stops for good. */
  async close(): Promise<void> {
    clearTimeout(this.#stallTimer);
    this.#stalled = false;
    await this.stop();
  }
}
