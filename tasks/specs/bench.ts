/**
 * The flags of `deno task bench` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";

/** The bench task. */
export const spec = defineTask({
  name: "bench",
  summary: "Scoring throughput: subvalid vs PyTorch eager on the same model and samples, side by side",
  usage: "deno task bench [flags]",
  groups: ["logging"],
  flags: {
    vocab: { kind: "integer", description: "Vocabulary size", default: 32000, min: 16 },
    dim: { kind: "integer", description: "Model width", default: 512, min: 16 },
    layers: { kind: "integer", description: "Transformer layers", default: 6, min: 1 },
    heads: { kind: "integer", description: "Attention heads", default: 8, min: 1 },
    samples: {
      kind: "integer",
      description: "Samples (context 64-192 + reference 64-256 tokens)",
      default: 32,
      min: 1,
    },
    rounds: { kind: "integer", description: "Alternating rounds (PyTorch, then ours)", default: 3, min: 1 },
    reps: { kind: "integer", description: "Timed passes per round and engine (after a warm-up)", default: 3, min: 1 },
    "batch-tokens": { kind: "integer", description: "Token budget of a batch (both engines)", default: 2048, min: 1 },
    threads: { kind: "integer", description: "ONNX Runtime intra-op threads", default: 2, min: 1 },
    python: { kind: "string", description: "Python with torch", default: "/usr/bin/python3" },
    "openblas-threads": { kind: "integer", description: "OPENBLAS_NUM_THREADS for PyTorch", default: 2, min: 1 },
    json: { kind: "boolean", description: "Print the results as JSON" },
  },
});
