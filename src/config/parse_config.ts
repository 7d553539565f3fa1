/**
 * One parser for every task: built-in defaults < `BT_*` environment < config
 * file (JSON or YAML) < command-line flags, into a frozen {@linkcode Config}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import { closest } from "./_closest.ts";
import type { Config, TaskSpec, ValueSource } from "./config.ts";
import { ALL_COMMON_FLAGS, type FlagSpec, type FlagSpecs, type FlagValues, normalizeFlagName } from "./flags.ts";
import { resolveNetwork } from "./networks.ts";
import { readConfigFile } from "./_read_config_file.ts";
import { readEnv } from "../util/read_env.ts";

/** What {@linkcode parseConfig} found on the command line. */
export type ParseResult<S extends FlagSpecs> =
  | { readonly kind: "config"; readonly config: Config<S> }
  | { readonly kind: "help" }
  | { readonly kind: "version" };

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /**
   * Reads an environment variable. Variables the process may not read count
   * as unset.
   * @default Deno.env.get, guarded by a permission query
   */
  env?: (name: string) => string | undefined;
  /**
   * Directory that relative paths given by flags or the environment resolve
   * against.
   * @default $INIT_CWD (set by `deno task`), else the current directory
   */
  cwd?: string;
  /**
   * Directory that relative default paths resolve against.
   * @default the project root (the directory of deno.json)
   */
  projectRoot?: string;
  /**
   * Reads a config file.
   * @default Deno.readTextFile
   */
  readTextFile?: (path: string) => Promise<string>;
}

const PROJECT_ROOT = resolve(dirname(new URL(import.meta.url).pathname), "../..");

interface RawValue {
  value: unknown;
  source: ValueSource;
  /** Directory relative paths resolve against. */
  base: string;
  /** Where the value came from, for error messages. */
  origin: string;
}

/**
 * Parses a task's arguments into a frozen, typed configuration.
 *
 * @example
 * ```ts
 * import { defineTask, parseConfig } from "./mod.ts";
 * const spec = defineTask({ name: "demo", summary: "", usage: "", groups: [], flags: {} });
 * const result = await parseConfig(["--netuid", "3"], spec, { env: () => undefined });
 * if (result.kind === "config") console.assert(result.config.netuid === 3);
 * ```
 *
 * @throws {ConfigError} for an unknown flag (naming the closest known one), a
 * bad value, or an unreadable or malformed config file
 */
export async function parseConfig<S extends FlagSpecs>(
  args: readonly string[],
  spec: TaskSpec<S>,
  options: ParseConfigOptions = {},
): Promise<ParseResult<S>> {
  const env = options.env ?? readEnv;
  const cwd = options.cwd ?? env("INIT_CWD") ?? Deno.cwd();
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const home = env("HOME") ?? env("USERPROFILE");
  const specs: FlagSpecs = { ...ALL_COMMON_FLAGS, ...spec.flags };
  const byNormalName = new Map(Object.keys(specs).map((name) => [normalizeFlagName(name), name]));

  const cli = tokenize(args, specs, byNormalName, spec, cwd);
  if (cli === "help" || cli === "version") return { kind: cli };

  const raw = new Map<string, RawValue>();
  for (const [name, flag] of Object.entries(specs)) {
    if (flag.default !== undefined) {
      raw.set(name, { value: flag.default, source: "default", base: projectRoot, origin: "default" });
    }
    const fromEnv = flag.env === undefined ? undefined : env(flag.env);
    if (fromEnv !== undefined && fromEnv !== "") {
      raw.set(name, { value: fromEnv, source: "env", base: cwd, origin: `environment variable ${flag.env}` });
    }
  }
  const configPath = cli.values.get("config") ?? raw.get("config");
  let configFile: string | undefined;
  if (configPath !== undefined) {
    configFile = expandPath(String(configPath.value), configPath.base, home);
    const fileValues = await readConfigFile(configFile, spec, byNormalName, options.readTextFile);
    for (const [name, value] of fileValues) {
      raw.set(name, { value, source: "file", base: dirname(configFile), origin: `config file "${configFile}"` });
    }
  }
  for (const [name, value] of cli.values) raw.set(name, value);

  const values: Record<string, unknown> = {};
  const sources: Record<string, ValueSource> = {};
  const origins: Record<string, string> = {};
  for (const [name, flag] of Object.entries(specs)) {
    const entry = raw.get(name);
    if (entry === undefined) {
      values[name] = flag.kind === "boolean" ? false : undefined;
      sources[name] = "default";
      continue;
    }
    values[name] = coerce(name, flag, entry, home);
    sources[name] = entry.source;
    origins[name] = entry.origin;
  }

  const config = buildConfig(spec, values, sources, origins, cli.positionals, configFile, env, projectRoot, home);
  return { kind: "config", config: deepFreeze(config) };
}

