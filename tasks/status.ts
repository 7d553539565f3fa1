#!/usr/bin/env -S deno run -P=status
/**
 * Serves the validator's status page from a state directory, without running
 * the validator (beside a running one, or on a copy of its state): health,
 * the leaderboard, plots of the top miners, the consensus view and every
 * step's drill-down, on 127.0.0.1 unless `--status.host` says otherwise.
 * `--json` prints the page's data once instead.
 *
 * ```sh
 * deno task status [--status.port 8037] [--status.host 127.0.0.1] [--validator.state_dir <dir>] [--json]
 * ```
 *
 * @module
 */
import { printOut, runTask } from "../src/cli/mod.ts";
import { readStatusData, serveObservability, statusRoute } from "../src/observe/mod.ts";
import { ValidatorState } from "../src/state/mod.ts";
import { spec } from "./specs/status.ts";

export { spec };

/** Serves the page until interrupted and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    using state = await ValidatorState.openReadOnly(config.validator.stateDir);
    if (flags.json) {
      printOut(JSON.stringify(readStatusData(state, { hubUrl: config.hub.url })));
      return;
    }
    await using servers = serveObservability([{
      name: "status page",
      hostname: flags["status.host"],
      port: flags["status.port"],
      route: statusRoute({ state, hubUrl: config.hub.url }),
      path: "",
    }], signal);
    const url = servers.urls.get("status page")!;
    log.info(`Serving the status page of "${state.dir}" at ${url} (Ctrl-C stops)`);
    printOut(url);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
  });
}

if (import.meta.main) Deno.exit(await main());
