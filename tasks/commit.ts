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
import { defineTask } from "../src/config/mod.ts";
import { ConfigError } from "../src/errors/mod.ts";
import { loadHotkey } from "../src/wallet/mod.ts";

/** The commit task. */
export const spec = defineTask({
  name: "commit",
  summary: "Commit a model id to the chain with a hotkey (miners, the demo, tests)",
  usage: "deno task commit --model NS/NAME --revision SHA --hash SECURE_HASH --competition ID [flags]",
  description: `
Signs Commitments.set_commitment(netuid, Raw(model id)) with the hotkey
<wallet.path>/<wallet.name>/hotkeys/<wallet.hotkey>. An encrypted ($NACL)
hotkey is opened with BT_WALLET_PASSWORD or a prompt on the terminal. The
coldkey is never read.`,
  groups: ["wallet", "subtensor", "logging"],
  flags: {
    model: { kind: "string", description: "Hugging Face repository, namespace/name", valueName: "<ns/name>" },
    revision: { kind: "string", description: "The commit (revision) validators download", valueName: "<sha>" },
    hash: { kind: "string", description: "The secure hash b64(sha256(model_hash + hotkey))", valueName: "<hash>" },
    competition: { kind: "integer", description: "Competition id", min: 0, max: 2 ** 31 - 1, valueName: "<id>" },
    "wait-finalization": { kind: "boolean", description: "Wait until the block is finalized, not only included" },
    json: { kind: "boolean", description: "Print the result as JSON on stdout" },
    timeout: { kind: "duration", description: "Deadline of each chain call", default: 30_000, min: 0.001 },
  },
  examples: [
    "deno task commit --subtensor.network local --wallet.name miner-0 --model me/tiny --revision 0123abcd --hash Q3Qe2tZk= --competition 4",
  ],
});

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
