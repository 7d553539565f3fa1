/**
 * Domain errors with exit codes and operator hints.
 *
 * @module
 */
export * from "./subvalid_error.ts";
export * from "./permission_denial.ts";
