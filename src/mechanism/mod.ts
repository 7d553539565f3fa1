/**
 * The subnet mechanism, pure: the committed model id, and from scores to the
 * weights sent to the chain (win rates with the epsilon advantage, the moving
 * average, conversion to u16 exactly as the Python SDK does it, weights files).
 *
 * @module
 */
export * from "./convert_weights.ts";
export * from "./model_id.ts";
export * from "./parse_weights_json.ts";
export * from "./win_rate.ts";
