/**
 * The flags of `deno task data` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, datasetsHost, defineTask, hubHost } from "../../src/config/mod.ts";
import { SCHEDULE_FLAGS } from "./_schedule_flags.ts";

/** The data task. */
export const spec = defineTask({
  name: "data",
  summary: "The evaluation data of a sync block, drawn exactly as the subnet's validators draw it",
  usage: "deno task data (--block N | --block-hash 0x…) [flags]",
  description: "--block N computes the sync block of N and reads its hash from the chain; --block-hash needs\n" +
    "no chain. The datasets server is --hub.datasets_url (the local hub serves it too).",
  groups: ["subtensor", "validator", "hub", "logging"],
  flags: {
    ...SCHEDULE_FLAGS,
    competition: {
      kind: "integer",
      description: "The competition (default: the one active at the block)",
      min: 0,
      valueName: "<id>",
    },
    block: { kind: "integer", description: "Any block: its sync block's data is drawn", min: 0, valueName: "N" },
    "block-hash": { kind: "string", description: "The sync block's hash (no chain needed)", valueName: "0x…" },
    out: {
      kind: "path",
      description: "Also write the samples as JSON Lines (the scorer's format)",
      valueName: "<file>",
    },
    json: { kind: "boolean", description: "Print one JSON object on stdout" },
  },
  examples: [
    "deno task data --block-hash 0x1111111111111111111111111111111111111111111111111111111111111111 --json",
    "deno task data --block 5400000 --subtensor.network archive --out samples.jsonl",
  ],
  access: (config) => ({
    // The competition's tokenizer is fetched into the model cache; drawn data is cached in the data directory.
    write: [config.validator.modelDir, config.validator.dataDir, config.flags.out],
    net: [chainHost(config), hubHost(config), datasetsHost(config)],
  }),
});
