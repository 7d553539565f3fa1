/**
 * The flags of `deno task eval` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask, DEVICE_PATTERN } from "../../src/config/mod.ts";
import { SAMPLE_SETS } from "../../src/eval/sample_sets.ts";

/** The eval task. */
export const spec = defineTask({
  name: "eval",
  summary: "One-off evaluation: score a local model directory on a samples file or a built-in sample set",
  usage: "deno task eval --model <dir> (--samples <file.jsonl> | --set <name>) [flags]",
  description: `Built-in sets: ${Object.values(SAMPLE_SETS).map((s) => `${s.name} (${s.description})`).join("; ")}.`,
  groups: ["validator", "logging"],
  flags: {
    model: { kind: "path", description: "Model directory (HF layout, onnx/model.onnx)", valueName: "<dir>" },
    samples: { kind: "path", description: 'Samples file (JSON Lines, optional "task" per line)', valueName: "<file>" },
    set: { kind: "string", description: "A built-in sample set instead of a file", choices: Object.keys(SAMPLE_SETS) },
    tokenizer: { kind: "path", description: "Use this tokenizer directory instead of the model's", valueName: "<dir>" },
    device: {
      kind: "string",
      description: "auto, cpu, cuda or cuda:N (default --validator.device)",
      pattern: DEVICE_PATTERN,
    },
    "batch-tokens": { kind: "integer", description: "Token budget of one batch", min: 1, valueName: "N" },
    timeout: { kind: "duration", description: "Deadline (default --validator.score_timeout)", min: 1 },
    "in-process": { kind: "boolean", description: "Score in this process instead of an isolated child" },
    json: { kind: "boolean", description: "Print one JSON object on stdout" },
  },
  examples: [
    "deno task eval --model tests/fixtures/models/tiny-llama --set smoke",
    "deno task eval --model ./my-model --samples eval.jsonl --tokenizer ./gpt4-tokenizer --json",
  ],
  access: (config) => ({
    read: [config.flags.model, config.flags.samples, config.flags.tokenizer],
    // The samples go to the scoring cache for the isolated scorer.
    write: [config.validator.cacheDir],
  }),
});
