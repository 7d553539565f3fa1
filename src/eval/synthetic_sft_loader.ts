/**
 * SYNTHETIC_1_SFT (`PrimeIntellect/SYNTHETIC-1-SFT-Data`), as the reference's `Synthetic1SFTLoader`
 * draws and parses it (research/sn37_mechanism.md §3.2 item 4):
 *
 * - keep rows whose `task_type` is `verifiable_math` or `code_output_prediction` (in order), parse them
 *   in order until `targetSize` samples;
 * - below the target, fetch 1, 2, 4, 8, 16, 16, … more pages (at most 10 more rounds), re-filter, and
 *   parse only the rows not parsed before, stopping at the target;
 * - math: the answer is the last `\boxed{…}` match (non-greedy, `.` not matching `\n`); with a
 *   non-empty answer the trace is the text before the last `\boxed{answer}`, stripped; the reference
 *   text is `trace.strip() + " \boxed{" + answer + "}"` (also for an empty answer);
 * - code output: the answer is the last `{"output": "…"}` match; with a non-empty answer the trace is
 *   the text with the FIRST occurrence of `{"output": "answer"}` removed; the reference text is
 *   `trace.strip() + ' {"output": "' + answer + '"}'`.
 *
 * The reference would trim a parse result above the target with `random.sample`; that never runs,
 * since parsing stops at the target, so no randomness is drawn after the page rounds.
 *
 * A row the reference fails to parse (fewer than two messages, a message without `content`, a
 * non-string answer text) is skipped and does not count. A non-string question is skipped too: the
 * reference would keep it and fail later while tokenizing (the real dataset has none).
 *
 * @module
 */
import type { HfPageLoader } from "./hf_page_loader.ts";
import { findallLast, pyReplaceFirst, pyStrip } from "./py_str.ts";

/** The task types the reference keeps, in its order. */
export const SFT_TASK_TYPES: readonly string[] = ["verifiable_math", "code_output_prediction"];

const BOXED = /\\boxed\{([^\n]*?)\}/g;
const OUTPUT = /\{"output": "([^\n]*?)"\}/g;

/** A parsed sample: the user's question and the reference text the model is scored on. */
export interface ParsedSample {
  readonly question: string;
  readonly reference: string;
}

const content = (message: unknown): unknown => {
  if (typeof message !== "object" || message === null || Array.isArray(message) || !("content" in message)) {
    throw new TypeError("a message without content");
  }
  return (message as { content: unknown }).content;
};

/**
 * Parses one kept row (`_parse_verifiable_math` / `_parse_code_output_prediction` plus the reference
 * text `tokenize` builds), or returns `undefined` where the reference skips the row.
 */
export function parseSftRow(taskType: string, messages: unknown): ParsedSample | undefined {
  let question: unknown;
  let text: unknown;
  try {
    if (!Array.isArray(messages) || messages.length < 2) return undefined;
    question = content(messages[0]);
    text = content(messages[1]);
  } catch {
    return undefined;
  }
  if (typeof question !== "string" || typeof text !== "string") return undefined;
  if (taskType === "verifiable_math") {
    const answer = findallLast(BOXED, text);
    let trace = text;
    if (answer) {
      const at = text.lastIndexOf(`\\boxed{${answer}}`);
      if (at > -1) trace = pyStrip(text.slice(0, at));
    }
    return { question, reference: `${pyStrip(trace)} \\boxed{${answer ?? ""}}` };
  }
  if (taskType === "code_output_prediction") {
    const answer = findallLast(OUTPUT, text);
    const trace = answer ? pyReplaceFirst(text, `{"output": "${answer}"}`, "") : text;
    return { question, reference: `${pyStrip(trace)} {"output": "${answer ?? ""}"}` };
  }
  return undefined;
}

/** What the SFT loader leaves: its samples and the length the validator tests (the filtered buffer). */
export interface SftDraw {
  readonly samples: readonly ParsedSample[];
  /** `len(loader)`: the kept rows of every page; 0 means the reference leaves the task out. */
  readonly bufferLength: number;
}

/**
 * Runs the reference's SFT loader on a page loader whose configs are loaded.
 *
 * @throws {DatasetLoadError} from the page rounds
 */
export async function loadSyntheticSft(
  pages: HfPageLoader,
  kwargs: { readonly numPages?: number; readonly targetSize?: number },
): Promise<SftDraw> {
  const target = kwargs.targetSize;
  const numPages = kwargs.numPages ?? 1;
  let buffer: { messages: unknown; taskType: unknown }[] = [];
  let taken = 0;
  const parsed = new Set<number>();
  const samples: ParsedSample[] = [];
  const take = () => {
    for (; taken < pages.rows.length; taken++) {
      const row = pages.rows[taken]!;
      buffer.push({ messages: row.messages, taskType: Object.hasOwn(row, "task_type") ? row.task_type : "unknown" });
    }
  };
  const keepSupported = () => {
    buffer = buffer.filter((s) => typeof s.taskType === "string" && SFT_TASK_TYPES.includes(s.taskType));
  };
  const parseNew = () => {
    for (const [i, s] of buffer.entries()) {
      if (parsed.has(i)) continue;
      parsed.add(i);
      const sample = parseSftRow(s.taskType as string, s.messages);
      if (sample === undefined) continue;
      samples.push(sample);
      if (target !== undefined && samples.length >= target) break;
    }
  };
  if (numPages) await pages.fetchRound(numPages);
  take();
  keepSupported();
  parseNew();
  let more = 1;
  for (let rounds = 0; target !== undefined && samples.length < target && rounds < 10; rounds++) {
    await pages.fetchRound(more);
    take();
    keepSupported();
    parseNew();
    more = Math.min(more * 2, 16);
  }
  return { samples, bufferLength: buffer.length };
}
