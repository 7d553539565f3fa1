/**
 * The flags of `deno task fetch` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask, hubHost } from "../../src/config/mod.ts";

/** The fetch task. */
export const spec = defineTask({
  name: "fetch",
  summary: "Download a committed model at its exact commit into the HF cache, checked and hash-verified",
  usage: "deno task fetch --model <ns/name> --revision <sha|main> [--hotkey <ss58> --hash <b64>] [flags]",
  description: `
Cheap checks run before any weight byte: the revision resolves to an exact commit, the total size of
the repository at that commit is within the competition's max_bytes, the files the scorer needs exist
(ONNX layout, else safetensors), and the disk has room. Files land in <model_dir>/models--ns--name/
(blobs/, snapshots/<commit>/ as hard links, refs/). With --hotkey and --hash the secure hash is checked
exactly as the reference validator computes it; a mismatch quarantines the files and exits 7.
HF_TOKEN is sent when set; HF_HUB_OFFLINE=1 (or --offline) uses the cache only.`,
  groups: ["validator", "hub", "logging"],
  flags: {
    model: { kind: "string", description: "Repository id", valueName: "<ns/name>" },
    revision: { kind: "string", description: "Commit sha, branch or tag", default: "main", valueName: "<rev>" },
    hotkey: { kind: "string", description: "Miner hotkey (ss58) the secure hash binds to", valueName: "<ss58>" },
    hash: { kind: "string", description: "The committed secure hash to check (needs --hotkey)", valueName: "<b64>" },
    competition: { kind: "integer", description: "Competition id whose max_bytes applies", min: 0 },
    "max-bytes": { kind: "integer", description: "Size limit in bytes (overrides the competition's)", min: 0 },
    layout: {
      kind: "string",
      description: "Which files make the model (tokenizer: tokenizer files only, e.g. Xenova/gpt-4)",
      default: "auto",
      choices: ["auto", "onnx", "safetensors", "tokenizer"],
    },
    concurrency: { kind: "integer", description: "Files downloaded at once", default: 4, min: 1, max: 32 },
    rehash: { kind: "boolean", description: "Recompute the model hash of a cached model from its files" },
    json: { kind: "boolean", description: 'Print one JSON object: {"path","commit","bytes","seconds","hash",...}' },
  },
  examples: [
    "deno task fetch --model acme/tiny-lm --revision main --competition 99",
    "deno task fetch --model acme/tiny-lm --revision 0123…cdef --hotkey 5F… --hash q3Qe… --json",
    "deno task fetch --model acme/tiny-lm --hub.url http://127.0.0.1:8765 --validator.model_dir ./.cache/huggingface/hub",
  ],
  access: (config) => ({ write: [config.validator.modelDir], net: [hubHost(config)] }),
});
