/**
 * Scoring the checkpoints miners publish: safetensors headers, config.json
 * for Llama, Mistral, Gemma and Gemma2, an ONNX graph built over the weights
 * where they lie (external data into the safetensors files), the build cache,
 * and the reference validator's model checks (parameter count, architecture,
 * weight norms).
 *
 * @module
 */
export * from "./build_graph.ts";
export * from "./check_model_constraints.ts";
export * from "./checkpoint.ts";
export * from "./errors.ts";
export * from "./model_config.ts";
export * from "./model_tensors.ts";
export * from "./open_safetensors_model.ts";
export * from "./rope.ts";
export * from "./safetensors.ts";
export * from "./weight_norms.ts";
