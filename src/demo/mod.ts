/**
 * The demo: a local chain, a local hub, small real models and one full
 * validator epoch.
 *
 * @module
 */
export * from "./publish_model.ts";
export * from "./run_demo.ts";
