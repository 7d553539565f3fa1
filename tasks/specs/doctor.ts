/**
 * The flags of `deno task doctor` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, defineTask, hubHost, walletFiles } from "../../src/config/mod.ts";

/** The doctor task. */
export const spec = defineTask({
  name: "doctor",
  summary: "Check this machine, the wallet and the chain; each line OK, WARN or FAIL with a hint",
  usage: "deno task doctor [flags]",
  groups: ["wallet", "subtensor", "validator", "logging"],
  flags: {
    json: { kind: "boolean", description: "Print the results as one JSON array on stdout" },
  },
  examples: [
    "deno task doctor --wallet.name validator --wallet.hotkey default",
    "deno task doctor --subtensor.network local --json",
  ],
  access: (config) => ({
    // The model cache and the scoring cache are only looked at (existence, free space).
    read: [...walletFiles(config), config.validator.modelDir, config.validator.cacheDir, "/proc/driver/nvidia"],
    net: [chainHost(config), hubHost(config)],
  }),
});
