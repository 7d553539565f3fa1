#!/usr/bin/env -S deno run -P=fetch
/**
 * Downloads a committed model at its exact commit into the Hugging Face cache: cheap checks first
 * (commit, total size, needed files, free disk), only the needed files, resumable and verified, then
 * the secure hash check with the hotkey.
 *
 * ```sh
 * deno task fetch --model ns/name --revision <sha|main> [--hotkey <ss58> --hash <secure_hash>] [--competition N] [--hub.url URL] [--json]
 * deno run -P=fetch tasks/fetch.ts --help
 * ```
 *
 * @module
 */
import { ConfigError, ExitCode } from "../src/errors/mod.ts";
import { defineTask } from "../src/config/mod.ts";
import { printOut, runTask } from "../src/cli/mod.ts";
import { formatAmount } from "../src/log/mod.ts";
import { fetchModel, MinerModelError } from "../src/hub/mod.ts";
import { parseRepoId } from "../src/mechanism/mod.ts";

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
});

/** Runs the fetch and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal }) => {
    const { flags } = config;
    if (flags.model === undefined) {
      throw new ConfigError("Cannot fetch: --model is required", { hint: "Pass --model <ns/name>" });
    }
    if (flags.hash !== undefined && flags.hotkey === undefined) {
      throw new ConfigError("Cannot check --hash without --hotkey", {
        hint: "The secure hash binds the model to a hotkey",
      });
    }
    let id: { namespace: string; name: string };
    try {
      id = parseRepoId(flags.model);
    } catch (error) {
      throw new ConfigError((error as Error).message, { hint: "Pass --model <ns/name>" });
    }
    const json = flags.json;
    try {
      const model = await fetchModel(
        { ...id, commit: flags.revision, secureHash: flags.hash, competitionId: flags.competition },
        {
          modelDir: config.validator.modelDir,
          hubUrl: config.hub.url,
          token: config.hub.token,
          offline: config.hub.offline,
          hotkey: flags.hotkey,
          maxBytes: flags["max-bytes"],
          layout: flags.layout as "auto" | "onnx" | "safetensors" | "tokenizer",
          concurrency: flags.concurrency,
          rehash: flags.rehash,
          progress: !json,
          signal,
        },
      );
      if (json) {
        printOut(JSON.stringify({
          path: model.dir,
          commit: model.commit,
          bytes: model.bytes,
          seconds: Number(model.seconds.toFixed(3)),
          hash: model.hash,
          repo: model.repo,
          revision: model.revision,
          layout: model.layout,
          files: model.files.map((f) => f.path),
          totalBytes: model.totalBytes,
          receivedBytes: model.receivedBytes,
          cached: model.cached,
          modelHash: model.modelHash,
          ...(model.secureHash === undefined ? {} : { secureHash: model.secureHash }),
        }));
      } else {
        const rows: [string, string][] = [
          ["path", model.dir],
          ["commit", model.commit],
          [
            "bytes",
            `${model.bytes} (${formatAmount(model.bytes, "bytes")}) in ${model.files.length} files, ${model.layout}`,
          ],
          ["received", `${model.receivedBytes} bytes${model.cached ? " (cached)" : ""}`],
          ["seconds", model.seconds.toFixed(2)],
          ["hash", model.hash],
        ];
        printOut(rows.map(([k, v]) => `${k.padEnd(9)} ${v}`).join("\n"));
      }
      return ExitCode.Ok;
    } catch (error) {
      if (!json || !(error instanceof Error) || signal.aborted) throw error;
      const body = error instanceof MinerModelError
        ? { ...error.toJSON(), ...(error.reason === "hash_mismatch" ? { hash: "mismatch" } : {}) }
        : { error: error.message, reason: error.name };
      printOut(JSON.stringify(body));
      return "exitCode" in error && typeof error.exitCode === "number" ? error.exitCode : ExitCode.Internal;
    }
  });
}

if (import.meta.main) Deno.exit(await main());
