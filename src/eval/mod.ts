/**
 * Competitions, evaluation tasks and their data.
 *
 * @module
 */
export * from "./competitions.ts";
