/**
 * Competitions, evaluation tasks and their data.
 *
 * @module
 */
export * from "./competitions.ts";
export * from "./sample_sets.ts";
export * from "./competition_tokenizer.ts";
