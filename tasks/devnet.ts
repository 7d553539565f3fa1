#!/usr/bin/env -S deno run -P=devnet
/**
 * Starts the embedded local subtensor chain with a ready subnet: hotkeys for
 * validators (with stake and permits) and miners, written as wallets, and
 * JSON-RPC over WebSocket on a loopback port until interrupted.
 *
 * ```sh
 * deno task devnet --port 9944 --netuid 37 --miners 8 --validators 2 [--commit-reveal] [--block-time 250ms]
 * deno task devnet --profile legacy   # the spec-233 transaction extensions and commitment variants
 * deno run -P=devnet tasks/devnet.ts --help
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import { printOut, runTask } from "../src/cli/mod.ts";
import { defineTask } from "../src/config/mod.ts";
import {
  type BlockProduction,
  DEFAULT_DEVNET_PROFILE,
  type Devnet,
  DEVNET_PROFILE_NAMES,
  DEVNET_PROFILES,
  type DevnetProfileName,
  startDevnet,
} from "../src/devnet/mod.ts";
import { formatTable } from "../src/log/mod.ts";

/** The devnet task. */
export const spec = defineTask({
  name: "devnet",
  summary: "Start the embedded local subtensor chain (JSON-RPC over WebSocket) with a ready subnet",
  usage:
    "deno task devnet [--port 9944] [--netuid 37] [--miners 8] [--validators 2] [--commit-reveal] [--block-time 250ms]",
  description: `
Blocks are produced right after each transaction (instant), every
--block-time, or only on request with --manual; the dev_newBlock RPC
({"count": n}) mines on request in every mode. Wallets are written to
--wallet-dir as <wallet-dir>/<validator-N|miner-N>/hotkeys/default with
coldkeypub.txt, plus devnet.json describing the subnet.

Runtime profiles (--profile):
${DEVNET_PROFILE_NAMES.map((name) => `  ${name.padEnd(7)} ${DEVNET_PROFILES[name].description}`).join("\n")}`,
  groups: ["logging"],
  flags: {
    port: { kind: "integer", description: "Port to listen on (127.0.0.1)", default: 9944, min: 0, max: 65535 },
    miners: { kind: "integer", description: "Miners to register", default: 8, min: 0, max: 4000 },
    validators: { kind: "integer", description: "Validators to register (with stake and permits)", default: 2, min: 0 },
    "commit-reveal": { kind: "boolean", description: "Enable commit-reveal weights (timelocked commits)" },
    "block-time": {
      kind: "duration",
      description: "Produce a block every interval instead of per transaction",
      min: 0.001,
    },
    manual: { kind: "boolean", description: "Produce blocks only on request (dev_newBlock)" },
    tempo: { kind: "integer", description: "Blocks per epoch", default: 360, min: 1, max: 65535 },
    "weights-rate-limit": {
      kind: "integer",
      description: "Blocks between weight settings of a uid",
      default: 100,
      min: 0,
    },
    "version-key": {
      kind: "integer",
      description: "Weights version key the subnet requires (0: any)",
      default: 0,
      min: 0,
    },
    "wallet-dir": {
      kind: "path",
      description: "Where to write the neurons' wallets",
      default: "./.cache/devnet/wallets",
      valueName: "<dir>",
    },
    seed: {
      kind: "string",
      description: "Keys derive from this string (same seed, same keys)",
      default: "subvalid-devnet",
    },
    profile: {
      kind: "string",
      description: "Runtime profile: its transaction extensions and commitment variants",
      default: DEFAULT_DEVNET_PROFILE,
      choices: DEVNET_PROFILE_NAMES,
    },
    json: { kind: "boolean", description: "Print the subnet description as JSON on stdout when ready" },
  },
  examples: [
    "deno task devnet",
    "deno task devnet --port 9944 --netuid 37 --miners 8 --validators 2 --commit-reveal --block-time 250ms",
  ],
});

/** The subnet description printed with --json and written to devnet.json. */
export function describeDevnet(devnet: Devnet): Record<string, unknown> {
  return {
    endpoint: devnet.endpoint,
    profile: devnet.profile,
    netuid: devnet.netuid,
    genesisHash: devnet.genesisHash,
    walletDir: devnet.walletDir,
    neurons: devnet.neurons.map((n) => ({
      uid: n.uid,
      role: n.role,
      wallet: n.wallet,
      hotkey: n.hotkey.address,
      coldkey: n.coldkey.address,
    })),
  };
}

/** Runs the devnet until interrupted. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const f = config.flags;
    const blockProduction: BlockProduction = f.manual
      ? "manual"
      : f["block-time"] !== undefined
      ? { intervalMs: f["block-time"] }
      : "instant";
    const walletDir = resolve(f["wallet-dir"]);
    await using devnet = await startDevnet({
      port: f.port,
      profile: f.profile as DevnetProfileName,
      netuid: config.netuid,
      miners: f.miners,
      validators: f.validators,
      commitReveal: f["commit-reveal"],
      blockProduction,
      tempo: f.tempo,
      weightsRateLimit: f["weights-rate-limit"],
      weightsVersionKey: f["version-key"],
      walletDir,
      seed: f.seed,
      signal,
    });
    const description = describeDevnet(devnet);
    const manifest = join(walletDir, "devnet.json");
    const temp = `${manifest}.incomplete`;
    await Deno.writeTextFile(temp, `${JSON.stringify(description, null, 2)}\n`);
    await Deno.rename(temp, manifest);
    if (f.json) {
      printOut(JSON.stringify(description));
    } else {
      printOut(formatTable(devnet.neurons, [
        { header: "uid", value: (n) => String(n.uid), align: "right" },
        { header: "role", value: (n) => n.role },
        { header: "--wallet.name", value: (n) => n.wallet },
        { header: "hotkey", value: (n) => n.hotkey.address },
      ]));
      printOut(`\nWallets: ${walletDir} (--wallet.path; hotkey "default")`);
      printOut(`Endpoint: ${devnet.endpoint} (--subtensor.chain_endpoint)`);
    }
    log.success(`Devnet ready: subnet ${config.netuid} at ${devnet.endpoint}`, {
      profile: devnet.profile,
      blocks: typeof blockProduction === "string" ? blockProduction : `every ${blockProduction.intervalMs} ms`,
      commitReveal: f["commit-reveal"],
    });
    await new Promise<void>((done) => {
      if (signal.aborted) done();
      signal.addEventListener("abort", () => done(), { once: true });
    });
    log.info("Devnet stopped", { bestBlock: devnet.bestNumber });
  });
}

if (import.meta.main) Deno.exit(await main());
