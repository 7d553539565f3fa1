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
  summary: "One full validator epoch on a local chain and a local hub with small real models",
  usage: "deno task demo [flags]",
  description: "Everything runs on this machine (loopback only); nothing touches a real chain or hub.\n" +
    "Working files go to ./.cache/demo; models to the model cache (--validator.model_dir).",
  groups: ["validator", "logging"],
  flags: {
    json: { kind: "boolean", description: "Print the epoch, the receipt and the stored weights as JSON on stdout" },
  },
  examples: ["deno task demo", "deno task demo --json --validator.device cpu"],
  access: (config) => ({ write: [config.validator.modelDir, config.validator.cacheDir] }),
});
