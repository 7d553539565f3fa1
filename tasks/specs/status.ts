/**
 * The flags of `deno task status` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask, listenHost } from "../../src/config/mod.ts";

/** The status task. */
export const spec = defineTask({
  name: "status",
  summary: "Serve the validator's status page from its state directory (health, leaderboard, plots, consensus)",
  usage: "deno task status [--status.port N] [--status.host HOST] [--validator.state_dir <dir>] [--json]",
  description: "Reads the state read-only (a running validator keeps writing it) and serves one HTML page that\n" +
    "contacts nothing but this server. Runs until SIGINT/SIGTERM.",
  groups: ["validator", "hub", "logging"],
  flags: {
    "status.port": {
      kind: "integer",
      description: "The port (0: a free one)",
      default: 8037,
      min: 0,
      max: 65535,
      valueName: "N",
      env: "BT_STATUS_PORT",
    },
    "status.host": {
      kind: "string",
      description: "The interface to bind (0.0.0.0: every one; widen --allow-net to match)",
      default: "127.0.0.1",
      env: "BT_STATUS_HOST",
    },
    json: { kind: "boolean", description: "Print the page's data as JSON once and exit" },
  },
  examples: [
    "deno task status",
    "deno task status --validator.state_dir ./.cache/demo/state --status.port 0",
    "deno task status --json",
  ],
  access: (config) => ({
    read: [config.validator.stateDir],
    net: [listenHost(config.flags["status.host"])],
  }),
});
