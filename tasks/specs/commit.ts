/**
 * The flags of `deno task commit` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, defineTask, walletFiles } from "../../src/config/mod.ts";

/** The commit task. */
export const spec = defineTask({
  name: "commit",
  summary: "Commit a model id to the chain with a hotkey (miners, the demo, tests)",
  usage: "deno task commit --model NS/NAME --revision SHA --hash SECURE_HASH --competition ID [flags]",
  description: `
Signs Commitments.set_commitment(netuid, Raw(model id)) with the hotkey
<wallet.path>/<wallet.name>/hotkeys/<wallet.hotkey>. An encrypted ($NACL)
hotkey is opened with BT_WALLET_PASSWORD or a prompt on the terminal. The
coldkey is never read.`,
  groups: ["wallet", "subtensor", "logging"],
  flags: {
    model: { kind: "string", description: "Hugging Face repository, namespace/name", valueName: "<ns/name>" },
    revision: { kind: "string", description: "The commit (revision) validators download", valueName: "<sha>" },
    hash: { kind: "string", description: "The secure hash b64(sha256(model_hash + hotkey))", valueName: "<hash>" },
    competition: { kind: "integer", description: "Competition id", min: 0, max: 2 ** 31 - 1, valueName: "<id>" },
    "wait-finalization": { kind: "boolean", description: "Wait until the block is finalized, not only included" },
    json: { kind: "boolean", description: "Print the result as JSON on stdout" },
    timeout: { kind: "duration", description: "Deadline of each chain call", default: 30_000, min: 0.001 },
  },
  examples: [
    "deno task commit --subtensor.network local --wallet.name miner-0 --model me/tiny --revision 0123abcd --hash Q3Qe2tZk= --competition 4",
  ],
  access: (config) => ({ read: walletFiles(config), net: [chainHost(config)] }),
});
