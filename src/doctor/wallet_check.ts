/**
 * Doctor check of the configured hotkey file, through the wallet loader: the
 * file exists, parses, and its secret derives the address it claims. An
 * encrypted hotkey is opened only when `BT_WALLET_PASSWORD` is set (the
 * doctor never prompts). `coldkeypub.txt` gives the coldkey address; the
 * coldkey file itself is never opened.
 *
 * @module
 */
import { hotkeyPath, loadHotkey, readColdkeyAddress, WalletError } from "../wallet/mod.ts";
import { type DoctorCheck, result } from "./check.ts";

export { hotkeyPath };

/** The hotkey file loads (and decrypts, when a password is set) and matches its address. */
export const walletCheck: DoctorCheck = {
  name: "wallet",
  async run(config) {
    const path = hotkeyPath(config.wallet);
    const name = `hotkey ${config.wallet.name}/${config.wallet.hotkey}`;
    let coldkey = "";
    try {
      coldkey = `, coldkey ${await readColdkeyAddress(config.wallet)}`;
    } catch { /* coldkeypub.txt is optional for the doctor */ }
    try {
      const hotkey = await loadHotkey(config.wallet, { prompt: false });
      const how = hotkey.encrypted ? "decrypted and checked" : "checked";
      return result(name, "ok", `${path} ${how}: address ${hotkey.address}${coldkey}`);
    } catch (error) {
      if (!(error instanceof WalletError)) throw error;
      if (error.reason === "locked") {
        return result(
          name,
          "ok",
          `${path} is readable (encrypted; set BT_WALLET_PASSWORD to check it, the password is needed to sign)${coldkey}`,
        );
      }
      const detail = error.reason === "missing" ? `no hotkey file at ${path}` : error.message;
      return result(name, "fail", detail, error.hint ?? "Regenerate or restore the hotkey with btcli");
    }
  },
};
