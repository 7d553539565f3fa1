/**
 * Loss scoring with ONNX Runtime: untrusted-graph checks, the in-graph
 * log-prob head opened against the weights where they lie, tokenization and chat
 * templates, token-budget batching, execution providers, and the isolated
 * scoring subprocess.
 *
 * @module
 */
export * from "./batching.ts";
export * from "./device.ts";
export * from "./handle_score_request.ts";
export * from "./execution_providers.ts";
export * from "./logprob_head.ts";
export * from "./losses_by_task.ts";
export * from "./open_model_dir.ts";
export * from "./ort_telemetry.ts";
export * from "./report_json.ts";
export * from "./score_contract.ts";
export * from "./score_error.ts";
export * from "./score_in_subprocess.ts";
export * from "./score_model.ts";
export * from "./wrapped_graph.ts";
