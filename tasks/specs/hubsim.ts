/**
 * The flags of `deno task hubsim` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";

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
--root is checked at start: a readable folder holding at least one repository.`,
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
    "deno task hubsim --root ./tests/testdata/hub/repos --port 8765",
    `deno task hubsim --root ./tests/testdata/hub/repos --faults '[{"type":"status","status":503,"route":"resolve","times":2}]'`,
  ],
  access: (config) => ({
    read: [config.flags.root, config.flags.faults?.startsWith("@") ? config.flags.faults.slice(1) : undefined],
  }),
});
