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
import { connectChain } from "./src/chain/mod.ts";
import { printOut, runTask } from "./src/cli/mod.ts";
import { defineTask } from "./src/config/mod.ts";
import { ConfigError, ExitCode } from "./src/errors/mod.ts";
import { getCompetition } from "./src/eval/mod.ts";
import { formatEpoch, runValidatorEpoch } from "./src/validator/mod.ts";
import { liveChainReader, liveModelStore, liveScorer, liveWeightSetter } from "./src/validator/live/mod.ts";
import { loadHotkey } from "./src/wallet/mod.ts";
import { formatReceipt, type WeightsReceipt } from "./src/weights/mod.ts";

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
  return runTask(spec, args, async (config, { signal }) => {
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
    const hotkey = flags["dry-run"] ? undefined : await loadHotkey(config.wallet);
    const { validator } = config;

    await using reader = await connectChain(config.subtensor.chainEndpoint, { signal });
    // The weight setter has its own connection, never the reader's.
    await using writer = hotkey === undefined
      ? undefined
      : await connectChain(config.subtensor.chainEndpoint, { signal });
    const sent: { receipt?: WeightsReceipt } = {};
    const { epoch } = await runValidatorEpoch({
      chain: liveChainReader(reader, config.netuid),
      models: liveModelStore({
        modelDir: validator.modelDir,
        cacheDir: validator.cacheDir,
        hubUrl: config.hub.url,
        token: config.hub.token,
        offline: config.hub.offline,
        gcGraceMs: validator.gcGraceMs,
      }),
      scorer: liveScorer({
        cacheDir: validator.cacheDir,
        device: validator.device,
        batchTokens: validator.batchTokens,
        timeoutMs: validator.scoreTimeoutMs,
      }),
      weights: writer === undefined || hotkey === undefined ? undefined : liveWeightSetter(writer, hotkey.pair, {
        netuid: config.netuid,
        versionKey: validator.versionKey,
        onReceipt: (r) => sent.receipt = r,
      }),
    }, {
      netuid: config.netuid,
      competitionId: flags.competition,
      samplesFile: flags.samples,
      tokenizerDir: flags.tokenizer,
      statePath,
      gc: flags.gc && !config.offline,
      signal,
    });
    const receipt = sent.receipt;
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
