/**
 * The validator: the epoch over its ports (chain snapshot → fetch → score →
 * weights), the whole epoch with state and garbage collection, and the
 * summary table. The live adapters of the ports are in `./live/mod.ts`.
 *
 * @module
 */
export * from "./epoch_state.ts";
export * from "./format_epoch.ts";
export * from "./ports.ts";
export * from "./run_epoch.ts";
export * from "./run_validator_epoch.ts";
