#!/usr/bin/env -S deno run -P=commit
/**
 * Commits a model id to the chain with a hotkey, as SN37 miners do:
 * `namespace:name:commit:secure_hash:competition_id` in
 * `Commitments.set_commitment`, after checking the 128-byte limit and that the
 * hotkey is registered on the subnet.
 *
 * ```sh
 * deno task commit --wallet.name miner --wallet.hotkey default --netuid 37 \
 *   --model ns/name --revision <sha> --hash <secure_hash> --competition 4
 * deno run -P=commit tasks/commit.ts --help
 * ```
 *
 * @module
 */
import { printOut, runTask } from "../src/cli/mod.ts";
import { commitmentBytes, commitModel, connectChain } from "../src/chain/mod.ts";
import { formatModelId, type ModelId } from "../src/mechanism/mod.ts";
import { ConfigError } from "../src/errors/mod.ts";
import { loadHotkey } from "../src/wallet/mod.ts";
import { spec } from "./specs/commit.ts";

export { spec };

/**
 * The model id the flags describe.
 *
 * @throws {ConfigError} for a missing flag, a repository that is not `namespace/name`, or a `:` in any part
 */
export function modelIdFromFlags(flags: {
  model: string | undefined;
  revision: string | undefined;
  hash: string | undefined;
  competition: number | undefined;
}): ModelId {
  const missing = (["model", "revision", "hash", "competition"] as const).filter((f) => flags[f] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`Cannot commit: missing ${missing.map((f) => `--${f}`).join(", ")}`, {
      hint: 'Run "deno task commit --help" for usage',
    });
  }
  const parts = flags.model!.split("/");
  if (parts.length !== 2 || parts.some((p) => p === "")) {
    throw new ConfigError(`Invalid --model "${flags.model}": give the repository as namespace/name`);
  }
  for (const [flag, value] of [["model", flags.model!], ["revision", flags.revision!], ["hash", flags.hash!]]) {
    if (value!.includes(":")) throw new ConfigError(`Invalid --${flag} "${value}": it must not contain ":"`);
    if (value!.trim() === "") throw new ConfigError(`Invalid --${flag}: it is empty`);
  }
  return {
    namespace: parts[0]!,
    name: parts[1]!,
    commit: flags.revision!,
    secureHash: flags.hash!,
    competitionId: flags.competition!,
  };
}

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    if (config.offline) {
      throw new ConfigError("Cannot commit a model --offline: a commitment is a chain transaction", {
        hint: "Drop --offline",
      });
    }
    const modelId = modelIdFromFlags(config.flags);
    try {
      commitmentBytes(modelId);
    } catch (error) {
      throw new ConfigError((error as Error).message, {
        hint: "Shorten the repository name (namespace/name may be at most 38 characters with a 40-char sha)",
      });
    }
    const hotkey = await loadHotkey(config.wallet);
    log.info("Committing", { model: formatModelId(modelId), hotkey: hotkey.address, netuid: config.netuid });
    await using client = await connectChain(config.subtensor.chainEndpoint, {
      signal,
      timeoutMs: config.flags.timeout,
    });
    const result = await commitModel(client, hotkey.pair, modelId, {
      netuid: config.netuid,
      signal,
      waitForFinalization: config.flags["wait-finalization"],
    });
    if (config.flags.json) {
      printOut(JSON.stringify({ ...result, hotkey: hotkey.address, netuid: config.netuid }, null, 2));
    } else {
      log.success(`Committed "${result.commitment}"`, { block: result.blockHash, tx: result.txHash });
    }
  });
}

if (import.meta.main) Deno.exit(await main());
