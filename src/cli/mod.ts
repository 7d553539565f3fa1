/**
 * The edge of every task: parsing, logging, signals and exit codes.
 *
 * @module
 */
export * from "./check_paths.ts";
export * from "./format_startup_error.ts";
export * from "./launch_task.ts";
export * from "./listening.ts";
export * from "./run_task.ts";
export * from "./version.ts";
