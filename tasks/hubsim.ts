#!/usr/bin/env -S deno run -P=hubsim
/**
 * Starts the embedded local Hugging Face hub over repositories on disk, for tests and the demo:
 * `ROOT/<namespace>/<name>/` is a model repository (its files are `main`; the commit is a digest of
 * its contents), `ROOT/datasets/<namespace>/<name>/<config>/<split>.jsonl` a dataset for the
 * datasets-server `/size`, `/splits` and `/rows`. Faults can be injected at start (`--faults`) or at run
 * time (`POST /_hubsim/faults`); `GET /_hubsim/requests` lists every request.
 *
 * ```sh
 * deno task hubsim --root ./tests/testdata/hub/repos [--port 8765] [--faults '{"type":"rate-limit","route":"resolve","times":1}']
 * deno run -P=hubsim tasks/hubsim.ts --help
 * ```
 *
 * @module
 */
import { ConfigError } from "../src/errors/mod.ts";
import { listening, printOut, runTask } from "../src/cli/mod.ts";
import { checkHubRoot, type FaultRule, parseFaults, startHubsim } from "../src/hubsim/mod.ts";
import { spec } from "./specs/hubsim.ts";

export { spec };

/** Runs the local hub until SIGINT/SIGTERM. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    if (flags.root === undefined) {
      throw new ConfigError("Cannot start the local hub: --root is required", {
        hint: "Pass --root <dir>, a folder of <namespace>/<name>/ repositories (e.g. ./tests/testdata/hub/repos)",
      });
    }
    const contents = await checkHubRoot(flags.root);
    let faults: FaultRule[] = [];
    if (flags.faults !== undefined) {
      try {
        const text = flags.faults.startsWith("@") ? await Deno.readTextFile(flags.faults.slice(1)) : flags.faults;
        faults = parseFaults(text);
      } catch (error) {
        throw new ConfigError(`Cannot parse --faults: ${(error as Error).message}`, {
          hint: 'Pass a JSON rule such as {"type":"rate-limit","route":"resolve","times":1}',
        });
      }
    }
    await using hub = await listening(flags.hostname, flags.port, () =>
      startHubsim({
        root: contents.root,
        port: flags.port,
        hostname: flags.hostname,
        ...(flags.token === undefined ? {} : { token: flags.token }),
        cdnRedirect: flags["cdn-redirect"],
        treePageSize: flags["tree-page-size"],
        faults,
        onRequest: (r) =>
          log.debug(`${r.method} ${r.url} ${r.status}`, { route: r.route, fault: r.fault, range: r.range }),
      }));
    printOut(
      flags.json
        ? JSON.stringify({ url: hub.url, root: hub.root, models: contents.models, datasets: contents.datasets })
        : `Local hub on ${hub.url} serving ${hub.root} (${contents.models.length} models, ${contents.datasets.length} datasets)`,
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    log.info(`Local hub stopped after ${hub.requests.count()} requests`);
  }, { signals: true });
}

if (import.meta.main) Deno.exit(await main());
