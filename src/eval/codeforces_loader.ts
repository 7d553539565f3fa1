/**
 * CODEFORCES_COTS (`open-r1/codeforces-cots`), as the reference's `CodeforcesCOTSLoader` draws and
 * parses it (research/sn37_mechanism.md §3.2 item 5): every row of the fetched pages whose `messages`
 * has exactly two entries, minus those with `len(q)//4 + len(t)//4 + 10 > 16384` (`len` in code points,
 * each part floored on its own, before any strip; an empty text counts 0); the question is the first
 * message's content, the reference text the second's, stripped with Python's whitespace. No target size.
 *
 * A row the reference fails to parse is skipped. So is one whose contents are not strings: the
 * reference would keep some of those and fail later while tokenizing (the real dataset has none).
 *
 * @module
 */
import type { HfPageLoader } from "./hf_page_loader.ts";
import { pyLen, pyStrip } from "./py_str.ts";
import type { ParsedSample } from "./synthetic_sft_loader.ts";

/** The reference's `max_sequence_length` for this loader. */
export const CODEFORCES_MAX_TOKENS = 16384;
const CHARS_PER_TOKEN = 4;

const estimate = (text: string) => text === "" ? 0 : Math.floor(pyLen(text) / CHARS_PER_TOKEN);

/** Parses one row's `messages`, or returns `undefined` where the reference skips the row. */
export function parseCodeforcesRow(messages: unknown): ParsedSample | undefined {
  if (!Array.isArray(messages) || messages.length !== 2) return undefined;
  const [first, second] = messages as unknown[];
  const isMessage = (m: unknown): m is { content: unknown } =>
    typeof m === "object" && m !== null && !Array.isArray(m) && "content" in m;
  if (!isMessage(first) || !isMessage(second)) return undefined;
  const question = first.content;
  const trace = second.content;
  if (typeof question !== "string" || typeof trace !== "string") return undefined;
  if (estimate(question) + estimate(trace) + 10 > CODEFORCES_MAX_TOKENS) return undefined;
  return { question, reference: pyStrip(trace) };
}

/**
 * Runs the reference's codeforces loader on a page loader whose configs are loaded.
 *
 * @returns the samples, and `len(loader)`: every row of the fetched pages (0 leaves the task out)
 * @throws {DatasetLoadError} from the page round
 */
export async function loadCodeforces(
  pages: HfPageLoader,
  kwargs: { readonly numPages?: number },
): Promise<{ samples: ParsedSample[]; bufferLength: number }> {
  const numPages = kwargs.numPages ?? 1;
  if (numPages) await pages.fetchRound(numPages);
  const samples: ParsedSample[] = [];
  for (const row of pages.rows) {
    const sample = parseCodeforcesRow(row.messages);
    if (sample !== undefined) samples.push(sample);
  }
  return { samples, bufferLength: pages.rows.length };
}
