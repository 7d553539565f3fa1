/**
 * The coldkey address of a wallet, from its public file `coldkeypub.txt`.
 * The coldkey file itself is never opened.
 *
 * @module
 */
import { join } from "node:path";
import { claimedAddress, parseKeyfile } from "./keyfile.ts";
import type { WalletLocation } from "./load_hotkey.ts";
import { readKeyfileBytes } from "./read_keyfile_bytes.ts";
import { WalletError } from "./wallet_error.ts";

/** The path of a wallet's `coldkeypub.txt`. */
export function coldkeyPubPath(wallet: Pick<WalletLocation, "path" | "name">): string {
  return join(wallet.path, wallet.name, "coldkeypub.txt");
}

/**
 * Reads the coldkey SS58 address from `coldkeypub.txt`.
 *
 * @throws {WalletError} `missing`, `unreadable` or `malformed`
 */
export async function readColdkeyAddress(wallet: Pick<WalletLocation, "path" | "name">): Promise<string> {
  const path = coldkeyPubPath(wallet);
  const bytes = await readKeyfileBytes(path, `coldkey address of wallet "${wallet.name}"`);
  const address = claimedAddress(parseKeyfile(new TextDecoder().decode(bytes), path), path);
  if (address === undefined) {
    throw new WalletError(`Cannot read "${path}": it has no "ss58Address" or "publicKey"`, {
      reason: "malformed",
      path,
    });
  }
  return address;
}
