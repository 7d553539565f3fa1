/**
 * The flags of `deno task validate` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, datasetsHost, defineTask, hubHost, listenHost, walletFiles } from "../../src/config/mod.ts";
import { SCHEDULE_FLAGS } from "./_schedule_flags.ts";

/** The validate task. */
export const spec = defineTask({
  name: "validate",
  summary: "The validator: evaluate the miners' models every sync block and set weights, until stopped",
  usage: "deno task validate [flags]",
  description: "Runs until SIGINT/SIGTERM (the model being scored is abandoned, its worker killed; exit 0).\n" +
    "State (trackers, queues, moving averages, step reports) lives in --validator.state_dir; one validator per\n" +
    "state directory. Step reports: <state_dir>/reports/<step>.json and `deno task report`.",
  groups: ["wallet", "subtensor", "validator", "hub", "logging"],
  flags: {
    ...SCHEDULE_FLAGS,
    "validator.steps": {
      kind: "integer",
      description: "Stop after this many recorded steps (cron: 1); default: run until stopped",
      min: 1,
      valueName: "N",
    },
    "dry-run": { kind: "boolean", description: "Evaluate and record, but never set weights" },
    "validator.block_time": {
      kind: "duration",
      description: "Time per block, to wait for the next sync block",
      default: 12_000,
      min: 0.001,
    },
    "validator.fast_cadences": {
      kind: "boolean",
      description: "Compress the reference's cadences (minutes to fractions of a second) for a local chain or tests",
    },
    json: { kind: "boolean", description: "Print each step report as one JSON line on stdout" },
    "metrics.port": {
      kind: "integer",
      description: "Serve Prometheus metrics at http://<metrics.host>:N/metrics (0: a free port); default: off",
      min: 0,
      max: 65535,
      valueName: "N",
      env: "BT_METRICS_PORT",
    },
    "metrics.host": {
      kind: "string",
      description: "The interface the metrics server binds (0.0.0.0: every one)",
      default: "127.0.0.1",
      env: "BT_METRICS_HOST",
    },
    "status.port": {
      kind: "integer",
      description: "Serve the status page at http://<status.host>:N/ (0: a free port); default: off",
      min: 0,
      max: 65535,
      valueName: "N",
      env: "BT_STATUS_PORT",
    },
    "status.host": {
      kind: "string",
      description: "The interface the status page binds",
      default: "127.0.0.1",
      env: "BT_STATUS_HOST",
    },
    "validator.consensus_warn_after": {
      kind: "integer",
      description: "Warn when our top uid disagrees with the other validators' stake-weighted majority this many " +
        "steps in a row",
      default: 3,
      min: 1,
      valueName: "N",
    },
  },
  examples: [
    "deno task validate --wallet.name validator --wallet.hotkey default",
    "deno task validate --dry-run --validator.steps 1 --json",
    "deno task validate --metrics.port 9137 --status.port 8037",
    "deno task validate --subtensor.network local --validator.schedule local --validator.sync_genesis 0 --validator.sync_cadence 10",
  ],
  access: (config) => ({
    // The hotkey signs; --dry-run and --offline never load it (a dry run may read its public address, if granted).
    read: config.flags["dry-run"] || config.offline ? [] : walletFiles(config),
    write: [config.validator.modelDir, config.validator.cacheDir, config.validator.stateDir, config.validator.dataDir],
    net: [
      chainHost(config),
      hubHost(config),
      datasetsHost(config),
      // Listening beyond the loopback interface, only when a port asks for it.
      config.flags["metrics.port"] === undefined ? undefined : listenHost(config.flags["metrics.host"]),
      config.flags["status.port"] === undefined ? undefined : listenHost(config.flags["status.host"]),
    ],
  }),
});
