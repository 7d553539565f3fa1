/**
 * Starting a server on an operator's port: a port already taken is the
 * operator's to fix (exit code 2, naming the port), not a bug.
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";

/**
 * Runs `start` (which listens on `hostname:port`); a port already in use
 * becomes a {@linkcode ConfigError} naming it.
 *
 * @throws {ConfigError} when the port is taken or the address cannot be bound
 */
export async function listening<T>(hostname: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(`Cannot listen on ${hostname}:${port}: the port is already in use`, {
        hint:
          `Pick another --port (0 picks a free one), or stop the process that holds it (ss -ltnp 'sport = :${port}')`,
        cause: error,
      });
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new ConfigError(`Cannot listen on ${hostname}:${port}: the address is not on this machine`, {
        hint: "Pass --hostname 127.0.0.1, or an address of this machine",
        cause: error,
      });
    }
    throw error;
  }
}
