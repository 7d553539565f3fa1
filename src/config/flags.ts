/**
 * Flag specifications: the typed description of every command-line flag,
 * shared by the parser, the usage text and the config file reader.
 *
 * @module
 */

/** How a flag's value is parsed. */
export type FlagKind =
  | "string"
  | "path"
  | "integer"
  | "number"
  | "boolean"
  | "duration"
  | "list";

/** The parsed value type of a flag kind. */
export type ValueOf<K extends FlagKind> = K extends "boolean" ? boolean
  : K extends "integer" | "number" | "duration" ? number
  : K extends "list" ? readonly string[]
  : string;

/**
 * One flag. Names are dotted, bittensor style (`wallet.name`); `-` and `_`
 * are interchangeable in names (`--batch-tokens` = `--batch_tokens`).
 */
export interface FlagSpec<K extends FlagKind = FlagKind> {
  /** How the value is parsed. `duration` is seconds unless suffixed with `ms`, `s`, `m` or `h`, and is returned in milliseconds; `path` is resolved against the caller's directory. */
  readonly kind: K;
  /** One line for `--help`. */
  readonly description: string;
  /** The default value; booleans default to `false`; durations are given in milliseconds. */
  readonly default?: ValueOf<K>;
  /** The placeholder shown in `--help`, e.g. `<dir>`. */
  readonly valueName?: string;
  /** The only accepted values (strings). */
  readonly choices?: readonly string[];
  /** A shape string values must have, and how to say it (`expected` follows "expected "). */
  readonly pattern?: { readonly regex: RegExp; readonly expected: string };
  /** Inclusive minimum for numbers and durations (in the flag's own unit). */
  readonly min?: number;
  /** Inclusive maximum for numbers. */
  readonly max?: number;
  /** An environment variable that overrides the default. */
  readonly env?: string;
}

/** A set of flags keyed by canonical name. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The typed values of a set of flags. */
export type FlagValues<S extends FlagSpecs> = {
  readonly [K in keyof S]: S[K] extends { readonly kind: "boolean" } ? boolean
    : S[K] extends { readonly default: unknown } ? ValueOf<S[K]["kind"]>
    : ValueOf<S[K]["kind"]> | undefined;
};

/** Groups of common flags, shown in `--help` when a task uses them. */
export type FlagGroup =
  | "subnet"
  | "wallet"
  | "subtensor"
  | "logging"
  | "validator"
  | "hub";

/** The scoring devices: `auto`, `cpu`, `cuda` or `cuda:N`. */
export const DEVICE_PATTERN: { readonly regex: RegExp; readonly expected: string } = {
  regex: /^\s*(auto|cpu|cuda(:\d+)?)\s*$/i,
  expected: "auto, cpu, cuda or cuda:N",
};

/** Default weights `version_key` of SN37 (`__spec_version__` 3010). */
export const SN37_VERSION_KEY = 3010;

