/**
 * Turns samples into token ids: id samples pass through; chat samples become
 * `encode(apply_chat_template(messages, add_generation_prompt=True))` and
 * `encode(reference)`, both with the tokenizer's special tokens added, as
 * the subnet's Python does.
 *
 * @module
 */
import type { TokenizedSample } from "./batching.ts";
import type { ChatTokenizer } from "../eval/chat_tokenizer.ts";
import { isIdsSample, type Sample } from "../eval/samples.ts";
import { ModelError } from "../errors/mod.ts";

/**
 * Tokenizes samples. The tokenizer is only needed for chat samples.
 *
 * @throws {ModelError} when a chat sample has no tokenizer, its template
 * fails, or a part tokenizes to nothing
 */
export function tokenizeSamples(
  samples: readonly Sample[],
  tokenizer: ChatTokenizer | undefined,
): TokenizedSample[] {
  return samples.map((sample, i) => {
    if (isIdsSample(sample)) return { contextIds: sample.contextIds, referenceIds: sample.referenceIds };
    if (tokenizer === undefined) {
      throw new ModelError(`Cannot tokenize sample ${i}: no tokenizer`, {
        hint: "Put tokenizer.json in the model directory or force one with --tokenizer <dir>",
      });
    }
    const contextIds = tokenizer.encode(tokenizer.applyChatTemplate(sample.messages));
    const referenceIds = tokenizer.encode(sample.reference);
    if (contextIds.length === 0 || referenceIds.length === 0) {
      throw new ModelError(
        `Cannot tokenize sample ${i}: its ${contextIds.length === 0 ? "context" : "reference"} has no tokens`,
      );
    }
    return { contextIds, referenceIds };
  });
}

/** Whether any sample needs a tokenizer. */
export function needsTokenizer(samples: readonly Sample[]): boolean {
  return samples.some((s) => !isIdsSample(s));
}
