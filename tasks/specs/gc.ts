/**
 * The flags of `deno task gc` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";

/** The gc task. */
export const spec = defineTask({
  name: "gc",
  summary: "Delete cached models nobody references after a grace period (--dry-run lists them)",
  usage: "deno task gc (--references <file>... | --none-referenced) [--dry-run] [flags]",
  description: `
A references file is JSON: [{"hotkey": "5F…", "repo": "ns/name", "commit": "<sha or branch>"}, …],
{"references": [...]}, or the output of "deno task chain:read --json" (its commitments[].modelId).
Snapshots referenced, held by a scoring process (a live hold file in <cache_dir>/holds/), or younger
than --validator.gc_grace are kept; so are blobs they link to. Quarantined models (hash mismatches) go
after --quarantine-retention. Without references GC refuses to run unless --none-referenced says that
nothing is referenced.`,
  groups: ["validator", "logging"],
  flags: {
    references: { kind: "list", description: "JSON files of references (repeatable)", valueName: "<file>" },
    "none-referenced": { kind: "boolean", description: "Treat every cached model as unreferenced" },
    "dry-run": { kind: "boolean", description: "List what would be deleted and the bytes freed; delete nothing" },
    "quarantine-retention": {
      kind: "duration",
      description: "Keep quarantined models this long",
      default: 86_400_000,
      min: 0,
    },
    json: { kind: "boolean", description: "Print the report as JSON" },
  },
  examples: [
    "deno task chain:read --json > chain.json && deno task gc --references chain.json --dry-run",
    "deno task gc --references keep.json --validator.gc_grace 10m",
  ],
  access: (config) => ({
    read: [...(config.flags.references ?? [])],
    // Holds of dead scoring processes are removed from the scoring cache.
    write: [config.validator.modelDir, config.validator.cacheDir],
  }),
});
