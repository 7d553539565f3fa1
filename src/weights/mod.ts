/**
 * Weight setting: `setWeights` (a receipt) / `setWeightsOrThrow`, the dry-run
 * `planWeights` and its pre-checks, the typed errors, the drand timelock
 * pieces, and the writer's connection and hotkey. It submits through the
 * chain adapter's single submission path. (The validator's hourly cadence is
 * `startWeightsLoop` in `src/validator/`, over the `WeightSetter` port.)
 *
 * @module
 */
export * from "./errors.ts";
export * from "./format.ts";
export * from "./plan_weights.ts";
export * from "./prechecks.ts";
export * from "./receipt.ts";
export * from "./rejection.ts";
export * from "./set_weights.ts";
export * from "./timelock_encrypt.ts";
export * from "./timelock_payload.ts";
export * from "./timelock_round.ts";
export * from "./weights_signer.ts";
