/**
 * Loss scoring with ONNX Runtime: untrusted-graph checks, the in-graph
 * log-prob head opened against the weights where they lie, tokenization and chat
 * templates, token-budget batching, execution providers, and the isolated
 * scoring subprocess.
 *
 * @module
 */
export * from "./batching.ts";
export * from "./byte_level_bpe.ts";
export * from "./chat_tokenizer.ts";
export * from "./device.ts";
export * from "./execution_providers.ts";
export * from "./logprob_head.ts";
export * from "./model_source.ts";
export * from "./samples.ts";
export * from "./score_error.ts";
export * from "./score_model.ts";
export * from "./tokenize_samples.ts";
export * from "./wrapped_graph.ts";
export * from "./report_json.ts";
export * from "./score_in_subprocess.ts";
export * from "./losses_by_task.ts";
