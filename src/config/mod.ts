/**
 * Configuration: bittensor-style flags, `BT_*` environment variables and an
 * optional JSON or YAML config file, parsed once into a frozen `Config`.
 *
 * @module
 */
export * from "./config.ts";
export * from "./flags.ts";
export * from "./misspelt_variables.ts";
export * from "./networks.ts";
export * from "./parse_config.ts";
export * from "./permission_flags.ts";
export * from "./task_access.ts";
export * from "./task_names.ts";
export * from "./usage.ts";
