/**
 * Reading a keyfile's bytes with errors that say what is wrong.
 *
 * @module
 */
import { WalletError } from "./wallet_error.ts";

/**
 * Reads a keyfile.
 *
 * @throws {WalletError} `missing` or `unreadable`
 */
export async function readKeyfileBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new WalletError(`Cannot load ${what}: no file at "${path}"`, {
        reason: "missing",
        path,
        hint: "Check --wallet.name, --wallet.hotkey and --wallet.path (or BT_WALLET_*), or create the key with btcli",
        cause: error,
      });
    }
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new WalletError(`Cannot load ${what}: "${path}" is unreadable (${(error as Error).message})`, {
      reason: "unreadable",
      path,
      hint: "Check the file's owner and mode (0600, owned by the user running subvalid)",
      cause: error,
    });
  }
}
