/**
 * The embedded local Hugging Face hub for tests and the demo: repositories on disk served with the
 * hub's endpoints, the datasets-server, fault injection and a request log.
 *
 * @module
 */
export * from "./check_hub_root.ts";
export * from "./faults.ts";
export * from "./request_log.ts";
export * from "./start_hubsim.ts";
export * from "./publish_xenova_gpt4.ts";
export * from "./sn37_datasets.ts";
