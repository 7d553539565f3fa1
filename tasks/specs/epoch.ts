/**
 * The flags of `deno task epoch` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { chainHost, type Config, defineTask, hubHost, PROJECT_ROOT, walletFiles } from "../../src/config/mod.ts";

/** The moving-average state file: `--state`, else `./.cache/subvalid/epoch-<netuid>.json`. */
export function epochStatePath(config: Pick<Config, "netuid"> & { flags: { state?: string | undefined } }): string {
  return config.flags.state ?? join(PROJECT_ROOT, ".cache", "subvalid", `epoch-${config.netuid}.json`);
}

/** The epoch task. */
export const spec = defineTask({
  name: "epoch",
  summary: "One validator epoch: chain snapshot, fetch, score, weights (set, or explained with --dry-run)",
  usage: "deno task epoch --samples <file.jsonl> [flags]",
  description: "The competition's evaluation samples are given as a file (JSON Lines, as `deno task score` reads\n" +
    "them); subvalid does not draw SN37's datasets itself yet. The moving average of the weights is kept in\n" +
    "--state between runs.",
  groups: ["wallet", "subtensor", "validator", "hub", "logging"],
  flags: {
    samples: { kind: "path", description: "The competition's evaluation samples (JSON Lines)", valueName: "<file>" },
    competition: { kind: "integer", description: "The competition evaluated", default: 4, min: 0, valueName: "<id>" },
    tokenizer: {
      kind: "path",
      description: "Score every model with this tokenizer (the competition's forced one)",
      valueName: "<dir>",
    },
    state: {
      kind: "path",
      description: "The moving-average state file (default ./.cache/subvalid/epoch-<netuid>.json)",
      valueName: "<file>",
    },
    "dry-run": { kind: "boolean", description: "Score and compute the weights, but set nothing (state unchanged)" },
    gc: {
      kind: "boolean",
      description: "After the epoch, delete cached models no commitment references",
      default: true,
    },
    json: { kind: "boolean", description: "Print the epoch and the receipt as JSON on stdout" },
  },
  examples: [
    "deno task epoch --samples eval.jsonl --wallet.name validator --subtensor.network finney",
    "deno task epoch --samples eval.jsonl --competition 99 --subtensor.network local --dry-run --json",
  ],
  access: (config) => ({
    read: [config.flags.samples, config.flags.tokenizer, ...(config.flags["dry-run"] ? [] : walletFiles(config))],
    // The state file is replaced atomically through a temporary file beside it.
    write: [config.validator.modelDir, config.validator.cacheDir, dirname(epochStatePath(config))],
    net: [chainHost(config), hubHost(config)],
  }),
});
