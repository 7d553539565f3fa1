/**
 * The frozen, typed configuration every task receives.
 *
 * @module
 */
import type { FlagGroup, FlagSpecs, FlagValues } from "./flags.ts";
import type { TaskAccess } from "./task_access.ts";

/** Log verbosity. */
export type LogLevelName = "trace" | "debug" | "info";

/** Where a setting's value came from. */
export type ValueSource = "default" | "env" | "file" | "flag";

/** What a task declares about itself for parsing and `--help`. */
export interface TaskSpec<S extends FlagSpecs = FlagSpecs> {
  /** The task name as in `deno task <name>`. */
  readonly name: string;
  /** One line: what the task does. */
  readonly summary: string;
  /** The usage line(s) shown first in `--help`, without the `Usage:` prefix. */
  readonly usage: string;
  /** Longer text shown after the usage. */
  readonly description?: string;
  /** The task's own flags. */
  readonly flags: S;
  /** Which common flag groups matter to this task (shown in `--help`). */
  readonly groups: readonly FlagGroup[];
  /** Name of the positional arguments, if the task takes any. */
  readonly positionals?: string;
  /** Example command lines shown in `--help`. */
  readonly examples?: readonly string[];
  /** The deno.json permission set the task runs under. @default the name with ":" as "-" */
  readonly permissionSet?: string;
  /**
   * What one run reaches beyond its permission set, from its configuration: the launcher grants
   * exactly this (plus the config file and, with --logging.record_log, the logging directory).
   * @default nothing
   */
  access?(config: Config<S>): TaskAccess;
}

/** The deno.json permission set a task runs under. */
export function permissionSetOf(spec: Pick<TaskSpec, "name" | "permissionSet">): string {
  return spec.permissionSet ?? spec.name.replaceAll(":", "-");
}

/** Defines a task spec, keeping the flag types for {@linkcode Config}. */
export function defineTask<const S extends FlagSpecs>(spec: TaskSpec<S>): TaskSpec<S> {
  return spec;
}

/** The parsed configuration of one task run. Deeply frozen. */
export interface Config<S extends FlagSpecs = FlagSpecs> {
  /** The task this configuration was parsed for. */
  readonly task: string;
  /** Subnet uid. */
  readonly netuid: number;
  /** Do not touch the chain or the hub. */
  readonly offline: boolean;
  /** The config file read, if any (absolute path). */
  readonly configFile: string | undefined;
  /** Wallet location; the hotkey file is `<path>/<name>/hotkeys/<hotkey>`. */
  readonly wallet: {
    readonly name: string;
    readonly hotkey: string;
    readonly path: string;
  };
  /** The chain to talk to. */
  readonly subtensor: {
    /** A known network name, or `"custom"`. */
    readonly network: string;
    /** The resolved ws(s):// endpoint. */
    readonly chainEndpoint: string;
  };
  /** Logging setup. */
  readonly logging: {
    readonly level: LogLevelName;
    readonly recordLog: boolean;
    readonly loggingDir: string;
    readonly json: boolean;
  };
  /** The validator's own knobs (`--validator.*`). Durations in milliseconds. */
  readonly validator: {
    readonly modelDir: string;
    readonly cacheDir: string;
    /** The validator's state directory (`--validator.state_dir`). */
    readonly stateDir: string;
    /** The evaluation-data cache (`--validator.data_dir`). */
    readonly dataDir: string;
    readonly versionKey: number;
    readonly device: string;
    /** Unset: the device's default (2048 on CPU, 16384 on CUDA). */
    readonly batchTokens: number | undefined;
    readonly scoreTimeoutMs: number;
    readonly weightsRetryMs: number;
    readonly weightsIntervalMs: number;
    readonly gcGraceMs: number;
  };
  /** Hugging Face hub access. */
  readonly hub: {
    /** Hub base URL without a trailing slash. */
    readonly url: string;
    /** Datasets-server base URL without a trailing slash. */
    readonly datasetsUrl: string;
    /** `HF_TOKEN` (or `HUGGING_FACE_HUB_TOKEN`), if set. */
    readonly token: string | undefined;
    /** `HF_HUB_OFFLINE=1` or `--offline`: serve only what is cached. */
    readonly offline: boolean;
  };
  /** The task's own flags, typed. */
  readonly flags: FlagValues<S>;
  /** Positional arguments. */
  readonly positionals: readonly string[];
  /** Where each flag's value came from, by canonical flag name. */
  readonly sources: Readonly<Record<string, ValueSource>>;
}
