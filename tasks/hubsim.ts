#!/usr/bin/env -S deno run -P=hubsim
/**
 * Starts the embedded local Hugging Face hub over repositories on disk, for tests and the demo:
 * `ROOT/<namespace>/<name>/` is a model repository (its files are `main`; the commit is a digest of
 * its contents), `ROOT/datasets/<namespace>/<name>/<config>/<split>.jsonl` a dataset for the
 * datasets-server `/size`, `/splits` and `/rows`. Faults can be injected at start (`--faults`) or at run
 * time (`POST /_hubsim/faults`); `GET /_hubsim/requests` lists every request.
 *
 * ```sh
 * deno task hubsim --root ./tests/testdata/hub [--port 8765] [--faults '{"type":"rate-limit","route":"resolve","times":1}']
 * deno run -P=hubsim tasks/hubsim.ts --help
 * ```
 *
 * @module
 */
import { ConfigError } from "../src/errors/mod.ts";
import { defineTask } from "../src/config/mod.ts";
import { printOut, runTask } from "../src/cli/mod.ts";
import { type FaultRule, parseFaults, startHubsim } from "../src/hubsim/mod.ts";

/** The hubsim task. */
export const spec = defineTask({
  name: "hubsim",
  summary: "Start the embedded local Hugging Face hub over repositories on disk",
  usage: "deno task hubsim --root <dir> [--port <n>] [flags]",
  description: `
Layout under --root:
  <namespace>/<name>/...                         a model repository (its files are "main")
  datasets/<namespace>/<name>/<config>/<split>.jsonl   dataset rows, one JSON object a line
Endpoints: /api/models[/{repo}[/revision/{rev}]] (?blobs=true, expand=), /api/models/{repo}/tree/{rev}[/{path}]
(Link rel="next" pagination), /api/models/{repo}/paths-info/{rev}, /{repo}/resolve/{rev}/{path} (Range, ETag,
X-Linked-ETag), the same under /api/datasets and /datasets, and /size, /splits, /rows (length <= 100).
Control: GET|DELETE /_hubsim/requests, GET|POST|DELETE /_hubsim/faults.
A fault rule is JSON: {"type": "status"|"not-found"|"rate-limit"|"slow"|"truncate"|"corrupt", "route"?, "repo"?,
"path"? (glob), "times"?, "status"?, "code"?, "retryAfter"?, "delayMs"?, "bytesPerSecond"?, "afterBytes"?}.
The hubsim permission set reads the project directory only: keep --root inside it.`,
  groups: ["logging"],
  flags: {
    root: { kind: "path", description: "Directory holding the repositories", valueName: "<dir>" },
    port: { kind: "integer", description: "Port (0 picks a free one)", default: 0, min: 0, max: 65535 },
    hostname: { kind: "string", description: "Address to listen on", default: "127.0.0.1" },
    token: { kind: "string", description: "Require this bearer token (like a private repository)" },
    "cdn-redirect": { kind: "boolean", description: "Redirect LFS downloads to a /_cdn/ route like the real hub" },
    "tree-page-size": { kind: "integer", description: "Entries per tree page", default: 100, min: 1 },
    faults: { kind: "string", description: "Fault rules: JSON (a rule or an array), or @file", valueName: "<json>" },
    json: { kind: "boolean", description: 'Print {"url"} as one JSON line once listening' },
  },
  examples: [
    "deno task hubsim --root ./tests/testdata/hub --port 8765",
    `deno task hubsim --root ./.cache/demo-hub --faults '[{"type":"status","status":503,"route":"resolve","times":2}]'`,
  ],
});

/** Runs the local hub until SIGINT/SIGTERM. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const { flags } = config;
    if (flags.root === undefined) throw new ConfigError("Cannot start the local hub: --root is required");
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
    await using hub = await startHubsim({
      root: flags.root,
      port: flags.port,
      hostname: flags.hostname,
      ...(flags.token === undefined ? {} : { token: flags.token }),
      cdnRedirect: flags["cdn-redirect"],
      treePageSize: flags["tree-page-size"],
      faults,
      onRequest: (r) =>
        log.debug(`${r.method} ${r.url} ${r.status}`, { route: r.route, fault: r.fault, range: r.range }),
    });
    printOut(
      flags.json ? JSON.stringify({ url: hub.url, root: hub.root }) : `Local hub on ${hub.url} serving ${hub.root}`,
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    log.info(`Local hub stopped after ${hub.requests.count()} requests`);
  }, { signals: true });
}

if (import.meta.main) Deno.exit(await main());
