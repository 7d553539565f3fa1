/**
 * Evaluation samples: JSON Lines where each line is either token ids
 * (`{"context_ids":[…],"reference_ids":[…]}`) or a chat
 * (`{"messages":[{"role","content"}…],"reference":"…"}`). An optional
 * `"task"` names the evaluation task the sample belongs to.
 *
 * @module
 */
import { ExitCode, SubvalidError } from "../errors/mod.ts";

/** A samples file that cannot be read or parsed (the caller's mistake). */
export class SamplesError extends SubvalidError {
  override readonly exitCode = ExitCode.Usage;
}

/** One chat message. */
export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/** A sample given as token ids. */
export interface IdsSample {
  readonly contextIds: readonly number[];
  readonly referenceIds: readonly number[];
  readonly task?: string;
}

/** A sample given as text: the context is the chat template over `messages` with the generation prompt. */
export interface ChatSample {
  readonly messages: readonly ChatMessage[];
  readonly reference: string;
  readonly task?: string;
}

/** One evaluation sample. */
export type Sample = IdsSample | ChatSample;

/** Whether a sample carries token ids. */
export function isIdsSample(sample: Sample): sample is IdsSample {
  return "contextIds" in sample;
}

function tokenIds(value: unknown, field: string, where: string): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SamplesError(`Cannot read samples: ${where}: "${field}" must be a non-empty array of token ids`);
  }
  for (const id of value) {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new SamplesError(`Cannot read samples: ${where}: "${field}" holds ${JSON.stringify(id)}, not a token id`);
    }
  }
  return value as number[];
}

/**
 * Parses one sample object (the JSON of one line).
 *
 * @throws {SamplesError} naming the line and the field that is wrong
 */
export function parseSample(value: unknown, where = "sample"): Sample {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SamplesError(`Cannot read samples: ${where} is not a JSON object`);
  }
  const v = value as Record<string, unknown>;
  const task = v.task === undefined ? {} : { task: String(v.task) };
  if ("context_ids" in v || "reference_ids" in v) {
    return {
      contextIds: tokenIds(v.context_ids, "context_ids", where),
      referenceIds: tokenIds(v.reference_ids, "reference_ids", where),
      ...task,
    };
  }
  if ("messages" in v || "reference" in v) {
    if (!Array.isArray(v.messages) || v.messages.length === 0) {
      throw new SamplesError(`Cannot read samples: ${where}: "messages" must be a non-empty array`);
    }
    const messages = v.messages.map((m, i) => {
      const msg = m as Record<string, unknown> | null;
      if (typeof msg?.role !== "string" || typeof msg.content !== "string") {
        throw new SamplesError(
          `Cannot read samples: ${where}: messages[${i}] must have string "role" and "content"`,
        );
      }
      return { ...msg, role: msg.role, content: msg.content };
    });
    if (typeof v.reference !== "string" || v.reference === "") {
      throw new SamplesError(`Cannot read samples: ${where}: "reference" must be a non-empty string`);
    }
    return { messages, reference: v.reference, ...task };
  }
  throw new SamplesError(
    `Cannot read samples: ${where} has neither "context_ids"/"reference_ids" nor "messages"/"reference"`,
  );
}

/**
 * Parses JSON Lines text into samples (blank lines are skipped).
 *
 * @throws {SamplesError} for bad JSON or a malformed sample, naming the line
 */
export function parseSamples(text: string, source = "samples"): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new SamplesError(`Cannot read samples: ${source} line ${i + 1} is not JSON: ${(error as Error).message}`);
    }
    samples.push(parseSample(value, `${source} line ${i + 1}`));
  }
  if (samples.length === 0) throw new SamplesError(`Cannot read samples: ${source} holds no samples`);
  return samples;
}

/**
 * Reads a JSON Lines samples file.
 *
 * @throws {SamplesError} when the file cannot be read or a line is malformed
 */
export async function readSamples(path: string): Promise<Sample[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new SamplesError(`Cannot read samples file "${path}": ${(error as Error).message}`, {
      hint: "Pass a JSON Lines file with --samples",
      cause: error,
    });
  }
  return parseSamples(text, `"${path}"`);
}
