/**
 * The validator's epoch: chain snapshot → fetch → score → weights, with a
 * summary table.
 *
 * @module
 */
export * from "./format_epoch.ts";
export * from "./run_epoch.ts";
export * from "./epoch_state.ts";
