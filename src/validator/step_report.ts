/**
 * A step's report: one JSON document per step, kept in the state database
 * and written atomically to `<state_dir>/reports/<step>.json`, and the table
 * the log shows for it.
 *
 * @module
 */
import { join } from "node:path";
import { formatTable } from "../log/mod.ts";

/** One evaluated uid in a step. */
export interface StepUidReport {
  readonly uid: number;
  readonly hotkey: string | undefined;
  /** `namespace/name@commit`, or null when the uid has no model in this competition. */
  readonly model: string | null;
  /** The block of the commitment (the model's age), or null. */
  readonly "commit_block": number | null;
  /** The combined score, null for infinity. */
  readonly score: number | null;
  /** Each loaded task's score: the mean of the samples' losses rounded to bf16 (null for infinity). */
  readonly "task_scores": Readonly<Record<string, number | null>>;
  /** The same means without the bf16 rounding. */
  readonly "raw_task_scores": Readonly<Record<string, number | null>>;
  readonly wins: number;
  readonly "win_rate": number;
  /** The step's weight for the uid (1 for the step's winners). */
  readonly "step_weight": number;
  /** Why the score is infinite, when it is. */
  readonly error?: string;
}

/** One step, as recorded. */
export interface StepReport {
  readonly step: number;
  readonly competition: number;
  readonly "current_block": number;
  readonly "sync_block": number;
  readonly "block_hash": string;
  /** The seed, as a decimal string. */
  readonly seed: string;
  readonly tasks: readonly {
    readonly name: string;
    readonly weight: number;
    readonly samples: number;
    readonly error?: string;
  }[];
  readonly uids: readonly StepUidReport[];
  readonly "top_uid": number;
  /** The competition's moving average after the step, one float per uid. */
  readonly "competition_weights": readonly number[];
  /** The subnet weights after the step (threshold applied), one float per uid. */
  readonly "subnet_weights": readonly number[];
  /** The uids kept queued for the competition's next step. */
  readonly "kept_uids": readonly number[];
  /** Seconds: drawing the data, scoring each uid, the whole step. */
  readonly durations: {
    readonly data: number;
    readonly scoring: Readonly<Record<string, number>>;
    readonly total: number;
  };
  /** Whether the data came from the per-sync-block cache. */
  readonly "data_cached": boolean;
}

/** Writes a report to `<dir>/<step>.json` atomically (a temporary file, synced, then renamed over it). */
export async function writeReportFile(dir: string, report: StepReport | Record<string, unknown>): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `${report.step}.json`);
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    using file = await Deno.open(temp, { write: true, createNew: true });
    const bytes = new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`);
    for (let written = 0; written < bytes.length;) written += await file.write(bytes.subarray(written));
    await file.sync();
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await Deno.rename(temp, path);
  return path;
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

const num = (x: number | null, digits = 4) => x === null ? "inf" : x.toFixed(digits);

/** The table the log shows for a step. */
export function formatStepReport(report: StepReport): string {
  const tasks = report.tasks.map((t) => t.name);
  const table = formatTable(report.uids, [
    { header: "uid", value: (r) => String(r.uid), align: "right" },
    { header: "hotkey", value: (r) => r.hotkey === undefined ? "-" : `${r.hotkey.slice(0, 8)}…` },
    { header: "model", value: (r) => r.model === null ? "-" : shorten(r.model.replace(/@(.{8}).*$/, "@$1"), 36) },
    { header: "block", value: (r) => r.commit_block === null ? "-" : String(r.commit_block), align: "right" },
    ...tasks.map((name) => ({
      header: name.toLowerCase().replace(/_/g, " ").slice(0, 14),
      value: (r: StepUidReport) => r.task_scores[name] === undefined ? "-" : num(r.task_scores[name]!),
      align: "right" as const,
    })),
    { header: "score", value: (r) => num(r.score), align: "right" },
    { header: "win rate", value: (r) => r.win_rate.toFixed(2), align: "right" },
    {
      header: "weight",
      value: (r) => (report.competition_weights[r.uid] ?? 0).toFixed(4),
      align: "right",
    },
    { header: "note", value: (r) => shorten(r.error ?? (report.kept_uids.includes(r.uid) ? "kept" : ""), 40) },
  ]);
  const header = `Step ${report.step}: competition ${report.competition}, block ${report.current_block}, sync block ` +
    `${report.sync_block}, ${report.tasks.map((t) => `${t.name} ${t.samples}`).join(", ")} samples` +
    `${report.data_cached ? " (cached)" : ""}, ${report.durations.total.toFixed(1)} s`;
  return `${header}\n${table}`;
}
