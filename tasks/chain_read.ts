#!/usr/bin/env -S deno run -P=chain-read
/**
 * Reads the chain at one block: block number and hash, the subnet's
 * hyperparameters, its metagraph and every miner's model commitment. Prints
 * one JSON snapshot with `--json`, a table otherwise.
 *
 * ```sh
 * deno task chain:read --subtensor.chain_endpoint ws://127.0.0.1:9944 --netuid 37 --json
 * deno run -P=chain-read tasks/chain_read.ts --help
 * ```
 *
 * @module
 */
import { printOut, runTask } from "../src/cli/mod.ts";
import { type ChainSnapshot, connectChain, readChainSnapshot } from "../src/chain/mod.ts";
import { ConfigError } from "../src/errors/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { spec } from "./specs/chain_read.ts";

export { spec };

/** The JSON the task prints: the snapshot without its read sources. */
export function snapshotJson(snapshot: ChainSnapshot): string {
  const { block, blockHash, netuid, hyperparameters, neurons, commitments } = snapshot;
  return JSON.stringify({ block, blockHash, netuid, hyperparameters, neurons, commitments }, null, 2);
}

function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** The readable form: hyperparameters, then one row per neuron with its commitment. */
export function snapshotTable(snapshot: ChainSnapshot): string {
  const h = snapshot.hyperparameters;
  const commitments = new Map(snapshot.commitments.map((c) => [c.uid, c]));
  const header = [
    `Subnet ${snapshot.netuid} at block ${snapshot.block} (${snapshot.blockHash})`,
    `tempo ${h.tempo} · weights rate limit ${h.weightsRateLimit} · version key ${h.weightsVersionKey} · ` +
    `commit-reveal ${h.commitRevealEnabled ? `on (reveal after ${h.revealPeriodEpochs} epochs)` : "off"} · ` +
    `min weights ${h.minAllowedWeights} · max weight ${h.maxWeightLimit}`,
    `${snapshot.neurons.length} neurons, ${snapshot.commitments.length} commitments`,
    "",
  ];
  const table = formatTable(snapshot.neurons, [
    { header: "uid", value: (n) => String(n.uid), align: "right" },
    { header: "hotkey", value: (n) => short(n.hotkey) },
    { header: "stake", value: (n) => n.stake.toFixed(2), align: "right" },
    { header: "vpermit", value: (n) => (n.validatorPermit ? "yes" : "") },
    { header: "updated", value: (n) => String(n.lastUpdate), align: "right" },
    { header: "active", value: (n) => (n.active ? "yes" : "no") },
    { header: "commit block", value: (n) => String(commitments.get(n.uid)?.block ?? ""), align: "right" },
    {
      header: "model",
      value: (n) => {
        const c = commitments.get(n.uid);
        if (c === undefined) return "";
        if ("error" in c) return `invalid: ${c.error}`;
        const m = c.modelId;
        return `${m.namespace}/${m.name}@${(m.commit ?? "None").slice(0, 12)} competition ${m.competitionId}`;
      },
    },
  ]);
  return [...header, table].join("\n");
}

function parseAt(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  throw new ConfigError(`Invalid --at "${value}": give a block number or a 0x-prefixed 32-byte hash`);
}

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    if (config.offline) {
      throw new ConfigError("Cannot read the chain --offline", { hint: "Drop --offline (it means: touch no chain)" });
    }
    const at = parseAt(config.flags.at);
    const endpoint = config.subtensor.chainEndpoint;
    log.debug("Connecting", { endpoint, network: config.subtensor.network });
    await using client = await connectChain(endpoint, { signal, timeoutMs: config.flags.timeout });
    const snapshot = await readChainSnapshot(client, { netuid: config.netuid, at, signal });
    log.debug("Read the snapshot", { block: snapshot.block, ...snapshot.sources });
    const invalid = snapshot.commitments.filter((c) => "error" in c).length;
    if (invalid > 0) log.warn(`${invalid} commitments are invalid`, { netuid: config.netuid });
    printOut(config.flags.json ? snapshotJson(snapshot) : snapshotTable(snapshot));
  });
}

if (import.meta.main) Deno.exit(await main());
