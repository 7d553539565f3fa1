/**
 * The subnet mechanism, pure: the committed model id, and from scores to the
 * weights sent to the chain (win rates with the epsilon advantage, the moving
 * average, conversion to u16 exactly as the Python SDK does it, weights files),
 * and how far our weights agree with the other validators'.
 *
 * @module
 */
export * from "./competition_weights.ts";
export * from "./consensus.ts";
export * from "./convert_weights.ts";
export * from "./model_id.ts";
export * from "./parse_weights_json.ts";
export * from "./win_rate.ts";
