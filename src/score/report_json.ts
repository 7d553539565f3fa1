/**
 * The JSON form of a {@linkcode ScoreReport}, as `deno task score --json`
 * prints it and `scoreInSubprocess` reads it: snake_case keys, `null` for
 * `Infinity` losses, `error` when the model failed.
 *
 * @module
 */
import type { SampleScore, ScoreReport } from "./score_model.ts";

/** `deno task score --json` output. */
export interface ScoreReportJson {
  model: string;
  device: string;
  loss: number | null;
  samples: { loss: number | null; tokens: number }[];
  "tokens_per_second": number;
  seconds: number;
  error?: string;
}

const finite = (x: number): number | null => Number.isFinite(x) ? x : null;

/** Converts a report to its JSON form. */
export function reportToJson(report: ScoreReport): ScoreReportJson {
  const json: ScoreReportJson = {
    model: report.model,
    device: report.device,
    loss: finite(report.loss),
    samples: report.samples.map((s) => ({ loss: finite(s.loss), tokens: s.tokens })),
    "tokens_per_second": Math.round(report.tokensPerSecond * 10) / 10,
    seconds: Math.round(report.seconds * 1000) / 1000,
  };
  if (report.error !== undefined) json.error = report.error;
  else if (json.loss === null) json.error = "The loss is infinite";
  return json;
}

/**
 * Reads the JSON form back (`null` losses become `Infinity`).
 *
 * @throws {SyntaxError} when the value does not have the report's shape
 */
export function reportFromJson(value: unknown): ScoreReport {
  const v = value as Partial<ScoreReportJson> | null;
  if (
    typeof v !== "object" || v === null || typeof v.model !== "string" || typeof v.device !== "string" ||
    !(typeof v.loss === "number" || v.loss === null) || !Array.isArray(v.samples)
  ) {
    throw new SyntaxError("Not a score report");
  }
  const samples: SampleScore[] = v.samples.map((s) => ({ loss: s.loss ?? Infinity, tokens: Number(s.tokens) }));
  return {
    model: v.model,
    device: v.device,
    loss: v.loss ?? Infinity,
    samples,
    tokensPerSecond: Number(v.tokens_per_second ?? 0),
    seconds: Number(v.seconds ?? 0),
    ...(typeof v.error === "string" ? { error: v.error } : {}),
  };
}
