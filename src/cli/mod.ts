/**
 * The edge of every task: parsing, logging, signals and exit codes.
 *
 * @module
 */
export * from "./run_task.ts";
export * from "./version.ts";
