#!/usr/bin/env -S deno run -P=epoch
/**
 * The validator's entry point: one epoch against the configured chain and
 * hub. Reads the metagraph and the miners' commitments at one block, fetches
 * and verifies every eligible model, scores each in an isolated process on the
 * competition's evaluation samples, turns the losses into weights (win rates
 * with the epsilon advantage, the moving average kept in a state file) and
 * sets them with the validator's hotkey. Run it from cron or a systemd timer;
 * the long-running loop will be built on the same epoch.
 *
 * ```sh
 * deno task epoch --samples eval.jsonl [--competition 4] [--tokenizer <dir>] [--dry-run] [--json]
 * deno run -P=epoch --allow-read=./,$HOME/.bittensor/wallets main.ts --help
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { connectChain, formatReceipt, setWeights, type WeightsReceipt } from "./src/chain/mod.ts";
import { printOut, runTask } from "./src/cli/mod.ts";
import { defineTask } from "./src/config/mod.ts";
import { ConfigError, ExitCode } from "./src/errors/mod.ts";
import { getCompetition } from "./src/eval/competitions.ts";
import { collectGarbage } from "./src/hub/mod.ts";
import { formatEpoch, readEpochState, runEpoch, writeEpochState } from "./src/validator/mod.ts";
import { loadHotkey } from "./src/wallet/mod.ts";

/** The epoch task. */
export const spec = defineTask({
  name: "epoch",
  summary: "One validator epoch: chain snapshot, fetch, score, weights (set, or explained with --dry-run)",
  usage: "deno task epoch --samples <file.jsonl> [flags]",
  description: "The competition's evaluation samples are given as a file (JSON Lines, as `deno task score` reads\n" +
    "them); subvalid does not draw SN37's datasets itself yet. The moving average of the weights is kept in\n" +
    "--state between runs.",
  groups: ["wallet", "subtensor", "validator", "hub", "logging"],
  flags: {
    samples: { kind: "path", description: "The competition's evaluation samples (JSON Lines)", valueName: "<file>" },
    competition: { kind: "integer", description: "The competition evaluated", default: 4, min: 0, valueName: "<id>" },
    tokenizer: {
      kind: "path",
      description: "Score every model with this tokenizer (the competition's forced one)",
      valueName: "<dir>",
    },
    state: {
      kind: "path",
      description: "The moving-average state file (default ./.cache/subvalid/epoch-<netuid>.json)",
      valueName: "<file>",
    },
    "dry-run": { kind: "boolean", description: "Score and compute the weights, but set nothing (state unchanged)" },
    gc: {
      kind: "boolean",
      description: "After the epoch, delete cached models no commitment references",
      default: true,
    },
    json: { kind: "boolean", description: "Print the epoch and the receipt as JSON on stdout" },
  },
  examples: [
    "deno task epoch --samples eval.jsonl --wallet.name validator --subtensor.network finney",
    "deno task epoch --samples eval.jsonl --competition 99 --subtensor.network local --dry-run --json",
  ],
});

const PROJECT = new URL(".", import.meta.url).pathname;

/** Runs one epoch and returns the exit code: 0 when the weights were set (or, dry, computed). */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    if (flags.samples === undefined) {
      throw new ConfigError("Cannot run an epoch: --samples is required", {
        hint: 'Give the competition\'s evaluation samples as JSON Lines (see README "Sample files")',
      });
    }
    if (getCompetition(flags.competition) === undefined) {
      throw new ConfigError(`Cannot run an epoch: unknown competition ${flags.competition}`);
    }
    if (config.offline && !flags["dry-run"]) {
      throw new ConfigError("Cannot set weights --offline", { hint: "Add --dry-run, or drop --offline" });
    }
    const statePath = flags.state ?? join(PROJECT, ".cache", "subvalid", `epoch-${config.netuid}.json`);
    const previous = await readEpochState(statePath, { netuid: config.netuid, competitionId: flags.competition });
    const hotkey = flags["dry-run"] ? undefined : await loadHotkey(config.wallet);

    await using reader = await connectChain(config.subtensor.chainEndpoint, { signal });
    const epoch = await runEpoch({
      reader,
      netuid: config.netuid,
      competitionId: flags.competition,
      samplesFile: flags.samples,
      modelDir: config.validator.modelDir,
      cacheDir: config.validator.cacheDir,
      hubUrl: config.hub.url,
      hubToken: config.hub.token,
      offline: config.hub.offline,
      device: config.validator.device,
      batchTokens: config.validator.batchTokens,
      scoreTimeoutMs: config.validator.scoreTimeoutMs,
      tokenizerDir: flags.tokenizer,
      previousAverage: previous?.average,
      signal,
    });

    let receipt: WeightsReceipt | undefined;
    const uids = [...epoch.weights.keys()].filter((uid) => epoch.weights.get(uid)! > 0);
    if (hotkey !== undefined && uids.length > 0) {
      await using writer = await connectChain(config.subtensor.chainEndpoint, { signal });
      receipt = await setWeights(
        { uids, weights: uids.map((uid) => epoch.weights.get(uid)!) },
        { client: writer, signer: hotkey.pair, netuid: config.netuid, versionKey: config.validator.versionKey, signal },
      );
    } else if (hotkey !== undefined) {
      log.warn("No model earned weight this epoch: nothing to set");
    }
    if (!flags["dry-run"]) {
      await writeEpochState(statePath, {
        netuid: config.netuid,
        competitionId: flags.competition,
        block: epoch.block,
        average: epoch.average,
      });
      log.info(`Saved the moving average to ${statePath}`);
    }
    if (flags.gc && !config.offline) {
      const report = await collectGarbage({
        modelDir: config.validator.modelDir,
        cacheDir: config.validator.cacheDir,
        references: epoch.references,
        graceMs: config.validator.gcGraceMs,
        dryRun: flags["dry-run"],
        signal,
      });
      log.info(`Garbage collection: ${report.deleted.length} snapshots, ${report.freedBytes} bytes freed`);
    }

    if (flags.json) {
      printOut(JSON.stringify({
        block: epoch.block,
        blockHash: epoch.blockHash,
        competition: epoch.competition.name,
        rows: epoch.rows.map((row) => ({ ...row, loss: row.loss === Infinity ? null : row.loss })),
        weights: Object.fromEntries(epoch.weights),
        receipt: receipt ?? null,
      }));
    } else {
      printOut(formatEpoch(epoch));
      if (receipt) printOut(formatReceipt(receipt));
    }
    return receipt === undefined || receipt.success ? ExitCode.Ok : ExitCode.Weights;
  });
}

if (import.meta.main) Deno.exit(await main());
