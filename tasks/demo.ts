#!/usr/bin/env -S deno run -P=demo
/**
 * The main job on the embedded default: starts a local subtensor chain and a
 * local Hugging Face hub, publishes small real models for eight miners (good,
 * worse, copied, with a wrong hash, missing, malformed), lets them commit on
 * chain, then runs one full validator epoch: read the chain, fetch and verify
 * every model, score each in an isolated process, compute win rates and
 * weights, and set them on chain. Prints the epoch table and what the chain
 * stored.
 *
 * ```sh
 * deno task demo [--json] [--validator.device cpu]
 * deno run -P=demo tasks/demo.ts --help
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { formatReceipt } from "../src/weights/mod.ts";
import { printOut, runTask } from "../src/cli/mod.ts";
import { DEMO_MINERS, runDemo } from "../src/demo/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { formatEpoch } from "../src/validator/mod.ts";
import { spec } from "./specs/demo.ts";

const PROJECT = new URL("..", import.meta.url).pathname;

export { spec };

/** Runs the demo and returns the exit code: 0 when the chain stored the weights. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const started = performance.now();
    const result = await runDemo({
      workDir: join(PROJECT, ".cache", "demo"),
      modelDir: config.validator.modelDir,
      cacheDir: config.validator.cacheDir,
      device: config.validator.device,
      scoreTimeoutMs: Math.min(config.validator.scoreTimeoutMs, 300_000),
      signal,
    });
    const stored = [...result.stored].map(([uid, u16]) => ({ uid, u16 }));
    if (config.flags.json) {
      printOut(JSON.stringify(
        {
          endpoint: result.endpoint,
          block: result.epoch.block,
          competition: result.epoch.competition.name,
          rows: result.epoch.rows.map((row) => ({ ...row, loss: row.loss === Infinity ? null : row.loss })),
          receipt: result.receipt,
          stored,
        },
        null,
        2,
      ));
    } else {
      const stories = formatTable(DEMO_MINERS.map((m, i) => ({ uid: i + 1, ...m })), [
        { header: "uid", value: (m) => String(m.uid), align: "right" },
        { header: "repo", value: (m) => m.repo },
        { header: "scenario", value: (m) => m.story },
      ]);
      printOut(`Miners:\n${stories}\n`);
      printOut(`${formatEpoch(result.epoch)}\n`);
      printOut(`${formatReceipt(result.receipt)}\n`);
      printOut(
        `Weights stored on chain for the validator (uid 0):\n${
          formatTable(stored, [
            { header: "uid", value: (r) => String(r.uid), align: "right" },
            { header: "u16", value: (r) => String(r.u16), align: "right" },
          ])
        }`,
      );
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!result.receipt.success) {
      log.error(`Demo finished in ${seconds} s, but the weights were not set`);
      return 6;
    }
    log.success(`Demo finished in ${seconds} s: weights set in block ${result.receipt.block}`);
  });
}

if (import.meta.main) Deno.exit(await main());
