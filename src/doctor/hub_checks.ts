/**
 * Doctor checks of the hub stage: where the model cache is and whether the scoring cache shares its
 * filesystem (hard links need it), whether the disk can take the largest model a competition allows,
 * and whether the hub answers within a deadline.
 *
 * @module
 */
import { dirname } from "node:path";
import type { Config } from "../config/mod.ts";
import { findDenial } from "../errors/mod.ts";
import { describeNetworkError } from "../util/mod.ts";
import { type DoctorCheck, result } from "./check.ts";
import { COMPETITIONS } from "../eval/competitions.ts";
import { formatAmount } from "../log/mod.ts";
import { freeDiskBytes } from "../hub/free_disk.ts";
import { HubClient } from "../hub/hub_client.ts";

/** How long the hub may take to answer the doctor. */
export const HUB_PING_TIMEOUT_MS = 5000;

/** The nearest existing folder of `path`, or `undefined` when the walk up leaves what this task may read. */
async function nearestExisting(path: string): Promise<{ path: string; stat: Deno.FileInfo } | undefined> {
  for (let dir = path;; dir = dirname(dir)) {
    try {
      return { path: dir, stat: await Deno.stat(dir) };
    } catch (error) {
      if (findDenial(error) !== undefined && dir !== path) return undefined;
      if (!(error instanceof Deno.errors.NotFound) || dirname(dir) === dir) throw error;
    }
  }
}

/** The model cache location, and the scoring cache. */
export const modelCacheCheck: DoctorCheck = {
  name: "model cache",
  async run(config: Config) {
    const { modelDir, cacheDir } = config.validator;
    const models = await nearestExisting(modelDir);
    if (models?.path === modelDir && !models.stat.isDirectory) {
      return result(
        "model cache",
        "fail",
        `"${modelDir}" is not a directory`,
        "Point --validator.model_dir at a directory",
      );
    }
    const lines = [
      result(
        "model cache",
        "ok",
        models?.path === modelDir ? `"${modelDir}"` : `"${modelDir}" (will be created)`,
      ),
    ];
    const scoring = await nearestExisting(cacheDir) ?? { path: "", stat: { isDirectory: true } };
    lines.push(
      scoring.stat.isDirectory
        ? result("scoring cache", "ok", scoring.path === cacheDir ? `"${cacheDir}"` : `"${cacheDir}" (will be created)`)
        : result(
          "scoring cache",
          "fail",
          `"${scoring.path}" is not a directory`,
          "Point --validator.cache_dir at a directory",
        ),
    );
    return lines;
  },
};

/** Free space against the largest model a competition allows. */
export const modelDiskCheck: DoctorCheck = {
  name: "model disk",
  async run(config: Config) {
    let free: number;
    try {
      free = await freeDiskBytes(config.validator.modelDir);
    } catch (error) {
      if (findDenial(error) === undefined) throw error;
      return result(
        "model disk",
        "warn",
        `free space unknown: "${config.validator.modelDir}" does not exist yet`,
        "The first fetch creates it; run the doctor again then",
      );
    }
    const largest = Math.max(...[...COMPETITIONS.values()].filter((c) => c.id < 99).map((c) => c.maxBytes));
    const detail = `${formatAmount(free, "bytes")} free; the largest allowed model is ${
      formatAmount(largest, "bytes")
    }`;
    return free < largest + 1024 ** 3
      ? result(
        "model disk",
        "fail",
        detail,
        "Free disk space or run `deno task gc`; fetch checks space before downloading",
      )
      : free < 3 * largest
      ? result("model disk", "warn", detail, "A validator keeps several models; room for 3 or more is comfortable")
      : result("model disk", "ok", detail);
  },
};

/** The hub answers (skipped offline). */
export const hubCheck: DoctorCheck = {
  name: "hub",
  async run(config: Config, signal: AbortSignal) {
    if (config.hub.offline) return result("hub", "skip", "offline (HF_HUB_OFFLINE or --offline): cache only");
    const client = new HubClient({
      hubUrl: config.hub.url,
      token: config.hub.token,
      requestTimeoutMs: HUB_PING_TIMEOUT_MS,
    });
    const token = config.hub.token === undefined ? "no token" : "token set";
    try {
      const { status, ms } = await client.ping({ signal });
      if (status >= 200 && status < 300) {
        return result("hub", "ok", `${config.hub.url} answered in ${ms.toFixed(0)} ms (${token})`);
      }
      return result(
        "hub",
        status === 401 ? "fail" : "warn",
        `${config.hub.url} answered ${status} (${token})`,
        status === 401
          ? "HF_TOKEN is not accepted; fix or unset it"
          : "The hub may be degraded; fetches retry with backoff",
      );
    } catch (error) {
      if (findDenial(error) !== undefined) throw error;
      const network = describeNetworkError(error, config.hub.url);
      return result(
        "hub",
        "fail",
        `${config.hub.url} unreachable within ${HUB_PING_TIMEOUT_MS} ms: ${
          network?.reason ?? (error as Error).message
        }`,
        "Check the network or --hub.url / HF_ENDPOINT; the fetch permission set names the hosts it may reach",
      );
    }
  },
};

/** The hub stage's checks, in report order. */
export const HUB_CHECKS: readonly DoctorCheck[] = [modelCacheCheck, modelDiskCheck, hubCheck];
