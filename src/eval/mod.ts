/**
 * Competitions, evaluation tasks and their data.
 *
 * @module
 */
export * from "./chat_tokenizer.ts";
export * from "./competitions.ts";
export * from "./sample_sets.ts";
export * from "./samples.ts";
