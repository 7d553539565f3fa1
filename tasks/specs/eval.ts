/**
 * The flags of `deno task eval` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { chainHost, datasetsHost, defineTask, DEVICE_PATTERN, hubHost, localDirectory } from "../../src/config/mod.ts";
import { SAMPLE_SETS } from "../../src/eval/sample_sets.ts";
import { SCHEDULE_FLAGS } from "./_schedule_flags.ts";

/** The eval task. */
export const spec = defineTask({
  name: "eval",
  summary: "One-off evaluation: a local model or a Hub repo on a competition's real data, beside the leaders",
  usage: "deno task eval --model <dir | ns/name[@revision]> [flags]",
  description: "Data: the competition's draw for --block-hash, --block N (its sync block's hash from the chain),\n" +
    "--seed N (0 = random, printed) or, by default, the current sync block; or --samples/--set.\n" +
    `Built-in sets: ${Object.values(SAMPLE_SETS).map((s) => `${s.name} (${s.description})`).join("; ")}.`,
  groups: ["subtensor", "validator", "hub", "logging"],
  flags: {
    ...SCHEDULE_FLAGS,
    model: { kind: "string", description: "A model directory, or a Hub repo ns/name[@revision]", valueName: "<model>" },
    competition: {
      kind: "integer",
      description: "The competition (default: the one active now, or at --block)",
      min: 0,
      valueName: "<id>",
    },
    block: { kind: "integer", description: "Draw the data of this block's sync block", min: 0, valueName: "N" },
    "block-hash": { kind: "string", description: "Draw the data of the sync block with this hash", valueName: "0x…" },
    seed: { kind: "string", description: "Draw the data from this seed (the reference's --random_seed; 0 = random)" },
    compare: {
      kind: "string",
      description: "Score beside: top[:K] (the leaders on chain), uids (3,7) or repos (ns/name@rev,…)",
      valueName: "<spec>",
    },
    "commit-block": {
      kind: "integer",
      description: "The block the model would be committed at, for epsilon (default: now)",
      min: 0,
      valueName: "N",
    },
    samples: { kind: "path", description: 'Score a samples file (JSON Lines, optional "task")', valueName: "<file>" },
    set: { kind: "string", description: "Score a built-in sample set", choices: Object.keys(SAMPLE_SETS) },
    tokenizer: {
      kind: "path",
      description: "With --samples/--set: a tokenizer instead of the model's",
      valueName: "<dir>",
    },
    device: {
      kind: "string",
      description: "auto, cpu, cuda or cuda:N (default --validator.device)",
      pattern: DEVICE_PATTERN,
    },
    "batch-tokens": { kind: "integer", description: "Token budget of one batch", min: 1, valueName: "N" },
    timeout: { kind: "duration", description: "Deadline per model (default --validator.score_timeout)", min: 1 },
    "in-process": { kind: "boolean", description: "With --samples/--set: score in this process, not a worker" },
    json: { kind: "boolean", description: "Print one JSON object on stdout (progress stays on stderr)" },
  },
  examples: [
    "deno task eval --model ./my-model --block-hash 0x1111111111111111111111111111111111111111111111111111111111111111",
    "deno task eval --model me/my-model@main --compare top:3 --subtensor.network finney --json",
    "deno task eval --model tests/fixtures/models/tiny-llama --set smoke",
  ],
  access: (config) => ({
    // --model is a directory or a Hub repo id; only a directory that exists is granted.
    read: [config.flags.samples, config.flags.tokenizer, localDirectory(config.flags.model)],
    // Hub models and the competition's tokenizer go to the model cache; drawn data to the data directory.
    write: [config.validator.modelDir, config.validator.cacheDir, config.validator.dataDir],
    net: [chainHost(config), hubHost(config), datasetsHost(config)],
  }),
});
