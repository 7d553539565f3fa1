/**
 * The chain adapter (`@polkadot/api`): connections with deadlines and bounded
 * reconnects, the metagraph, hyperparameters and model commitments at a pinned
 * block, block hashes, transaction submission and model commitments.
 *
 * @module
 */
export * from "./api_options.ts";
export * from "./chain_error.ts";
export * from "./connect_chain.ts";
export * from "./model_id.ts";
export * from "./read_chain_snapshot.ts";
export * from "./read_commitments.ts";
export * from "./read_hyperparameters.ts";
export * from "./read_metagraph.ts";
export * from "./commit_model.ts";
export * from "./submit_extrinsic.ts";
export * from "./weights_api.ts";
