/**
 * The flags of `deno task devnet` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";
import { DEFAULT_DEVNET_PROFILE, DEVNET_PROFILE_NAMES, DEVNET_PROFILES } from "../../src/devnet/runtime_profiles.ts";

/** The devnet task. */
export const spec = defineTask({
  name: "devnet",
  summary: "Start the embedded local subtensor chain (JSON-RPC over WebSocket) with a ready subnet",
  usage:
    "deno task devnet [--port 9944] [--netuid 37] [--miners 8] [--validators 2] [--commit-reveal] [--block-time 250ms]",
  description: `
Blocks are produced right after each transaction (instant), every
--block-time, or only on request with --manual; the dev_newBlock RPC
({"count": n}) mines on request in every mode. Wallets are written to
--wallet-dir as <wallet-dir>/<validator-N|miner-N>/hotkeys/default with
coldkeypub.txt, plus devnet.json describing the subnet.

Runtime profiles (--profile):
${DEVNET_PROFILE_NAMES.map((name) => `  ${name.padEnd(7)} ${DEVNET_PROFILES[name].description}`).join("\n")}`,
  groups: ["logging"],
  flags: {
    port: { kind: "integer", description: "Port to listen on (127.0.0.1)", default: 9944, min: 0, max: 65535 },
    miners: { kind: "integer", description: "Miners to register", default: 8, min: 0, max: 4000 },
    validators: { kind: "integer", description: "Validators to register (with stake and permits)", default: 2, min: 0 },
    "commit-reveal": { kind: "boolean", description: "Enable commit-reveal weights (timelocked commits)" },
    "block-time": {
      kind: "duration",
      description: "Produce a block every interval instead of per transaction",
      min: 0.001,
    },
    manual: { kind: "boolean", description: "Produce blocks only on request (dev_newBlock)" },
    tempo: { kind: "integer", description: "Blocks per epoch", default: 360, min: 1, max: 65535 },
    "weights-rate-limit": {
      kind: "integer",
      description: "Blocks between weight settings of a uid",
      default: 100,
      min: 0,
    },
    "version-key": {
      kind: "integer",
      description: "Weights version key the subnet requires (0: any)",
      default: 0,
      min: 0,
    },
    "wallet-dir": {
      kind: "path",
      description: "Where to write the neurons' wallets",
      default: "./.cache/devnet/wallets",
      valueName: "<dir>",
    },
    seed: {
      kind: "string",
      description: "Keys derive from this string (same seed, same keys)",
      default: "subvalid-devnet",
    },
    profile: {
      kind: "string",
      description: "Runtime profile: its transaction extensions and commitment variants",
      default: DEFAULT_DEVNET_PROFILE,
      choices: DEVNET_PROFILE_NAMES,
    },
    json: { kind: "boolean", description: "Print the subnet description as JSON on stdout when ready" },
  },
  examples: [
    "deno task devnet",
    "deno task devnet --port 9944 --netuid 37 --miners 8 --validators 2 --commit-reveal --block-time 250ms",
  ],
  access: (config) => ({ write: [config.flags["wallet-dir"]] }),
});
