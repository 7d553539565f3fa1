/**
 * The permission sets of deno.json, widened by exactly what one run needs:
 * the `deno run` flags that start a task (or a scoring worker) under its set
 * plus the paths and hosts its configuration names.
 *
 * Deno replaces a set's allow list of a kind when a flag of that kind is
 * given (`-P=score --allow-read=X` reads only X) and keeps the set's deny
 * lists, so a widened kind repeats the set's own entries (made absolute
 * against the project root) before the additions. A kind the set does not
 * grant at all is never granted here, and nothing is added when the set
 * already covers it.
 *
 * @module
 */
import { isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import denoConfig from "../../deno.json" with { type: "json" };
import type { TaskAccess } from "./task_access.ts";

/** The project root (the directory of deno.json). */
export const PROJECT_ROOT: string = resolve(fileURLToPath(new URL("../..", import.meta.url)));

type Entries = boolean | readonly string[] | { readonly allow?: boolean | readonly string[] } | undefined;

/** One permission set as deno.json spells it. */
export interface PermissionSet {
  readonly read?: Entries;
  readonly write?: Entries;
  readonly net?: Entries;
  readonly [kind: string]: unknown;
}

/** The permission sets of deno.json, by name. */
export const PERMISSION_SETS: Readonly<Record<string, PermissionSet>> = denoConfig.permissions as Record<
  string,
  PermissionSet
>;

/** Options of {@linkcode permissionFlags}. */
export interface PermissionFlagsOptions {
  /** Relative entries of the set resolve against this. @default the project root */
  projectRoot?: string;
  /** The sets to read. @default deno.json's */
  sets?: Readonly<Record<string, PermissionSet>>;
}

/** Whether `path` is `folder` or lies inside it. */
export function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function allowList(entries: Entries): boolean | readonly string[] {
  if (entries === undefined) return false;
  if (typeof entries === "boolean" || Array.isArray(entries)) return entries as boolean | readonly string[];
  return allowList((entries as { allow?: Entries }).allow);
}

function defined(values: readonly (string | undefined)[] | undefined): string[] {
  return (values ?? []).filter((value): value is string => value !== undefined && value !== "");
}

/**
 * The flags that widen permission set `set` by `access`: `--allow-read=…`,
 * `--allow-write=…` and `--allow-net=…`, each only when needed. Paths are made
 * absolute; written paths are also read.
 *
 * @example
 * ```ts
 * import { permissionFlags } from "./permission_flags.ts";
 * const flags = permissionFlags("score", { read: ["/data/model"] });
 * console.assert(flags[0]!.startsWith("--allow-read=") && flags[0]!.endsWith(",/data/model"));
 * ```
 *
 * @throws {RangeError} for a set deno.json does not define
 */
export function permissionFlags(set: string, access: TaskAccess, options: PermissionFlagsOptions = {}): string[] {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const definition = (options.sets ?? PERMISSION_SETS)[set];
  if (definition === undefined) throw new RangeError(`Unknown permission set "${set}"`);
  const writes = defined(access.write).map((path) => resolve(path));
  const reads = [...defined(access.read).map((path) => resolve(path)), ...writes];
  const flags: string[] = [];
  const paths = (kind: "read" | "write", wanted: string[]) => {
    const base = allowList(definition[kind]);
    if (typeof base === "boolean") return;
    const granted = base.map((entry) => resolve(root, entry));
    const missing = [...new Set(wanted)].filter((path) => !granted.some((folder) => isWithin(path, folder)));
    if (missing.length > 0) flags.push(`--allow-${kind}=${[...granted, ...missing].join(",")}`);
  };
  paths("read", reads);
  paths("write", writes);
  const net = allowList(definition.net);
  if (Array.isArray(net)) {
    const missing = [...new Set(defined(access.net))].filter((host) => !netCovers(net, host));
    if (missing.length > 0) flags.push(`--allow-net=${[...net, ...missing].join(",")}`);
  }
  return flags;
}

function netCovers(granted: readonly string[], host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return granted.some((entry) => entry === host || entry === name);
}
