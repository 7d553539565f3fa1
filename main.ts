#!/usr/bin/env -S deno run -P=validate
/**
 * `deno task validate`: the validator as operators run it, for weeks, under
 * pm2 or systemd. It reads the chain, keeps its models up to date, draws
 * each sync block's evaluation data, scores every queued model in its own
 * process, folds the results into the moving average kept in its state, and
 * sets weights hourly with the validator's hotkey. `--validator.steps N`
 * stops after N recorded steps (cron, tests); `--dry-run` never sets
 * weights; `--offline` touches neither chain nor hub. `--metrics.port`
 * serves Prometheus metrics and `--status.port` the status page, on
 * 127.0.0.1 unless `--metrics.host`/`--status.host` say otherwise.
 *
 * ```sh
 * deno task validate --wallet.name validator --wallet.hotkey default --subtensor.network finney
 * deno task validate --dry-run --validator.steps 1 --json
 * deno task validate --metrics.port 9137 --status.port 8037
 * ```
 *
 * @module
 */
import { type ChainCallEvent, connectChain, readGenesisHash } from "./src/chain/mod.ts";
import { printOut, runTask } from "./src/cli/mod.ts";
import { ConfigError, ExitCode } from "./src/errors/mod.ts";

import { metricsRoute, type Served, serveObservability, statusRoute, ValidatorMetrics } from "./src/observe/mod.ts";
import { ValidatorState } from "./src/state/mod.ts";
import {
  type ChainReader,
  combineObservers,
  realClock,
  type RecordedHead,
  runValidator,
  type ValidatorObserver,
  type WeightSetter,
} from "./src/validator/mod.ts";
import {
  liveChainReader,
  liveDataSource,
  liveModelStore,
  liveScorer,
  liveWeightSetter,
  offlineChainReader,
  recordingChainReader,
} from "./src/validator/live/mod.ts";
import { loadHotkey } from "./src/wallet/mod.ts";
import { hotkeyAddress, NotRegisteredError } from "./src/weights/mod.ts";
import { spec } from "./tasks/specs/validate.ts";
import { scheduleOf } from "./tasks/_eval_data.ts";

export { spec };

/** The reference's cadences compressed for a local chain: minutes become fractions of a second. */
const FAST_CADENCES = {
  idleMs: 200,
  failedStepMs: 500,
  resyncMs: 5_000,
  gcDelayMs: 5_000,
  gcEveryMs: 2_000,
  weightsPollMs: 100,
};
const FAST_UPDATER = { startDelayMs: 0, recheckMs: 2_000, slotWaitMs: 200, topScanMs: 10_000, errorBackoffMs: 1_000 };

