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
import { defineTask } from "../src/config/mod.ts";
import { printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode, exitCodeOf } from "../src/errors/mod.ts";
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

/** The weights task. */
export const spec = defineTask({
  name: "weights",
  summary: "Convert weights to u16 and set them on chain (set_weights or timelocked commit-reveal)",
  usage: "deno task weights --weights <file.json> [--dry-run] [--json] [flags]",
  description: [
    'The weights file is {"uids": [...], "weights": [...]} or {"<uid>": weight, ...}; any non-negative scale.',
    "--dry-run prints the conversion table and every pre-check without signing; with --offline it needs no chain",
    'and prints only the conversion ({"uids": [...], "u16": [...]} with --json). Exit codes: 0 sent (or dry run',
    "with every pre-check passing), 2 bad flags or weights file, 4 wallet problem, 5 chain unreachable or",
    "timed out (the outcome of a submitted transaction is then unknown), 6 refused by a pre-check or the chain.",
  ].join("\n"),
  groups: ["subnet", "wallet", "subtensor", "validator", "logging"],
  flags: {
    "weights": {
      kind: "path",
      description: "The weights file (JSON)",
      valueName: "<file.json>",
    },
    "dry-run": { kind: "boolean", description: "Explain what would be sent; sign nothing" },
    "json": { kind: "boolean", description: "Print one JSON object on stdout" },
    "wait-for-finalization": { kind: "boolean", description: "Wait for finalization, not just inclusion" },
    "timeout": {
      kind: "duration",
      description: "Deadline for inclusion in a block",
      default: 60_000,
      min: 1,
    },
    "skip-prechecks": {
      kind: "boolean",
      description: "Send even if a pre-check fails and report the chain's own refusal (diagnosis only)",
    },
  },
  examples: [
    "deno task weights --weights w.json --dry-run --offline --json",
    "deno task weights --weights w.json --dry-run --subtensor.network local --wallet.name validator",
    "deno task weights --weights w.json --netuid 37 --wallet.name validator --wallet.hotkey default",
  ],
});

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
  return runTask(spec, args, async (config, { signal }) => {
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
      return plan.prechecks.some((c) => c.status === "fail") ? ExitCode.Weights : ExitCode.Ok;
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
      if (!flags.json) throw error;
      printOut(JSON.stringify(failureReceipt(error), null, 2));
      return exitCodeOf(error);
    }
  });
}

if (import.meta.main) Deno.exit(await main());
