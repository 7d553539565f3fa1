/**
 * Reading environment variables under Deno's permissions.
 *
 * @module
 */

/**
 * The value of an environment variable, or `undefined` when it is unset or
 * the process may not read it (no prompt, no throw).
 */
export function readEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") return undefined;
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
