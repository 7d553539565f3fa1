/**
 * The subnet mechanism: from scores to the weights sent to the chain.
 * Win rates with the epsilon advantage, the moving average, conversion to u16
 * exactly as the Python SDK does it, and weights files.
 *
 * @module
 */
export * from "./convert_weights.ts";
export * from "./parse_weights_json.ts";
export * from "./win_rate.ts";
