/**
 * The per-epoch summary table operators read: one row per uid with its model,
 * status, loss, win rate and weight.
 *
 * @module
 */
import { formatTable } from "../log/mod.ts";
import type { EpochResult, MinerRow } from "./run_epoch.ts";

const STATUS: Record<MinerRow["status"], string> = {
  "scored": "scored",
  "no-commitment": "no model",
  "bad-commitment": "bad commitment",
  "other-competition": "other competition",
  "too-young": "too young",
  "fetch-failed": "ineligible",
};

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** Formats an epoch's rows as a table, with a heading line. */
export function formatEpoch(result: EpochResult, options: { reasonWidth?: number } = {}): string {
  const width = options.reasonWidth ?? 60;
  const table = formatTable(result.rows, [
    { header: "uid", value: (r) => String(r.uid), align: "right" },
    { header: "hotkey", value: (r) => `${r.hotkey.slice(0, 8)}…` },
    { header: "model", value: (r) => r.repo ? `${r.repo}${r.commit ? `@${r.commit.slice(0, 8)}` : ""}` : "-" },
    { header: "block", value: (r) => r.commitBlock === undefined ? "-" : String(r.commitBlock), align: "right" },
    { header: "status", value: (r) => STATUS[r.status] },
    {
      header: "loss",
      value: (r) => r.loss === undefined ? "-" : Number.isFinite(r.loss) ? r.loss.toFixed(4) : "inf",
      align: "right",
    },
    { header: "win rate", value: (r) => r.winRate === undefined ? "-" : r.winRate.toFixed(2), align: "right" },
    { header: "weight", value: (r) => r.weight.toFixed(4), align: "right" },
    { header: "note", value: (r) => shorten(r.reason ?? "", width) },
  ]);
  return `Epoch at block ${result.block} (${result.competition.name}):\n${table}`;
}