/** The common flags every task accepts, by group. */
export const COMMON_FLAGS = {
  subnet: {
    "netuid": {
      kind: "integer",
      description: "Subnet uid",
      default: 37,
      min: 0,
      max: 65535,
      env: "BT_NETUID",
    },
    "offline": {
      kind: "boolean",
      description: "Do not touch the chain or the hub: work from what is cached",
      env: "BT_OFFLINE",
    },
    "config": {
      kind: "path",
      description: "Read settings from a JSON or YAML file (flags override it)",
      valueName: "<file>",
      env: "BT_CONFIG",
    },
  },
  wallet: {
    "wallet.name": {
      kind: "string",
      description: "Wallet (coldkey) name",
      default: "default",
      env: "BT_WALLET_NAME",
    },
    "wallet.hotkey": {
      kind: "string",
      description: "Hotkey name inside the wallet",
      default: "default",
      env: "BT_WALLET_HOTKEY",
    },
    "wallet.path": {
      kind: "path",
      description: "Directory holding the wallets",
      default: "~/.bittensor/wallets",
      valueName: "<dir>",
      env: "BT_WALLET_PATH",
    },
  },
  subtensor: {
    "subtensor.network": {
      kind: "string",
      description: "finney, test, archive, local, latent-lite, or a ws(s):// URL",
      default: "finney",
      env: "BT_SUBTENSOR_NETWORK",
    },
    "subtensor.chain_endpoint": {
      kind: "string",
      description: "Chain endpoint URL; overrides --subtensor.network",
      valueName: "<ws-url>",
      env: "BT_SUBTENSOR_CHAIN_ENDPOINT",
    },
  },
  logging: {
    "logging.debug": { kind: "boolean", description: "Log at DEBUG level", env: "BT_LOGGING_DEBUG" },
    "logging.trace": { kind: "boolean", description: "Log at TRACE level", env: "BT_LOGGING_TRACE" },
    "logging.info": { kind: "boolean", description: "Log at INFO level (the default)", env: "BT_LOGGING_INFO" },
    "logging.record_log": {
      kind: "boolean",
      description: "Also write logs to a rotating file in --logging.logging_dir",
      env: "BT_LOGGING_RECORD_LOG",
    },
    "logging.logging_dir": {
      kind: "path",
      description: "Directory for --logging.record_log files",
      default: "./logs",
      valueName: "<dir>",
      env: "BT_LOGGING_LOGGING_DIR",
    },
    "log.json": {
      kind: "boolean",
      description: "Log JSON lines instead of text",
      env: "BT_LOG_JSON",
    },
  },
  validator: {
    "validator.model_dir": {
      kind: "path",
      description: "Model cache (Hugging Face layout); default $HF_HUB_CACHE, $HF_HOME/hub or ./.cache/huggingface/hub",
      valueName: "<dir>",
      env: "BT_VALIDATOR_MODEL_DIR",
    },
    "validator.cache_dir": {
      kind: "path",
      description: "Scoring cache (wrapped and built graphs); default <model_dir>/../subvalid-score",
      valueName: "<dir>",
      env: "BT_VALIDATOR_CACHE_DIR",
    },
    "validator.state_dir": {
      kind: "path",
      description: "The validator's state (trackers, queues, averages, reports); default <model_dir>/../subvalid-state",
      valueName: "<dir>",
      env: "BT_VALIDATOR_STATE_DIR",
    },
    "validator.data_dir": {
      kind: "path",
      description: "Evaluation data drawn per sync block (cached); default <model_dir>/../subvalid-data",
      valueName: "<dir>",
      env: "BT_VALIDATOR_DATA_DIR",
    },
    "validator.version_key": {
      kind: "integer",
      description: "Weights version key sent with set_weights",
      default: SN37_VERSION_KEY,
      min: 0,
      env: "BT_VALIDATOR_VERSION_KEY",
    },
    "validator.device": {
      kind: "string",
      description: "Scoring device: auto, cpu, cuda or cuda:N",
      default: "auto",
      pattern: DEVICE_PATTERN,
      env: "BT_VALIDATOR_DEVICE",
    },
    "validator.batch_tokens": {
      kind: "integer",
      description: "Token budget of one scoring batch (padded tokens); unset: 2048 on CPU, 16384 on CUDA",
      min: 1,
      env: "BT_VALIDATOR_BATCH_TOKENS",
    },
    "validator.score_timeout": {
      kind: "duration",
      description: "Deadline for scoring one model",
      default: 720_000,
      min: 1,
      env: "BT_VALIDATOR_SCORE_TIMEOUT",
    },
    "validator.weights_retry": {
      kind: "duration",
      description: "Wait after a failed weight setting before retrying",
      default: 120_000,
      min: 1,
      env: "BT_VALIDATOR_WEIGHTS_RETRY",
    },
    "validator.weights_interval": {
      kind: "duration",
      description: "Wait after a successful weight setting before setting again",
      default: 3_600_000,
      min: 1,
      env: "BT_VALIDATOR_WEIGHTS_INTERVAL",
    },
    "validator.gc_grace": {
      kind: "duration",
      description: "Keep unreferenced models this long after their newest file",
      default: 300_000,
      min: 0,
      env: "BT_VALIDATOR_GC_GRACE",
    },
  },
  hub: {
    "hub.url": {
      kind: "string",
      description: "Hugging Face hub URL (the local hub for tests and the demo)",
      default: "https://huggingface.co",
      valueName: "<url>",
      env: "HF_ENDPOINT",
    },
    "hub.datasets_url": {
      kind: "string",
      description: "Datasets server URL (the local hub serves both on one port)",
      default: "https://datasets-server.huggingface.co",
      valueName: "<url>",
      env: "BT_HUB_DATASETS_URL",
    },
  },
} as const satisfies Record<FlagGroup, FlagSpecs>;

/** Every common flag in one map. */
export const ALL_COMMON_FLAGS: FlagSpecs = Object.freeze(
  Object.assign({}, ...Object.values(COMMON_FLAGS)),
);

/** Normalizes a flag name so that `-` and `_` compare equal. */
export function normalizeFlagName(name: string): string {
  return name.replaceAll("-", "_");
}
