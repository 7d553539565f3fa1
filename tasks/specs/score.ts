/**
 * The flags of `deno task score` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask, DEVICE_PATTERN } from "../../src/config/mod.ts";

/** The score task. */
export const spec = defineTask({
  name: "score",
  summary: "Compute per-sample losses of one model (no network, no wallet; ONNX Runtime on GPU or CPU)",
  usage: "deno task score --model <dir> --samples <file.jsonl> [flags]",
  description: 'Samples are JSON Lines: {"context_ids":[…],"reference_ids":[…]} or ' +
    '{"messages":[{"role","content"}…],"reference":"…"}. Exit code 8 when the model scores Infinity.',
  groups: ["validator", "logging"],
  flags: {
    model: { kind: "path", description: "Model directory (HF layout, onnx/model.onnx)", valueName: "<dir>" },
    samples: { kind: "path", description: "Samples file (JSON Lines)", valueName: "<file.jsonl>" },
    tokenizer: { kind: "path", description: "Use this tokenizer directory instead of the model's", valueName: "<dir>" },
    device: {
      kind: "string",
      description: "auto, cpu, cuda or cuda:N (default --validator.device)",
      pattern: DEVICE_PATTERN,
    },
    "batch-tokens": {
      kind: "integer",
      description: "Token budget of one batch (default: --validator.batch_tokens, else 2048 on CPU, 16384 on CUDA)",
      min: 1,
      valueName: "N",
    },
    timeout: { kind: "duration", description: "Give up after this long (default --validator.score_timeout)", min: 1 },
    padding: { kind: "string", description: "Padding side", choices: ["right", "left"], default: "right" },
    threads: { kind: "integer", description: "ONNX Runtime intra-op threads (default: physical cores)", min: 1 },
    competition: {
      kind: "integer",
      description: "Check a safetensors checkpoint against this competition first (parameters, architecture, norms)",
      min: 0,
      valueName: "<id>",
    },
    json: { kind: "boolean", description: "Print one JSON object on stdout" },
  },
  examples: [
    "deno task score --model tests/fixtures/models/tiny-llama --samples tests/fixtures/samples/chat.jsonl",
    "deno task score --model ./my-model --samples eval.jsonl --tokenizer ./gpt4-tokenizer --device cpu --json",
  ],
  access: (config) => ({
    read: [config.flags.model, config.flags.samples, config.flags.tokenizer],
    write: [config.validator.cacheDir],
  }),
});
