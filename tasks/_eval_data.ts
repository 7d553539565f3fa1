/**
 * What `validate`, `data` and `eval` share about the evaluation data: the schedule and sync blocks their flags
 * name, a block hash given on the command line, the competition chosen, and the data drawn (or read from the
 * cache) with the competition's tokenizer.
 *
 * @module
 */
import type { Config } from "../src/config/mod.ts";
import { ConfigError } from "../src/errors/mod.ts";
import {
  competitionAt,
  competitionsAt,
  type CompetitionSchedule,
  DEMO_SCHEDULE,
  type EvalDataFiles,
  prepareEvalData,
  type ScheduledCompetition,
  SN37_SCHEDULE,
} from "../src/eval/mod.ts";
import { loadCompetitionTokenizer } from "../src/hub/mod.ts";

/** The schedules `--validator.schedule` names. */
export const SCHEDULES: Readonly<Record<string, CompetitionSchedule>> = { sn37: SN37_SCHEDULE, local: DEMO_SCHEDULE };

/** The schedule flags' values. */
export interface ScheduleFlags {
  readonly "validator.schedule": string;
  readonly "validator.sync_genesis": number;
  readonly "validator.sync_cadence": number;
}

/** The schedule and the sync blocks the flags name. */
export function scheduleOf(flags: ScheduleFlags): {
  schedule: CompetitionSchedule;
  sync: { genesis: number; cadence: number };
} {
  return {
    schedule: SCHEDULES[flags["validator.schedule"]]!,
    sync: { genesis: flags["validator.sync_genesis"], cadence: flags["validator.sync_cadence"] },
  };
}

/** `--block-hash` as given, once checked: 0x and 64 hex digits. */
export function checkBlockHash(hash: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) {
    throw new ConfigError(`Bad --block-hash "${hash}": expected 0x and 64 hex digits`);
  }
  return hash;
}

/** `--competition` (or, without it, the first competition) scheduled at `block`. */
export function pickCompetition(
  id: number | undefined,
  block: number,
  schedule: CompetitionSchedule,
): ScheduledCompetition {
  const competition = id === undefined
    ? competitionsAt(block, { schedule })[0]
    : competitionAt(id, block, { schedule });
  if (competition === undefined) {
    throw new ConfigError(
      `Competition ${id} is not scheduled at block ${block}: scheduled are ${
        competitionsAt(block, { schedule }).map((c) => c.id).join(", ")
      }`,
    );
  }
  return competition;
}

/** The competition's data for a block hash or a seed, with its tokenizer, from the cache or drawn. */
export async function loadEvalData(
  competition: ScheduledCompetition,
  source: { blockHash: string; syncBlock?: number | undefined } | { seed: bigint },
  config: Pick<Config, "hub" | "validator">,
  signal: AbortSignal,
): Promise<EvalDataFiles> {
  const repo = competition.constraints.tokenizer;
  const tokenizer = repo === undefined ? undefined : await loadCompetitionTokenizer(repo, {
    modelDir: config.validator.modelDir,
    hubUrl: config.hub.url,
    token: config.hub.token,
    offline: config.hub.offline,
    signal,
  });
  return await prepareEvalData(competition, source, {
    cacheDir: config.validator.dataDir,
    encoder: tokenizer === undefined
      ? undefined
      : { key: `${tokenizer.repo}@${tokenizer.commit}`, encodeSample: (s) => tokenizer.encodeSample(s) },
    cacheOnly: config.hub.offline,
    baseUrl: config.hub.datasetsUrl,
    signal,
  });
}
