/**
 * The live adapters of the validator's ports: the chain reader, the model
 * store over the hub, the scorer over worker processes, and the weight
 * setter over the writer's connection.
 *
 * @module
 */
export * from "./cached_chain_reader.ts";
export * from "./evaluate_models.ts";
export * from "./live_chain_reader.ts";
export * from "./live_data_source.ts";
export * from "./live_model_store.ts";
export * from "./live_scorer.ts";
export * from "./live_weight_setter.ts";
export * from "./read_consensus.ts";
