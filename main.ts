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
import { connectChain } from "./src/chain/mod.ts";
import { printOut, runTask } from "./src/cli/mod.ts";
import { ConfigError, ExitCode } from "./src/errors/mod.ts";
import { getCompetition } from "./src/eval/mod.ts";
import { formatEpoch, runValidatorEpoch } from "./src/validator/mod.ts";
import { liveChainReader, liveModelStore, liveScorer, liveWeightSetter } from "./src/validator/live/mod.ts";
import { loadHotkey } from "./src/wallet/mod.ts";
import { failureExitCode, formatReceipt, type WeightsReceipt } from "./src/weights/mod.ts";
import { epochStatePath, spec } from "./tasks/specs/epoch.ts";

export { spec };

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
    if (config.offline) {
      throw new ConfigError("Cannot run an epoch --offline: it reads the metagraph and the commitments on chain", {
        hint: "Drop --offline; to score cached models without a chain, use deno task score or deno task eval",
      });
    }
    const statePath = epochStatePath(config);
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
    return receipt === undefined || receipt.success ? ExitCode.Ok : failureExitCode(receipt);
  });
}

if (import.meta.main) Deno.exit(await main());
