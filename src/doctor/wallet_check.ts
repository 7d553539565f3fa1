/**
 * Doctor check of the configured hotkey file. Only the hotkey file is read;
 * the coldkey file is never opened.
 *
 * @module
 */
import { join } from "node:path";
import { type DoctorCheck, result } from "./check.ts";

/** The path of the configured hotkey file. */
export function hotkeyPath(wallet: { path: string; name: string; hotkey: string }): string {
  return join(wallet.path, wallet.name, "hotkeys", wallet.hotkey);
}

/** The hotkey file exists, is readable and looks like a keyfile. */
export const walletCheck: DoctorCheck = {
  name: "wallet",
  async run(config) {
    const path = hotkeyPath(config.wallet);
    const name = `hotkey ${config.wallet.name}/${config.wallet.hotkey}`;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        return result(
          name,
          "fail",
          `no hotkey file at ${path}`,
          "Check --wallet.name/--wallet.hotkey/--wallet.path, or create one with btcli",
        );
      }
      return result(
        name,
        "fail",
        `cannot read ${path}: ${(error as Error).message}`,
        "Check the file's owner and mode (0600 for the user running subvalid)",
      );
    }
    const head = new TextDecoder().decode(bytes.subarray(0, 16));
    if (head.startsWith("$NACL")) {
      return result(name, "ok", `${path} is readable (encrypted; the password is needed to sign)`);
    }
    try {
      const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      const address = typeof json.ss58Address === "string" ? json.ss58Address : undefined;
      const hasSecret = ["secretPhrase", "secretSeed", "privateKey"].some((key) => typeof json[key] === "string");
      if (!hasSecret) {
        return result(
          name,
          "fail",
          `${path} holds no secret (public key only)`,
          "Validators need the full hotkey file to sign",
        );
      }
      return result(name, "ok", `${path} is readable${address ? `, address ${address}` : ""}`);
    } catch {
      return result(
        name,
        "fail",
        `${path} is not a keyfile (neither JSON nor $NACL)`,
        "Regenerate the hotkey with btcli",
      );
    }
  },
};
