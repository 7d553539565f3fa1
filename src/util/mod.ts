/**
 * Small helpers without dependencies.
 *
 * @module
 */
export * from "./base64.ts";
export * from "./read_env.ts";
