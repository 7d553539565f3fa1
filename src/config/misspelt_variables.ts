/**
 * `BT_*` environment variables nothing reads: most likely misspelt, so the
 * operator is told the closest known name (as for flags and config keys).
 *
 * @module
 */
import { closest } from "./_closest.ts";
import type { TaskSpec } from "./config.ts";
import { ALL_COMMON_FLAGS } from "./flags.ts";

/** `BT_*` variables read outside the flags. */
export const OTHER_BT_VARIABLES: readonly string[] = [
  // The wallet password (src/wallet/load_hotkey.ts).
  "BT_WALLET_PASSWORD",
];

/** A `BT_*` variable no flag or module reads, with the closest known name. */
export interface MisspeltVariable {
  readonly name: string;
  readonly suggestion: string | undefined;
}

/**
 * The `BT_*` names among `names` that nothing reads.
 *
 * @example
 * ```ts
 * import { defineTask, misspeltVariables } from "./mod.ts";
 * const spec = defineTask({ name: "x", summary: "", usage: "", groups: [], flags: {} });
 * const [found] = misspeltVariables(["BT_WALLET_NMAE", "HOME"], spec);
 * console.assert(found?.suggestion === "BT_WALLET_NAME");
 * ```
 */
export function misspeltVariables(names: Iterable<string>, spec: Pick<TaskSpec, "flags">): MisspeltVariable[] {
  const known = new Set(OTHER_BT_VARIABLES);
  for (const flag of [...Object.values(ALL_COMMON_FLAGS), ...Object.values(spec.flags)]) {
    if (flag.env?.startsWith("BT_")) known.add(flag.env);
  }
  return [...names]
    .filter((name) => name.startsWith("BT_") && !known.has(name))
    .sort()
    .map((name) => ({ name, suggestion: closest(name, known) }));
}
