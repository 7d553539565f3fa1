/**
 * Asking for a password on the terminal without echo.
 *
 * @module
 */
import { InterruptedError } from "../errors/mod.ts";

/**
 * Asks for a password on the terminal (stdin raw mode, nothing echoed).
 * Returns `undefined` when stdin is not a terminal.
 *
 * @throws {InterruptedError} on Ctrl-C or end of input
 */
export async function promptPassword(message: string): Promise<string | undefined> {
  if (!Deno.stdin.isTerminal()) return undefined;
  const encoder = new TextEncoder();
  await Deno.stderr.write(encoder.encode(message));
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buffer = new Uint8Array(64);
  try {
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) throw new InterruptedError("Password prompt closed");
      for (const byte of buffer.subarray(0, n)) {
        if (byte === 0x03 || byte === 0x04) throw new InterruptedError("Password prompt cancelled");
        if (byte === 0x0d || byte === 0x0a) return new TextDecoder().decode(new Uint8Array(bytes));
        if (byte === 0x7f || byte === 0x08) bytes.pop();
        else bytes.push(byte);
      }
    }
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(encoder.encode("\n"));
  }
}
