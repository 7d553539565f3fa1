/**
 * What one run of a task reaches beyond its permission set: the files,
 * directories and hosts its configuration names. The launcher
 * (`tasks/launch.ts`) grants exactly these on top of the task's set.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { Config } from "./config.ts";

/** Paths and hosts one run needs, from its configuration. `undefined` entries are ignored. */
export interface TaskAccess {
  /** Files or directories read. */
  readonly read?: readonly (string | undefined)[];
  /** Files or directories written (and read). */
  readonly write?: readonly (string | undefined)[];
  /** Hosts reached, as `host` or `host:port`; granted only to sets that already reach the network. */
  readonly net?: readonly (string | undefined)[];
}

/** The two wallet files a signing task reads: the hotkey and `coldkeypub.txt` (never the coldkey). */
export function walletFiles(config: Pick<Config, "wallet">): string[] {
  const { path, name, hotkey } = config.wallet;
  return [join(path, name, "hotkeys", hotkey), join(path, name, "coldkeypub.txt")];
}

/** `host:port` of a URL (the scheme's default port when none is given), or `undefined` for a bad URL. */
export function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const port = parsed.port ||
      ({ "https:": "443", "wss:": "443", "http:": "80", "ws:": "80" } as Record<string, string>)[parsed.protocol];
    return port === undefined ? parsed.hostname : `${parsed.hostname}:${port}`;
  } catch {
    return undefined;
  }
}

/** The chain endpoint's host, unless `--offline`. */
export function chainHost(config: Pick<Config, "offline" | "subtensor">): string | undefined {
  return config.offline ? undefined : hostOf(config.subtensor.chainEndpoint);
}

/** The hub's host, unless offline (`--offline` or `HF_HUB_OFFLINE`). */
export function hubHost(config: Pick<Config, "hub">): string | undefined {
  return config.hub.offline ? undefined : hostOf(config.hub.url);
}

/** The datasets server's host, unless offline (the validator, `data` and `eval` draw pages from it). */
export function datasetsHost(config: Pick<Config, "hub">): string | undefined {
  return config.hub.offline ? undefined : hostOf(config.hub.datasetsUrl);
}

/**
 * The interface a server binds, as a host to grant (`--metrics.host`, `--status.host`): `undefined` for the
 * loopback names every set that listens already has.
 */
export function listenHost(hostname: string): string | undefined {
  return ["127.0.0.1", "localhost"].includes(hostname) ? undefined : hostname;
}

/**
 * A flag that names either a local directory or something else (a Hub repo id, as `--model` of
 * `deno task eval`): the directory's absolute path, resolved where the command was typed
 * (`$INIT_CWD`), when it exists; `undefined` otherwise.
 */
export function localDirectory(
  value: string | undefined,
  cwd = Deno.env.get("INIT_CWD") ?? Deno.cwd(),
): string | undefined {
  if (value === undefined) return undefined;
  const path = resolve(cwd, value);
  try {
    return Deno.statSync(path).isDirectory ? path : undefined;
  } catch {
    return undefined;
  }
}
