/**
 * The flags that place a run on a competition schedule and its sync blocks, shared by the tasks that
 * draw evaluation data (`validate`, `data`, `eval`).
 *
 * @module
 */
import type { FlagSpec } from "../../src/config/mod.ts";

/** `--validator.schedule`, `--validator.sync_cadence`, `--validator.sync_genesis`. */
export const SCHEDULE_FLAGS = {
  "validator.schedule": {
    kind: "string",
    description: "Competition schedule: sn37 (the subnet's, by block) or local (the demo competition from block 0)",
    choices: ["sn37", "local"],
    default: "sn37",
  },
  "validator.sync_cadence": {
    kind: "integer",
    description: "Blocks between sync blocks (SN37: 360)",
    default: 360,
    min: 1,
    valueName: "N",
  },
  "validator.sync_genesis": {
    kind: "integer",
    description: "The first sync block (SN37: 3138611; a local chain: 0)",
    default: 3_138_611,
    min: 0,
    valueName: "N",
  },
} as const satisfies Record<string, FlagSpec>;
