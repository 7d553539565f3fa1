/**
 * The flags of `deno task weights` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, defineTask, walletFiles } from "../../src/config/mod.ts";

/** The weights task. */
export const spec = defineTask({
  name: "weights",
  summary: "Convert weights to u16 and set them on chain (set_weights or timelocked commit-reveal)",
  usage: "deno task weights --weights <file.json> [--dry-run] [--json] [flags]",
  description: [
    'The weights file is {"uids": [...], "weights": [...]} or {"<uid>": weight, ...}; any non-negative scale.',
    "--dry-run prints the conversion table and every pre-check without signing; with --offline it needs no chain",
    'and prints only the conversion ({"uids": [...], "u16": [...]} with --json). Exit codes: 0 sent (or dry run',
    "with every pre-check passing), 2 bad flags or weights file, 4 wallet problem, 5 chain unreachable or",
    "timed out (the outcome of a submitted transaction is then unknown), 6 refused by a pre-check or the chain.",
  ].join("\n"),
  groups: ["subnet", "wallet", "subtensor", "validator", "logging"],
  flags: {
    "weights": {
      kind: "path",
      description: "The weights file (JSON)",
      valueName: "<file.json>",
    },
    "dry-run": { kind: "boolean", description: "Explain what would be sent; sign nothing" },
    "json": { kind: "boolean", description: "Print one JSON object on stdout" },
    "wait-for-finalization": { kind: "boolean", description: "Wait for finalization, not just inclusion" },
    "timeout": {
      kind: "duration",
      description: "Deadline for inclusion in a block",
      default: 60_000,
      min: 1,
    },
    "skip-prechecks": {
      kind: "boolean",
      description: "Send even if a pre-check fails and report the chain's own refusal (diagnosis only)",
    },
  },
  examples: [
    "deno task weights --weights w.json --dry-run --offline --json",
    "deno task weights --weights w.json --dry-run --subtensor.network local --wallet.name validator",
    "deno task weights --weights w.json --netuid 37 --wallet.name validator --wallet.hotkey default",
  ],
  access: (config) => {
    const offline = config.offline && config.flags["dry-run"];
    return {
      read: [config.flags.weights, ...(offline ? [] : walletFiles(config))],
      net: [chainHost(config)],
    };
  },
});
