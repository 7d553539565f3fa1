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
import { ConfigError, ExitCode, exitCodeOf, findDenial } from "../src/errors/mod.ts";
import { permissionSetOf } from "../src/config/mod.ts";
import { printOut, reportError, runTask } from "../src/cli/mod.ts";
import { formatAmount } from "../src/log/mod.ts";
import { fetchModel, MinerModelError } from "../src/hub/mod.ts";
import { parseRepoId } from "../src/mechanism/mod.ts";
import { spec } from "./specs/fetch.ts";

export { spec };

/** Runs the fetch and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
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
      if (!json || !(error instanceof Error) || signal.aborted || findDenial(error) !== undefined) throw error;
      reportError(log, error, permissionSetOf(spec), config.logging.json);
      const body = error instanceof MinerModelError
        ? { ...error.toJSON(), ...(error.reason === "hash_mismatch" ? { hash: "mismatch" } : {}) }
        : { error: error.message, reason: error.name };
      printOut(JSON.stringify(body));
      return exitCodeOf(error);
    }
  });
}

if (import.meta.main) Deno.exit(await main());
