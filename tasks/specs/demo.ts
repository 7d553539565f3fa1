/**
 * The flags of `deno task demo` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";

/** The demo task. */
export const spec = defineTask({
  name: "demo",
  summary: "The validator on a local chain and a local hub with small real models, a few steps, weights on chain",
  usage: "deno task demo [flags]",
  description: "Everything runs on this machine (loopback only); nothing touches a real chain or hub.\n" +
    "Working files go to ./.cache/demo; models to the model cache (--validator.model_dir).",
  groups: ["validator", "logging"],
  flags: {
    steps: { kind: "integer", description: "Validator steps to run", default: 3, min: 1, max: 20, valueName: "N" },
    json: { kind: "boolean", description: "Print the step reports as one JSON array on stdout" },
    serve: {
      kind: "boolean",
      description: "After the steps, keep the local chain and hub up until Ctrl-C (to try deno task eval on them)",
    },
    "chain-port": { kind: "integer", description: "With --serve: the chain's port", default: 9944, min: 0, max: 65535 },
    "hub-port": { kind: "integer", description: "With --serve: the hub's port", default: 8765, min: 0, max: 65535 },
  },
  examples: ["deno task demo", "deno task demo --steps 5 --json --validator.device cpu", "deno task demo --serve"],
  access: (config) => ({ write: [config.validator.modelDir, config.validator.cacheDir] }),
});
