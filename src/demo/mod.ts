/**
 * The demo: a local chain, a local hub, small real models and a few
 * validator steps (`runValidator`), weights set on chain.
 *
 * @module
 */
export * from "./publish_model.ts";
export * from "./run_demo.ts";
