/**
 * The validator's persistent state: one SQLite database per state directory.
 *
 * @module
 */
export * from "./schema.ts";
export * from "./validator_state.ts";