interface CliValues {
  values: Map<string, RawValue>;
  positionals: string[];
}

function tokenize(
  args: readonly string[],
  specs: FlagSpecs,
  byNormalName: Map<string, string>,
  spec: TaskSpec,
  cwd: string,
): CliValues | "help" | "version" {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
  };
  for (const [name, flag] of Object.entries(specs)) {
    const type = flag.kind === "boolean" ? "boolean" : "string";
    options[name] = { type };
    options[name.replaceAll("_", "-")] = { type };
    options[normalizeFlagName(name)] = { type };
  }
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const result: CliValues = { values: new Map(), positionals: [] };
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (spec.positionals === undefined) {
        throw new ConfigError(`Cannot parse arguments: unexpected argument "${token.value}"`, {
          hint: `Run "deno task ${spec.name} --help" for usage`,
        });
      }
      result.positionals.push(token.value);
      continue;
    }
    if (token.name === "help" || token.name === "h") return "help";
    if (token.name === "version") return "version";
    let normal = normalizeFlagName(token.name);
    let negated = false;
    if (!byNormalName.has(normal) && normal.startsWith("no_")) {
      const positive = byNormalName.get(normal.slice(3));
      if (positive !== undefined && specs[positive]!.kind === "boolean") {
        normal = normal.slice(3);
        negated = true;
      }
    }
    const name = byNormalName.get(normal);
    if (name === undefined) {
      const suggestion = closest(token.name, [...Object.keys(specs), "help", "version"]);
      throw new ConfigError(
        `Unknown flag "${token.rawName}"${suggestion ? `: did you mean "--${suggestion}"?` : ""}`,
        { hint: `Run "deno task ${spec.name} --help" to list the flags` },
      );
    }
    const flag = specs[name]!;
    const origin = `flag ${token.rawName}`;
    let value: unknown;
    if (flag.kind === "boolean") {
      if (negated && token.value !== undefined) {
        throw new ConfigError(`Cannot parse flag "${token.rawName}": it takes no value`);
      }
      value = negated ? false : token.value ?? true;
    } else {
      if (token.value === undefined) {
        throw new ConfigError(
          `Cannot parse flag "${token.rawName}": it needs a value ${flag.valueName ?? `<${flag.kind}>`}`,
        );
      }
      value = token.value;
      if (flag.kind === "list") {
        const previous = result.values.get(name)?.value as string[] | undefined;
        value = [...(previous ?? []), ...splitList(token.value)];
      }
    }
    result.values.set(name, { value, source: "flag", base: cwd, origin });
  }
  return result;
}

function splitList(value: string): string[] {
  return value.split(",").map((item) => item.trim()).filter((item) => item !== "");
}

function coerce(name: string, flag: FlagSpec, entry: RawValue, home: string | undefined): unknown {
  const { value } = entry;
  const fail = (why: string): never => {
    throw new ConfigError(`Invalid value ${showValue(value)} for "${name}" from ${entry.origin}: ${why}`, {
      hint: flag.description,
    });
  };
  switch (flag.kind) {
    case "boolean": {
      if (typeof value === "boolean") return value;
      const text = String(value).trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(text)) return true;
      if (["0", "false", "no", "off", ""].includes(text)) return false;
      return fail("expected true or false");
    }
    case "integer":
    case "number": {
      const number = typeof value === "number" ? value : Number(String(value).trim());
      if (typeof value !== "number" && String(value).trim() === "") fail("expected a number");
      if (!Number.isFinite(number)) fail("expected a number");
      if (flag.kind === "integer" && !Number.isInteger(number)) fail("expected an integer");
      checkRange(number, flag, fail);
      return number;
    }
    case "duration": {
      if (entry.source === "default") return value;
      const ms = parseDuration(value);
      if (ms === undefined) return fail("expected a duration such as 30, 250ms, 90s, 5m or 1h");
      checkRange(ms / 1000, flag, fail);
      return ms;
    }
    case "list": {
      if (Array.isArray(value)) return value.map(String);
      return splitList(String(value));
    }
    case "path": {
      if (typeof value !== "string" || value.trim() === "") return fail("expected a path");
      // A default under ~ stays unexpanded when HOME is unknown; it only matters if used.
      if (entry.source === "default" && home === undefined && value.startsWith("~")) return value;
      return expandPath(value, entry.base, home);
    }
    case "string": {
      if (typeof value !== "string" && typeof value !== "number") return fail("expected a string");
      const text = String(value);
      if (flag.choices && !flag.choices.includes(text)) {
        const suggestion = closest(text, flag.choices);
        fail(`expected one of ${flag.choices.join(", ")}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`);
      }
      if (flag.pattern && !flag.pattern.regex.test(text)) fail(`expected ${flag.pattern.expected}`);
      return text;
    }
  }
}

