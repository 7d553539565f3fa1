#!/usr/bin/env -S deno run -P=weights --allow-read=./,${HOME}/.bittensor/wallets
/**
 * Converts weights to the chain's u16 values exactly as the Python SDK does
 * and sets them: `set_mechanism_weights`, or a drand-timelocked commit when
 * the subnet has commit-reveal on. `--dry-run` explains instead: the table,
 * every pre-check, and what would be sent. Only the hotkey file is read.
 *
 * ```sh
 * deno task weights --weights weights.json [--dry-run] [--json] [--offline]
 * deno run -P=weights --allow-read=./,$HOME/.bittensor/wallets tasks/weights.ts --help
 * ```
 *
 * @module
 */
import { printOut, reportError, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode, exitCodeOf, findDenial } from "../src/errors/mod.ts";
import { permissionSetOf } from "../src/config/mod.ts";
import { convertWeightsForEmit, type EmitWeights, parseWeightsJson, type WeightsInput } from "../src/mechanism/mod.ts";
import { readUidHotkeys } from "../src/chain/mod.ts";
import {
  connectWeightsWriter,
  failureReceipt,
  formatConversion,
  formatPlan,
  formatReceipt,
  loadWeightsSigner,
  planToJson,
  planWeights,
  setWeightsOrThrow,
} from "../src/weights/mod.ts";
import { spec } from "./specs/weights.ts";

export { spec };

const WEIGHTS_HINT = 'The file holds {"uids": [...], "weights": [...]} or {"<uid>": weight, ...} with weights ≥ 0';

/** Reads and checks the weights file; every problem is a usage error (exit 2) naming the file. */
async function readWeights(path: string | undefined): Promise<{ input: WeightsInput; emit: EmitWeights }> {
  if (path === undefined) {
    throw new ConfigError("Cannot set weights: no weights file given", { hint: "Pass --weights <file.json>" });
  }
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(`Cannot read weights file "${path}": ${(error as Error).message}`, { cause: error });
  }
  try {
    const input = parseWeightsJson(text, `weights file "${path}"`);
    return { input, emit: convertWeightsForEmit(input.uids, input.weights) };
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof RangeError)) throw error;
    throw new ConfigError(error.message.replace("Cannot convert weights", `Cannot use weights file "${path}"`), {
      hint: WEIGHTS_HINT,
      cause: error,
    });
  }
}

/** Runs the task and returns its exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const flags = config.flags;
    const { input, emit } = await readWeights(flags.weights);

    if (flags["dry-run"] && config.offline) {
      printOut(flags.json ? JSON.stringify({ uids: emit.uids, u16: emit.values }) : formatConversion(input, emit));
      return ExitCode.Ok;
    }
    if (config.offline) {
      throw new ConfigError("Cannot set weights with --offline", { hint: "Only --dry-run works offline" });
    }

    const signer = await loadWeightsSigner(config, { needSecret: !flags["dry-run"] });
    await using writer = await connectWeightsWriter(config, { signal });
    const common = {
      netuid: config.netuid,
      versionKey: config.validator.versionKey,
      signal,
    };

    if (flags["dry-run"]) {
      const plan = await planWeights(writer, input, { ...common, hotkey: signer.address });
      const hotkeys = await readUidHotkeys(writer, config.netuid, plan.input.uids, plan.state.blockHash);
      printOut(flags.json ? JSON.stringify(planToJson(plan, hotkeys), null, 2) : formatPlan(plan, hotkeys));
      const failed = plan.prechecks.filter((c) => c.status === "fail");
      for (const check of failed) log.error(`Pre-check ${check.name} failed: ${check.detail}`);
      return failed.length > 0 ? ExitCode.Weights : ExitCode.Ok;
    }

    try {
      const receipt = await setWeightsOrThrow(input, {
        ...common,
        client: writer,
        signer: signer.pair!,
        inclusionTimeoutMs: flags.timeout,
        waitForFinalization: flags["wait-for-finalization"],
        prechecks: !flags["skip-prechecks"],
      });
      printOut(flags.json ? JSON.stringify(receipt, null, 2) : formatReceipt(receipt));
      return ExitCode.Ok;
    } catch (error) {
      if (!flags.json || findDenial(error) !== undefined) throw error;
      reportError(log, error, permissionSetOf(spec), config.logging.json);
      printOut(JSON.stringify(failureReceipt(error), null, 2));
      return exitCodeOf(error);
    }
  });
}

if (import.meta.main) Deno.exit(await main());
