/**
 * The flags of `deno task chain:read` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, defineTask } from "../../src/config/mod.ts";

/** The chain:read task. */
export const spec = defineTask({
  name: "chain:read",
  summary: "Read metagraph, hyperparameters and model commitments at one block (JSON with --json)",
  usage: "deno task chain:read [--netuid N] [--subtensor.network NET | --subtensor.chain_endpoint URL] [--json]",
  description: `
Pins one block (the finalized head unless --at is given) and reads everything
there: neurons through the runtime APIs (falling back to storage), the
hyperparameters, and all Commitments.CommitmentOf entries of the subnet,
each parsed as namespace:name:commit:secure_hash:competition_id. A bad
commitment is reported with its reason; it never stops the read.`,
  groups: ["subtensor", "logging"],
  flags: {
    json: { kind: "boolean", description: "Print the snapshot as one JSON object on stdout" },
    at: {
      kind: "string",
      description: "Block number or 0x hash to read at (default: the finalized head)",
      valueName: "<block>",
    },
    timeout: {
      kind: "duration",
      description: "Deadline of connecting and of each chain call",
      default: 30_000,
      min: 0.001,
    },
  },
  examples: [
    "deno task chain:read --subtensor.network local --netuid 37",
    "deno task chain:read --subtensor.chain_endpoint ws://127.0.0.1:9944 --netuid 37 --json",
    "deno task chain:read --subtensor.network archive --at 5000000 --json",
  ],
  access: (config) => ({ net: [chainHost(config)] }),
});