/** A value as JSON for an error message: at most 120 characters, and never a throw (YAML can make cycles). */
function showValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? "[a list that contains itself]" : "{a mapping that contains itself}";
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function checkRange(number: number, flag: FlagSpec, fail: (why: string) => never): void {
  if (flag.min !== undefined && number < flag.min) fail(`must be at least ${flag.min}`);
  if (flag.max !== undefined && number > flag.max) fail(`must be at most ${flag.max}`);
}

/**
 * Parses a duration: a number of seconds, or a number with a unit `ms`, `s`,
 * `m` or `h`. Returns milliseconds, or `undefined` if unparseable.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(String(value));
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"]!;
  return Math.round(Number(match[1]) * unit);
}

function expandPath(path: string, base: string, home: string | undefined): string {
  if (path === "~" || path.startsWith("~/")) {
    if (home === undefined) {
      throw new ConfigError(`Cannot expand "${path}": HOME is not set or not readable`, {
        hint: "Give an absolute path instead",
      });
    }
    return join(home, path.slice(1));
  }
  return isAbsolute(path) ? resolve(path) : resolve(base || Deno.cwd(), path);
}

function buildConfig<S extends FlagSpecs>(
  spec: TaskSpec<S>,
  values: Record<string, unknown>,
  sources: Record<string, ValueSource>,
  origins: Record<string, string>,
  positionals: string[],
  configFile: string | undefined,
  env: (name: string) => string | undefined,
  projectRoot: string,
  home: string | undefined,
): Config<S> {
  const get = <T>(name: string) => values[name] as T;
  let network;
  try {
    network = resolveNetwork(get<string>("subtensor.network"), get<string | undefined>("subtensor.chain_endpoint"));
  } catch (error) {
    // Name where the value came from (a flag, BT_SUBTENSOR_*, the config file or the default).
    const from = ["subtensor.chain_endpoint", "subtensor.network"]
      .filter((name) => values[name] && origins[name])
      .map((name) => `"${name}" from ${origins[name]}`);
    throw new ConfigError(`${(error as Error).message} (${from.join(", ")})`, {
      hint: "Check --subtensor.network and --subtensor.chain_endpoint",
    });
  }
  const level = get<boolean>("logging.trace") ? "trace" : get<boolean>("logging.debug") ? "debug" : "info";
  const hfHome = env("HF_HOME");
  const modelDir = get<string | undefined>("validator.model_dir") ??
    expandPath(
      env("HF_HUB_CACHE") || (hfHome ? join(hfHome, "hub") : "./.cache/huggingface/hub"),
      projectRoot,
      home,
    );
  const cacheDir = get<string | undefined>("validator.cache_dir") ?? join(dirname(modelDir), "subvalid-score");
  const stateDir = get<string | undefined>("validator.state_dir") ?? join(dirname(modelDir), "subvalid-state");
  const dataDir = get<string | undefined>("validator.data_dir") ?? join(dirname(modelDir), "subvalid-data");
  const offline = get<boolean>("offline");
  const hubOffline = ["1", "true", "yes", "on"].includes((env("HF_HUB_OFFLINE") ?? "").toLowerCase());
  const flags: Record<string, unknown> = {};
  for (const name of Object.keys(spec.flags)) flags[name] = values[name];
  return {
    task: spec.name,
    netuid: get("netuid"),
    offline,
    configFile,
    wallet: { name: get("wallet.name"), hotkey: get("wallet.hotkey"), path: get("wallet.path") },
    subtensor: { network: network.network, chainEndpoint: network.endpoint },
    logging: {
      level,
      recordLog: get("logging.record_log"),
      loggingDir: get("logging.logging_dir"),
      json: get("log.json"),
    },
    validator: {
      modelDir,
      cacheDir,
      stateDir,
      dataDir,
      versionKey: get("validator.version_key"),
      device: get("validator.device"),
      batchTokens: get("validator.batch_tokens"),
      scoreTimeoutMs: get("validator.score_timeout"),
      weightsRetryMs: get("validator.weights_retry"),
      weightsIntervalMs: get("validator.weights_interval"),
      gcGraceMs: get("validator.gc_grace"),
    },
    hub: {
      url: get<string>("hub.url").replace(/\/+$/, ""),
      datasetsUrl: get<string>("hub.datasets_url").replace(/\/+$/, ""),
      token: env("HF_TOKEN") || env("HUGGING_FACE_HUB_TOKEN") || undefined,
      offline: offline || hubOffline,
    },
    flags: flags as FlagValues<S>,
    positionals,
    sources,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
