/**
 * Quarantine of models whose secure hash does not match: the files stay, hard-linked under
 * `models--ns--name/.subvalid/quarantine/<commit>--<hotkey>/` with a `reason.json`, for inspection. The
 * model is ineligible; garbage collection removes quarantines after a retention period.
 *
 * @module
 */
import { join } from "node:path";
import { repoCachePaths, writeFileAtomic } from "./hf_cache.ts";
import { linkIntoSnapshot } from "./_snapshot_files.ts";

/** What `reason.json` records. */
export interface QuarantineRecord {
  readonly repo: string;
  readonly revision: string;
  readonly commit: string;
  readonly uid: number | undefined;
  readonly hotkey: string | undefined;
  readonly reason: string;
  readonly expectedSecureHash: string | null | undefined;
  readonly computedSecureHash: string | undefined;
  readonly modelHash: string;
  readonly files: readonly string[];
  readonly at: string;
}

/** Links a snapshot's files into a quarantine directory and writes `reason.json`; returns the directory. */
export async function quarantineModel(
  modelDir: string,
  snapshotDir: string,
  record: Omit<QuarantineRecord, "at">,
): Promise<string> {
  const safeHotkey = (record.hotkey ?? "unknown").replace(/[^A-Za-z0-9_-]/g, "_");
  const dir = join(repoCachePaths(modelDir, record.repo).quarantine, `${record.commit}--${safeHotkey}`);
  for (const path of record.files) await linkIntoSnapshot(join(snapshotDir, path), join(dir, "files", path));
  await writeFileAtomic(
    join(dir, "reason.json"),
    JSON.stringify({ ...record, at: new Date().toISOString() }, null, 2) + "\n",
  );
  return dir;
}
