/**
 * The `--help` text of a task, built from its spec.
 *
 * @module
 */
import type { TaskSpec } from "./config.ts";
import { COMMON_FLAGS, type FlagSpec, type FlagSpecs } from "./flags.ts";

/** Formats a task's `--help` text, including the project version. */
export function formatUsage(spec: TaskSpec, version: string): string {
  const lines = [
    `subvalid ${version} · ${spec.name}: ${spec.summary}`,
    "",
    `Usage: ${spec.usage}`,
  ];
  if (spec.description) lines.push("", spec.description.trim());
  if (Object.keys(spec.flags).length > 0) lines.push("", "Flags:", ...formatFlags(spec.flags));
  const groups = ["subnet", ...spec.groups.filter((group) => group !== "subnet")] as const;
  for (const group of groups) {
    lines.push("", `${group[0]!.toUpperCase()}${group.slice(1)} flags:`, ...formatFlags(COMMON_FLAGS[group]));
  }
  lines.push(
    "",
    "Other flags:",
    ...formatFlags({
      help: { kind: "boolean", description: "Print this help and exit" },
      version: { kind: "boolean", description: "Print the version and exit" },
    }),
  );
  lines.push(
    "",
    "Every common flag (--netuid, --wallet.*, --subtensor.*, --logging.*, --validator.*, --hub.url) is",
    "accepted by every task. Precedence: defaults < BT_* environment < --config file < flags.",
    "In flag names '-' and '_' are interchangeable; booleans take --flag, --flag=false or --no-flag.",
  );
  if (spec.examples?.length) lines.push("", "Examples:", ...spec.examples.map((example) => `  ${example}`));
  return lines.join("\n");
}

function formatFlags(flags: FlagSpecs): string[] {
  const rows = Object.entries(flags).map(([name, flag]) => [flagSyntax(name, flag), describe(flag)] as const);
  const width = Math.min(38, Math.max(...rows.map(([syntax]) => syntax.length)));
  return rows.map(([syntax, text]) =>
    syntax.length > width ? `  ${syntax}\n  ${" ".repeat(width)}  ${text}` : `  ${syntax.padEnd(width)}  ${text}`
  );
}

function flagSyntax(name: string, flag: FlagSpec): string {
  if (flag.kind === "boolean") return `--${name}`;
  const placeholder = flag.valueName ??
    (flag.choices ? `<${flag.choices.join("|")}>` : {
      string: "<text>",
      path: "<path>",
      integer: "<n>",
      number: "<x>",
      duration: "<seconds>",
      list: "<a,b,…>",
    }[flag.kind]);
  return `--${name} ${placeholder}`;
}

function describe(flag: FlagSpec): string {
  const extras: string[] = [];
  if (flag.default !== undefined && flag.kind !== "boolean") {
    extras.push(`default: ${flag.kind === "duration" ? formatDuration(flag.default as number) : String(flag.default)}`);
  }
  if (flag.env) extras.push(`env: ${flag.env}`);
  return extras.length ? `${flag.description} (${extras.join("; ")})` : flag.description;
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
