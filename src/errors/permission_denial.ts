/**
 * Deno permission denials as an operator reads them: which access to which
 * path or host, and the permission set that does not grant it. A denial
 * anywhere in an error's cause chain makes the error a denial (exit code 3),
 * whatever wraps it.
 *
 * @module
 */

/** The Deno permission denial an error is or was caused by (searched through `cause`), if any. */
export function findDenial(error: unknown): Deno.errors.NotCapable | undefined {
  for (const current of causeChain(error)) if (current instanceof Deno.errors.NotCapable) return current;
  return undefined;
}

/** The error and its causes, outermost first. */
function* causeChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < 16 && current !== undefined && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** What a denial was for: `read`, `write`, `net`, `env`, `run`, `ffi`, `sys`, and the path or host. */
export interface DenialTarget {
  readonly kind: string;
  readonly target: string;
}

/** Parses Deno's `Requires read access to "/x", run again with the --allow-read flag`. */
export function denialTarget(denial: Error): DenialTarget | undefined {
  const match = /Requires (\w+) access to "?([^",]*)"?/.exec(denial.message);
  return match ? { kind: match[1]!, target: match[2]! } : undefined;
}

const HINTS: Record<string, string> = {
  read: "A task may read the project and the paths its flags, BT_* variables and config file name " +
    '(the launcher of "deno task" grants exactly those): name this path through its flag (e.g. --model, ' +
    '--validator.model_dir, HF_HOME), or see the README section "Permissions"',
  write: "A task may write only the directories its configuration names (model cache, scoring cache, state, logs): " +
    'name this directory through its flag (e.g. --validator.model_dir, HF_HOME), or see the README section "Permissions"',
  net: "A task reaches only the hosts of its permission set plus the configured chain endpoint and hub URL; " +
    'check --subtensor.chain_endpoint and --hub.url, or see the README section "Permissions"',
  env: 'The permission set reads only the environment variables listed in deno.json (README "Permissions")',
};

/**
 * The operator's message and hint for an error caused by a denial, or
 * `undefined` when no denial is involved. The wrapper's own context is
 * kept: `Cannot read samples "/x": read access to "/x" is not granted by
 * the "score" permission set`.
 */
export function describeDenial(error: unknown, set: string): { message: string; hint: string } | undefined {
  const denial = findDenial(error);
  if (denial === undefined) return undefined;
  const target = denialTarget(denial);
  const what = target === undefined
    ? `${denial.message.replace(/, run again with .*$/, "")}: not granted by the "${set}" permission set`
    : `${target.kind} access to "${target.target}" is not granted by the "${set}" permission set`;
  const outer = error instanceof Error ? error.message : String(error);
  const message = error !== denial && outer.includes(denial.message)
    ? outer.replace(denial.message, what)
    : `Not permitted: ${what}`;
  return {
    message,
    hint: HINTS[target?.kind ?? ""] ??
      `The "${set}" permission set in deno.json does not grant this (README "Permissions")`,
  };
}
