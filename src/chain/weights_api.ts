/**
 * Weight setting, in one import: `setWeights` (receipt) / `setWeightsOrThrow`,
 * the dry-run `planWeights`, the cadence loop `startWeightsLoop`, the typed
 * errors, the drand timelock pieces, and the writer's connection and hotkey.
 *
 * @module
 */
export * from "./set_weights.ts";
export * from "./timelock_encrypt.ts";
export * from "./timelock_payload.ts";
export * from "./timelock_round.ts";
export * from "./weights_connection.ts";
export * from "./weights_deadline.ts";
export * from "./weights_doctor.ts";
export * from "./weights_errors.ts";
export * from "./weights_format.ts";
export * from "./weights_loop.ts";
export * from "./weights_plan.ts";
export * from "./weights_prechecks.ts";
export * from "./weights_receipt.ts";
export * from "./weights_rejection.ts";
export * from "./weights_state.ts";
export * from "./weights_submit.ts";