/** Runs the validator and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags, validator } = config;
    const dryRun = flags["dry-run"] || config.offline;
    if (config.offline && !flags["dry-run"]) {
      throw new ConfigError("Cannot set weights --offline", { hint: "Add --dry-run, or drop --offline" });
    }
    const hotkey = dryRun ? undefined : await loadHotkey(config.wallet);
    // Who we are, for the consensus check; a dry run tries the hotkey's public address (never a secret).
    const ourAddress = hotkey?.address ?? await hotkeyAddress(config).catch(() => undefined);

    // The metrics hear of every chain call; they are created with the state, after the connections.
    const calls: { listener?: ((event: ChainCallEvent) => void) | undefined } = {};
    const chainOptions = { signal, onCall: (event: ChainCallEvent) => calls.listener?.(event) };
    // The reader's and the weight setter's connections are separate.
    await using reader = config.offline ? undefined : await connectChain(config.subtensor.chainEndpoint, chainOptions);
    await using writer = hotkey === undefined
      ? undefined
      : await connectChain(config.subtensor.chainEndpoint, chainOptions);
    using state = await ValidatorState.open(validator.stateDir, {
      netuid: config.netuid,
      genesisHash: reader === undefined ? undefined : readGenesisHash(reader),
    });
    const chain: ChainReader = reader === undefined
      ? offlineChainReader(state)
      : recordingChainReader(liveChainReader(reader, config.netuid), state);

    // Metrics and the status page, on loopback unless told otherwise.
    const metrics = flags["metrics.port"] === undefined ? undefined : new ValidatorMetrics({ state });
    calls.listener = metrics?.onChainCall;
    let head: RecordedHead | undefined;
    const served: Served[] = [];
    if (metrics !== undefined) {
      served.push({
        name: "metrics",
        hostname: flags["metrics.host"],
        port: flags["metrics.port"]!,
        route: metricsRoute(metrics),
        path: "metrics",
      });
    }
    if (flags["status.port"] !== undefined) {
      served.push({
        name: "status page",
        hostname: flags["status.host"],
        port: flags["status.port"],
        route: statusRoute({
          state,
          hubUrl: config.hub.url,
          live: true,
          head: () => head,
          metrics: metrics !== undefined && flags["metrics.port"] === flags["status.port"] &&
            flags["metrics.host"] === flags["status.host"],
        }),
        path: "",
      });
    }
    await using servers = serveObservability(served, signal);
    for (const [name, url] of servers.urls) log.info(`Serving the ${name} at ${url}`);
    const observer: ValidatorObserver = combineObservers([
      metrics?.observer,
      { onHead: (h) => void (head = { block: h.block, hash: h.hash, at: Date.now() }) },
    ], log);
    if (hotkey !== undefined) {
      const view = await chain.snapshot(signal);
      if (!view.neurons.some((n) => n.hotkey === hotkey.address)) {
        throw new NotRegisteredError(hotkey.address, config.netuid);
      }
    }
    const data = liveDataSource({
      chain,
      cacheDir: validator.dataDir,
      modelDir: validator.modelDir,
      datasetsUrl: config.hub.datasetsUrl,
      hubUrl: config.hub.url,
      token: config.hub.token,
      offline: config.hub.offline,
    });
    let weights: WeightSetter | undefined;
    if (writer !== undefined && hotkey !== undefined) {
      weights = liveWeightSetter(writer, hotkey.pair, { netuid: config.netuid, versionKey: validator.versionKey });
    }
    const run = await runValidator({
      chain,
      data,
      scorer: liveScorer({
        cacheDir: validator.cacheDir,
        device: validator.device,
        batchTokens: validator.batchTokens,
        timeoutMs: validator.scoreTimeoutMs,
      }),
      models: liveModelStore({
        modelDir: validator.modelDir,
        cacheDir: validator.cacheDir,
        hubUrl: config.hub.url,
        token: config.hub.token,
        offline: config.hub.offline,
        gcGraceMs: validator.gcGraceMs,
      }),
      weights,
      clock: realClock,
      state,
      ...scheduleOf(flags),
      blockTimeMs: flags["validator.block_time"],
      cadences: flags["validator.fast_cadences"]
        ? { ...FAST_CADENCES, weightsRetryMs: 200, weightsIntervalMs: 1_000 }
        : { weightsRetryMs: validator.weightsRetryMs, weightsIntervalMs: validator.weightsIntervalMs },
      updaterLimits: flags["validator.fast_cadences"] ? FAST_UPDATER : undefined,
      updater: !config.offline,
      gc: !config.offline,
      offline: config.offline,
      alwaysKeep: () => [...data.tokenizers.values()].map((t) => ({ repo: t.repo, commit: t.commit })),
      observer,
      hotkey: ourAddress,
      consensus: { warnAfter: flags["validator.consensus_warn_after"] },
    }, {
      steps: flags["validator.steps"],
      // A bounded run (cron, tests) ends with the failure's exit code; a daemon logs it and tries again.
      stopOnFailure: flags["validator.steps"] !== undefined,
      signal,
      onStep: (outcome) => {
        if (flags.json && outcome.kind === "ran") printOut(JSON.stringify(outcome.report));
      },
    });
    log.info(`Validator stopped after ${run.steps} recorded steps (${run.attempts} attempts)`);
    return ExitCode.Ok;
  });
}

if (import.meta.main) Deno.exit(await main());
