/**
 * The project version, from deno.json.
 *
 * @module
 */
import denoConfig from "../../deno.json" with { type: "json" };

/** The subvalid version (deno.json `version`). */
export const VERSION: string = denoConfig.version;
