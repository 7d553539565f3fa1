/**
 * Bittensor wallets: the hotkey keyfile (plain or `$NACL`-encrypted JSON),
 * the coldkey address from `coldkeypub.txt`, never the coldkey itself.
 *
 * @module
 */
export * from "./keyfile.ts";
export * from "./load_hotkey.ts";
export * from "./nacl.ts";
export * from "./prompt_password.ts";
export * from "./read_coldkey_address.ts";
export * from "./wallet_error.ts";
export * from "./write_keyfile.ts";
