/**
 * The flags of `deno task bench:tokenize` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";

/** The bench:tokenize task. */
export const spec = defineTask({
  name: "bench:tokenize",
  summary: "Tokenization throughput: @huggingface/tokenizers vs our byte-level BPE on one step's samples",
  usage: "deno task bench:tokenize [flags]",
  groups: ["logging"],
  flags: {
    rounds: { kind: "integer", description: "Alternating rounds (HF, then ours)", default: 3, min: 1 },
    samples: { kind: "integer", description: "Samples (half math/code-output, half codeforces-like)", default: 240 },
    seed: { kind: "integer", description: "Corpus seed", default: 37 },
    json: { kind: "boolean", description: "Print the results as JSON" },
  },
});
