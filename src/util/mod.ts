/**
 * Small helpers without dependencies: the async toolkit (deadlines, an
 * abortable delay, bounded retries that honour `Retry-After`, a bounded
 * pool), base64 and environment reads.
 *
 * @module
 */
export * from "./base64.ts";
export * from "./deadline.ts";
export * from "./delay.ts";
export * from "./map_pool.ts";
export * from "./network_error.ts";
export * from "./read_env.ts";
export * from "./retry.ts";
