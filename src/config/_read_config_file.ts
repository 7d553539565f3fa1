/**
 * Reading a `--config` file: JSON or YAML, nested or dotted flag names, and a
 * section per task.
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";
import { closest } from "./_closest.ts";
import type { TaskSpec } from "./config.ts";
import { normalizeFlagName } from "./flags.ts";
import { TASK_NAMES } from "./task_names.ts";

/**
 * Reads a config file into canonical flag names and raw values. Keys of
 * other tasks' sections are ignored; any other unknown key is an error
 * naming the closest known one.
 *
 * @throws {ConfigError} for an unreadable or malformed file, or an unknown key
 */
export async function readConfigFile(
  path: string,
  spec: TaskSpec,
  byNormalName: ReadonlyMap<string, string>,
  readTextFile: ((path: string) => Promise<string>) | undefined,
): Promise<Map<string, unknown>> {
  let text: string;
  try {
    text = await (readTextFile ?? Deno.readTextFile)(path);
  } catch (error) {
    throw new ConfigError(`Cannot read config file "${path}": ${(error as Error).message}`, {
      hint: "Check the path given to --config (or BT_CONFIG)",
      cause: error,
    });
  }
  let document: unknown;
  try {
    // The YAML parser loads only when a YAML file is read (the launcher starts faster without it).
    document = path.endsWith(".json") ? JSON.parse(text) : (await import("yaml")).parse(text);
  } catch (error) {
    throw new ConfigError(`Cannot parse config file "${path}": ${(error as Error).message}`, {
      hint: "A config file is a JSON or YAML mapping of flag names to values",
      cause: error,
    });
  }
  if (document === null || document === undefined) return new Map();
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new ConfigError(`Cannot parse config file "${path}": the top level must be a mapping`);
  }
  const values = new Map<string, unknown>();
  const taskNames = new Set(TASK_NAMES.map(normalizeFlagName));
  // No flag is deeper than its dotted parts (plus a task section): deeper mappings, e.g. a YAML alias
  // that contains itself or a thousand nested objects, are unknown keys, not a reason to recurse on.
  const maxDepth = Math.max(...[...byNormalName.values()].map((name) => name.split(".").length));
  const unknownKey = (dotted: string) => {
    const suggestion = closest(dotted, byNormalName.values());
    return new ConfigError(
      `Unknown key "${dotted}" in config file "${path}"${suggestion ? `: did you mean "${suggestion}"?` : ""}`,
      { hint: `Run "deno task ${spec.name} --help" to list the settings` },
    );
  };
  const visit = (object: Record<string, unknown>, prefix: string, inTaskSection: boolean, depth: number) => {
    for (const [key, value] of Object.entries(object)) {
      const dotted = prefix === "" ? key : `${prefix}.${key}`;
      const normal = normalizeFlagName(dotted);
      const name = byNormalName.get(normal);
      if (name !== undefined) {
        values.set(name, value);
      } else if (!inTaskSection && prefix === "" && taskNames.has(normalizeFlagName(key))) {
        if (normalizeFlagName(key) === normalizeFlagName(spec.name) && isMapping(value)) {
          visit(value, "", true, 1);
        }
      } else if (isMapping(value) && depth < maxDepth) {
        visit(value, dotted, inTaskSection, depth + 1);
      } else {
        throw unknownKey(dotted);
      }
    }
  };
  visit(document as Record<string, unknown>, "", false, 1);
  return values;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
