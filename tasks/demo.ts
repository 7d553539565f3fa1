#!/usr/bin/env -S deno run -P=demo
/**
 * The main job on the embedded default: starts a local subtensor chain and a
 * local Hugging Face hub (serving the SN37 datasets' shapes), publishes small
 * real models for nine miners (good, too short, untrained, copied, with a
 * wrong hash, missing, malformed, and one that improves later), lets them
 * commit on chain, then runs the validator's own loop for a few steps, the
 * chain moved past a sync block between steps. Prints each step's table,
 * the weights the chain stores after it, and how the moving average moved.
 *
 * ```sh
 * deno task demo [--steps 3] [--json] [--validator.device cpu]
 * deno run -P=demo tasks/demo.ts --help
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { printOut, runTask } from "../src/cli/mod.ts";
import { ExitCode } from "../src/errors/mod.ts";
import { DEMO_MINERS, DEMO_SYNC_CADENCE, runDemo } from "../src/demo/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { formatStepReport, type StepReport } from "../src/validator/mod.ts";
import { spec } from "./specs/demo.ts";

const PROJECT = new URL("..", import.meta.url).pathname;

export { spec };

function storedTable(stored: ReadonlyMap<number, number>): string {
  return formatTable([...stored].map(([uid, u16]) => ({ uid, u16 })), [
    { header: "uid", value: (r) => String(r.uid), align: "right" },
    { header: "u16", value: (r) => String(r.u16), align: "right" },
  ]);
}

/** How each scored uid's moving average moved over the steps. */
function averagesTable(reports: readonly StepReport[]): string {
  const uids = [...new Set(reports.flatMap((r) => r.uids.map((u) => u.uid)))].sort((a, b) => a - b);
  return formatTable(uids.map((uid) => ({ uid })), [
    { header: "uid", value: (r) => String(r.uid), align: "right" },
    ...reports.map((report) => ({
      header: `step ${report.step}`,
      value: (r: { uid: number }) => (report.competition_weights[r.uid] ?? 0).toFixed(4),
      align: "right" as const,
    })),
    {
      header: "weight now",
      value: (r: { uid: number }) => (reports.at(-1)!.subnet_weights[r.uid] ?? 0).toFixed(4),
      align: "right" as const,
    },
  ]);
}

function printAverages(reports: readonly StepReport[]): void {
  if (reports.length === 0) return;
  printOut(`The moving average of competition ${reports[0]!.competition} over the steps:\n${averagesTable(reports)}`);
}

/** Runs the demo and returns the exit code: 0 when the chain stored the weights of every step. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const started = performance.now();
    const json = config.flags.json;
    if (!json) {
      printOut(`Miners:\n${
        formatTable(DEMO_MINERS.map((m, i) => ({ uid: i + 1, ...m })), [
          { header: "uid", value: (m) => String(m.uid), align: "right" },
          { header: "repo", value: (m) => m.repo },
          { header: "scenario", value: (m) => m.story },
        ])
      }\n`);
    }
    const reports: StepReport[] = [];
    const result = await runDemo({
      workDir: join(PROJECT, ".cache", "demo"),
      modelDir: config.validator.modelDir,
      cacheDir: config.validator.cacheDir,
      device: config.validator.device,
      scoreTimeoutMs: Math.min(config.validator.scoreTimeoutMs, 300_000),
      steps: config.flags.steps,
      signal,
      serve: config.flags.serve
        ? {
          chainPort: config.flags["chain-port"],
          hubPort: config.flags["hub-port"],
          onServe: ({ endpoint, hubUrl, walletDir }) => {
            if (json) {
              // The reports now, then where the chain and the hub are: two JSON lines.
              printOut(JSON.stringify(reports));
              printOut(JSON.stringify({ chain: endpoint, hub: hubUrl, wallets: walletDir }));
              return;
            }
            printAverages(reports);
            printOut(
              `\nThe local chain and hub stay up until Ctrl-C:\n  chain    ${endpoint}\n  hub      ${hubUrl}\n` +
                `  wallets  ${walletDir}\nTry:\n  deno task eval --model tests/fixtures/safetensors/mistral --compare top:3 ` +
                `--subtensor.chain_endpoint ${endpoint} --hub.url ${hubUrl} --hub.datasets_url ${hubUrl} ` +
                `--validator.schedule local --validator.sync_genesis 0 --validator.sync_cadence ${DEMO_SYNC_CADENCE}\n`,
            );
          },
        }
        : undefined,
      onStep: (report, stored) => {
        reports.push(report);
        if (json) return;
        printOut(
          `${
            formatStepReport(report)
          }\n\nWeights stored on chain for the validator (uid 0) after step ${report.step}:\n${storedTable(stored)}\n`,
        );
      },
    });
    if (json) {
      if (!config.flags.serve) printOut(JSON.stringify(result.reports));
    } else if (!config.flags.serve) {
      printAverages(result.reports);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.stored.size === 0) {
      log.error(`Demo finished in ${seconds} s, but the chain stores no weights for the validator`);
      return ExitCode.Weights;
    }
    log.success(`Demo finished in ${seconds} s: ${result.reports.length} steps, weights set on chain`);
  });
}

if (import.meta.main) Deno.exit(await main());
