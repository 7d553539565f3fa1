/**
 * Logging (logtape): `time | LEVEL | message` lines or JSON lines on stderr,
 * an optional rotating file, TTY-aware progress and summary tables.
 *
 * @module
 */
export * from "./format.ts";
export * from "./logger.ts";
export * from "./progress.ts";
export * from "./setup_logging.ts";
export * from "./table.ts";
export { type Terminal, terminal } from "./terminal.ts";
