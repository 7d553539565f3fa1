/**
 * The validator: the step, the model updater and the weights cadence over
 * its ports, the loop that runs them side by side, step reports, and the in-process pieces
 * (miner iterator, retry rule, clock). The live adapters of the ports are in
 * `./live/mod.ts`.
 *
 * @module
 */
export * from "./chain_record.ts";
export * from "./compare_models.ts";
export * from "./competition_score.ts";
export * from "./consensus_monitor.ts";
export * from "./miner_iterator.ts";
export * from "./model_updater.ts";
export * from "./observer.ts";
export * from "./ports.ts";
export * from "./real_clock.ts";
export * from "./run_step.ts";
export * from "./run_validator.ts";
export * from "./should_retry_model.ts";
export * from "./step_report.ts";
export * from "./weights_loop.ts";
