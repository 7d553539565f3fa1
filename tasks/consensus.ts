#!/usr/bin/env -S deno run -P=consensus
/**
 * How far our weights agree with the other validators': every validator with
 * a permit that has set weights on the subnet, its stake, the cosine
 * similarity of its weights with ours, its top uid and whether it is ours;
 * the share of their stake that agrees with our top uid, their stake-weighted
 * majority's top uid, and the cosine with their stake-weighted mean weights.
 * Ours are our hotkey's row on chain (the wallet's hotkey, `--hotkey` or
 * `--uid`), or else the subnet weights of the state's last step.
 *
 * ```sh
 * deno task consensus [--wallet.name NAME --wallet.hotkey HOTKEY | --hotkey SS58 | --uid N] [--json]
 * ```
 *
 * @module
 */
import { printOut, runTask } from "../src/cli/mod.ts";
import { connectChain } from "../src/chain/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { ValidatorState } from "../src/state/mod.ts";
import { type ConsensusReading, readConsensus } from "../src/validator/live/mod.ts";
import type { StepReport } from "../src/validator/mod.ts";
import { hotkeyAddress } from "../src/weights/mod.ts";
import { spec } from "./specs/consensus.ts";

export { spec };

const percent = (x: number | null) => x === null ? "-" : `${(x * 100).toFixed(1)} %`;
const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** The readable form. */
export function consensusTable(reading: ConsensusReading): string {
  const r = reading;
  const lines = [
    `Subnet ${r.netuid} at block ${r.block} (${r.blockHash})`,
    r.ourUid === null
      ? `Ours: not registered (or unknown); weights ${
        r.source === "computed" ? "of the state's last step" : "on chain"
      }`
      : `Ours: uid ${r.ourUid}, ${
        r.source === "chain" ? "our weights on chain" : "the state's last step (none on chain)"
      }`,
    `Our top uid: ${r.ourTopUid ?? "- (no weights)"}`,
    r.comparedValidators === 0
      ? "No other validator with a permit has set weights."
      : `${r.comparedValidators} other validators with weights: ${
        percent(r.agreeingStakeShare)
      } of their stake agrees with our top uid; their stake-weighted majority's top uid is ${r.majorityTopUid} (${
        percent(r.majorityStakeShare)
      }); cosine with their stake-weighted mean weights ${r.consensusCosine?.toFixed(3) ?? "-"}`,
  ];
  if (r.disagreesWithMajority) lines.push("WARNING: our top uid differs from the stake-weighted majority's");
  const table = formatTable(r.validators, [
    { header: "uid", value: (v) => `${v.uid}${v.self ? " (us)" : ""}`, align: "right" },
    { header: "hotkey", value: (v) => short(v.hotkey) },
    { header: "stake", value: (v) => v.stake.toFixed(2), align: "right" },
    { header: "share", value: (v) => v.self || !v.hasWeights ? "-" : percent(v.stakeShare), align: "right" },
    { header: "cosine", value: (v) => v.cosine === null ? "-" : v.cosine.toFixed(3), align: "right" },
    { header: "top uid", value: (v) => v.topUid === null ? "-" : String(v.topUid), align: "right" },
    {
      header: "vs ours",
      value: (v) => v.self ? "" : v.agreesOnTop === null ? "no weights" : v.agreesOnTop ? "agrees" : "differs",
    },
  ]);
  return `${lines.join("\n")}\n\n${table}`;
}

/** The weights of the state's last step, if there is a state. */
async function computedWeights(stateDir: string): Promise<number[] | undefined> {
  try {
    using state = await ValidatorState.openReadOnly(stateDir);
    return (state.report() as StepReport | undefined)?.subnet_weights.slice();
  } catch {
    return undefined;
  }
}

/** Prints the comparison and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    let hotkey = flags.hotkey;
    if (hotkey === undefined && flags.uid === undefined) {
      hotkey = await hotkeyAddress(config).catch((error) => {
        log.debug(`No hotkey address from the wallet: ${(error as Error).message}`);
        return undefined;
      });
    }
    const computed = await computedWeights(config.validator.stateDir);
    await using client = await connectChain(config.subtensor.chainEndpoint, { signal, timeoutMs: flags.timeout });
    const reading = await readConsensus(client, { netuid: config.netuid, uid: flags.uid, hotkey, computed, signal });
    printOut(flags.json ? JSON.stringify(reading) : consensusTable(reading));
  });
}

if (import.meta.main) Deno.exit(await main());
