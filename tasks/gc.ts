#!/usr/bin/env -S deno run -P=gc
/**
 * Deletes cached models no current (hotkey, commit) references once their newest file is older than the
 * grace period, never a model a scoring process holds; `--dry-run` lists what would go and the bytes
 * freed. References come from JSON files: a list of `{hotkey?, repo, commit}`, or a chain snapshot
 * (`deno task chain:read --json > chain.json`).
 *
 * ```sh
 * deno task gc --references chain.json [--references keep.json] [--dry-run] [--json]
 * deno task gc --none-referenced --dry-run
 * deno run -P=gc tasks/gc.ts --help
 * ```
 *
 * @module
 */
import { ConfigError } from "../src/errors/mod.ts";
import { defineTask } from "../src/config/mod.ts";
import { printOut, runTask } from "../src/cli/mod.ts";
import { formatAmount, formatTable } from "../src/log/mod.ts";
import { collectGarbage, readReferences } from "../src/hub/mod.ts";

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
});

/** Runs GC and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal }) => {
    const { flags } = config;
    const files = flags.references ?? [];
    if (files.length === 0 && !flags["none-referenced"]) {
      throw new ConfigError("Cannot collect garbage without references: every cached model would count as unused", {
        hint: "Pass --references <file> (e.g. the output of `deno task chain:read --json`), or --none-referenced",
      });
    }
    let references;
    try {
      references = await readReferences(files);
    } catch (error) {
      throw new ConfigError((error as Error).message, { hint: "See `deno task gc --help` for the accepted shapes" });
    }
    const report = await collectGarbage({
      modelDir: config.validator.modelDir,
      cacheDir: config.validator.cacheDir,
      references,
      graceMs: config.validator.gcGraceMs,
      quarantineRetentionMs: flags["quarantine-retention"],
      dryRun: flags["dry-run"],
      signal,
    });
    if (flags.json) {
      printOut(JSON.stringify(report, null, 2));
      return;
    }
    if (report.deleted.length > 0) {
      printOut(formatTable(report.deleted, [
        { header: "kind", value: (d) => d.kind },
        { header: "repo", value: (d) => d.repo },
        { header: "commit", value: (d) => d.commit?.slice(0, 12) ?? "" },
        { header: "bytes", value: (d) => (d.bytes > 0 ? formatAmount(d.bytes, "bytes") : ""), align: "right" },
        { header: "path", value: (d) => d.path },
      ]));
    }
    const kept = report.kept.map((k) => `${k.repo}@${k.commit.slice(0, 12)} (${k.reason})`);
    if (kept.length > 0) printOut(`Kept: ${kept.join(", ")}`);
    printOut(
      `${report.dryRun ? "Would free" : "Freed"} ${
        formatAmount(report.freedBytes, "bytes")
      } (${report.freedBytes} bytes)` +
        ` in ${report.deleted.length} items`,
    );
  });
}

if (import.meta.main) Deno.exit(await main());
