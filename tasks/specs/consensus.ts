/**
 * The flags of `deno task consensus` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, defineTask, walletFiles } from "../../src/config/mod.ts";

/** The consensus task. */
export const spec = defineTask({
  name: "consensus",
  summary: "Compare our weights with every permitted validator's on chain (cosine, top uid, stake-weighted agreement)",
  usage: "deno task consensus [--hotkey SS58 | --uid N] [--json]",
  description: "Ours are our hotkey's weights on chain; when it has none, the subnet weights of the last step in\n" +
    "--validator.state_dir. Only validators with a permit and weights on chain are compared.",
  groups: ["wallet", "subtensor", "validator", "logging"],
  flags: {
    json: { kind: "boolean", description: "Print the comparison as one JSON object on stdout" },
    hotkey: { kind: "string", description: "Our hotkey (SS58); default: the wallet's hotkey", valueName: "<ss58>" },
    uid: { kind: "integer", description: "Our uid; wins over --hotkey", min: 0, valueName: "N" },
    timeout: {
      kind: "duration",
      description: "Deadline of connecting and of each chain call",
      default: 30_000,
      min: 0.001,
    },
  },
  examples: [
    "deno task consensus --wallet.name validator --wallet.hotkey default",
    "deno task consensus --subtensor.network local --uid 0 --json",
  ],
  access: (config) => ({
    // Only the hotkey's public address is read, and only when neither --hotkey nor --uid says who we are.
    read: [
      ...(config.flags.hotkey === undefined && config.flags.uid === undefined ? walletFiles(config) : []),
      config.validator.stateDir,
    ],
    net: [chainHost(config)],
  }),
});
