/**
 * `deno task doctor`: checks of the machine, the wallet and the chain, each
 * OK, WARN or FAIL with a hint.
 *
 * @module
 */
export * from "./chain_check.ts";
export * from "./check.ts";
export * from "./runtime_checks.ts";
export * from "./wallet_check.ts";
