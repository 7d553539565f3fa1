/**
 * The chain adapter (`@polkadot/api`), and nothing else: connections with
 * deadlines and bounded reconnects; reads of the metagraph,
 * hyperparameters, model commitments, block hashes and the weights state at
 * a pinned block; one path to submit a signed call.
 *
 * @module
 */
export * from "./api_options.ts";
export * from "./chain_error.ts";
export * from "./commit_model.ts";
export * from "./connect_chain.ts";
export * from "./custom_errors.ts";
export * from "./read_chain_snapshot.ts";
export * from "./read_commitments.ts";
export * from "./read_head.ts";
export * from "./read_hyperparameters.ts";
export * from "./read_metagraph.ts";
export * from "./read_subnet_weights.ts";
export * from "./read_weights_state.ts";
export * from "./submit_extrinsic.ts";
