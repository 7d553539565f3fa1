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
import { listening, printOut, runTask } from "../src/cli/mod.ts";
import { type BlockProduction, type Devnet, type DevnetProfileName, startDevnet } from "../src/devnet/mod.ts";
import { formatTable } from "../src/log/mod.ts";
import { spec } from "./specs/devnet.ts";

export { spec };

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
    await using devnet = await listening("127.0.0.1", f.port, () =>
      startDevnet({
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
      }));
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
