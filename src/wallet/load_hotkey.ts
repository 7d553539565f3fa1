/**
 * Loading the hotkey a validator signs with, from
 * `<wallet.path>/<wallet.name>/hotkeys/<wallet.hotkey>`, plain or `$NACL`
 * encrypted. The coldkey file is never opened.
 *
 * @module
 */
import { join } from "node:path";
import type { KeyringPair } from "@polkadot/keyring/types";
import { type Argon2Params, BTWALLET_ARGON2, isNaclEncrypted, NACL_MIN_BYTES, naclDecryptKeyfile } from "./nacl.ts";
import { keypairFromKeyfile, parseKeyfile } from "./keyfile.ts";
import { promptPassword } from "./prompt_password.ts";
import { WalletError } from "./wallet_error.ts";
import { readKeyfileBytes } from "./read_keyfile_bytes.ts";
import { readEnv } from "../util/read_env.ts";

/** Where a wallet lives (the shape of `Config.wallet`). */
export interface WalletLocation {
  /** Directory holding the wallets (already expanded). */
  readonly path: string;
  /** Wallet (coldkey) name. */
  readonly name: string;
  /** Hotkey name. */
  readonly hotkey: string;
}

/** The environment variable holding the password of encrypted hotkeys. */
export const WALLET_PASSWORD_ENV = "BT_WALLET_PASSWORD";

/** Options of {@linkcode loadHotkey}. */
export interface LoadHotkeyOptions {
  /** The password for an encrypted hotkey. @default from `passwordEnv`, else an interactive prompt */
  password?: string;
  /** The environment variable read for the password. @default "BT_WALLET_PASSWORD" */
  passwordEnv?: string;
  /** Reads an environment variable. @default Deno.env.get (unset when not permitted) */
  env?: (name: string) => string | undefined;
  /**
   * Asks for the password when neither `password` nor the environment gives
   * one; `false` never asks.
   * @default a no-echo prompt on the terminal, when stdin is one
   */
  prompt?: ((message: string) => Promise<string | undefined>) | false;
  /** Argon2i cost of `$NACL` files. @default btwallet's (8 passes, 512 MiB) */
  kdf?: Argon2Params;
}

/** A loaded hotkey. */
export interface Hotkey {
  /** The signing pair (sr25519). */
  readonly pair: KeyringPair;
  /** SS58 address (prefix 42). */
  readonly address: string;
  /** The keyfile read. */
  readonly path: string;
  /** Whether the file was `$NACL`-encrypted. */
  readonly encrypted: boolean;
}

/** The path of a wallet's hotkey file. */
export function hotkeyPath(wallet: WalletLocation): string {
  return join(wallet.path, wallet.name, "hotkeys", wallet.hotkey);
}

/**
 * Loads and checks the hotkey of a wallet.
 *
 * @throws {WalletError} `missing`, `unreadable`, `malformed`, `locked` (no
 * password available), `password` (wrong password) or `mismatch`
 */
export async function loadHotkey(wallet: WalletLocation, options: LoadHotkeyOptions = {}): Promise<Hotkey> {
  const path = hotkeyPath(wallet);
  const label = `${wallet.name}/${wallet.hotkey}`;
  const bytes = await readKeyfileBytes(path, `hotkey "${label}"`);
  const encrypted = isNaclEncrypted(bytes);
  let plain = bytes;
  if (encrypted) {
    const passwordEnv = options.passwordEnv ?? WALLET_PASSWORD_ENV;
    let password = options.password ?? (options.env ?? readEnv)(passwordEnv);
    if (password === undefined && options.prompt !== false) {
      password = await (options.prompt ?? promptPassword)(`Password for hotkey ${label}: `);
    }
    if (password === undefined) {
      throw new WalletError(`Cannot load hotkey "${label}": "${path}" is encrypted and no password was given`, {
        reason: "locked",
        path,
        hint: `Set ${passwordEnv} in the environment, or run on a terminal to be asked`,
      });
    }
    if (bytes.length < NACL_MIN_BYTES) {
      throw new WalletError(
        `Cannot load hotkey "${label}": "${path}" has ${bytes.length} bytes, too few for $NACL contents`,
        { reason: "malformed", path, hint: "The keyfile is truncated; restore it from its mnemonic" },
      );
    }
    const decrypted = await naclDecryptKeyfile(bytes, password, options.kdf ?? BTWALLET_ARGON2);
    if (decrypted === undefined) {
      throw new WalletError(`Cannot load hotkey "${label}": the password does not decrypt "${path}"`, {
        reason: "password",
        path,
        hint: `Check the password (${passwordEnv})`,
      });
    }
    plain = decrypted;
  } else if (bytes[0] !== 0x7b && new TextDecoder().decode(bytes.subarray(0, 14)).match(/^(\$ANSIBLE_VAULT|gAAAAA)/)) {
    throw new WalletError(
      `Cannot load hotkey "${label}": "${path}" uses a legacy encryption (Ansible Vault or Fernet)`,
      {
        reason: "malformed",
        path,
        hint: "Re-encrypt the hotkey with a current btcli (NaCl), or store it unencrypted as btcli does by default",
      },
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new WalletError(`Cannot load hotkey "${label}": "${path}" is not text`, { reason: "malformed", path });
  }
  const pair = await keypairFromKeyfile(parseKeyfile(text, path), path);
  return { pair, address: pair.address, path, encrypted };
}
