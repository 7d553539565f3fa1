/**
 * The flags of `deno task report` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";

/** The report task. */
export const spec = defineTask({
  name: "report",
  summary: "Print the validator's step reports from its state (the last one, or --step N)",
  usage: "deno task report [--last | --step N] [--json]",
  groups: ["validator", "logging"],
  flags: {
    step: { kind: "integer", description: "The step to print", min: 1, valueName: "N" },
    last: { kind: "boolean", description: "Print the last step (the default)" },
    all: { kind: "boolean", description: "Print every step kept (newest last)" },
    json: { kind: "boolean", description: "Print JSON (one object; with --all, one array)" },
  },
  examples: ["deno task report", "deno task report --step 12 --json", "deno task report --all --json"],
  access: (config) => ({ read: [config.validator.stateDir] }),
});
