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
import { printOut, runTask } from "../src/cli/mod.ts";
import { formatAmount, formatTable } from "../src/log/mod.ts";
import { collectGarbage, readReferences } from "../src/hub/mod.ts";
import { spec } from "./specs/gc.ts";

export { spec };

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
