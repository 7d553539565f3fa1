/**
 * Writing keyfiles as btwallet does (JSON, mode 0600, optionally `$NACL`
 * encrypted), atomically. Used by the devnet's wallet fixture and tests.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { stringToU8a } from "@polkadot/util";
import { type KeyfileData, publicKeyfile } from "./keyfile.ts";
import { type Argon2Params, BTWALLET_ARGON2, naclEncryptKeyfile } from "./nacl.ts";

/** Options of {@linkcode writeKeyfile}. */
export interface WriteKeyfileOptions {
  /** Encrypt as `$NACL` with this password. @default unencrypted */
  password?: string;
  /** Argon2i cost for `password`. @default btwallet's (8 passes, 512 MiB) */
  kdf?: Argon2Params;
}

/** Writes a keyfile atomically (temp file + rename) with mode 0600, creating directories (0700). */
export async function writeKeyfile(path: string, data: KeyfileData, options: WriteKeyfileOptions = {}): Promise<void> {
  let bytes = stringToU8a(JSON.stringify(data));
  if (options.password !== undefined) {
    bytes = await naclEncryptKeyfile(bytes, options.password, options.kdf ?? BTWALLET_ARGON2);
  }
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${crypto.randomUUID()}.incomplete`;
  await Deno.writeFile(temp, bytes, { mode: 0o600 });
  await Deno.rename(temp, path);
}

/** Writes a wallet's hotkey file and `coldkeypub.txt` (the coldkey's secret is never written). */
export async function writeWallet(
  walletsDir: string,
  name: string,
  hotkey: { name: string; data: KeyfileData },
  coldkeyAddress: string,
  options: WriteKeyfileOptions = {},
): Promise<void> {
  await writeKeyfile(join(walletsDir, name, "hotkeys", hotkey.name), hotkey.data, options);
  await writeKeyfile(join(walletsDir, name, "coldkeypub.txt"), publicKeyfile(coldkeyAddress));
}
