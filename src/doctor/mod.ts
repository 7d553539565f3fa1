/**
 * `deno task doctor`: checks of the machine, the wallet, the hub, the chain
 * and weight setting, each OK, WARN or FAIL with a hint.
 *
 * @module
 */
export * from "./chain_check.ts";
export * from "./check.ts";
export * from "./hub_checks.ts";
export * from "./runtime_checks.ts";
export * from "./subnet_check.ts";
export * from "./wallet_check.ts";
export * from "./weights_check.ts";
