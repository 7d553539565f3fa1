/**
 * What the status page shows, read from the validator's state in one go:
 * health (last step, last weights set and its block, the chain head, recent
 * errors), the current competition's leaderboard, each top miner's score and
 * weight over the last steps, the recent step reports for the drill-down,
 * and the last consensus check. Plain JSON (`deno task status --json` prints
 * it; the page embeds the plot series).
 *
 * @module
 */
import type { ValidatorState } from "../state/mod.ts";
import {
  type ConsensusRecord,
  recordedConsensus,
  type RecordedHead,
  recordedHead,
  recordedSnapshot,
  type StepReport,
} from "../validator/mod.ts";

/** One row of the leaderboard: a uid's latest evaluation in the competition. */
export interface LeaderboardRow {
  readonly uid: number;
  readonly hotkey: string | null;
  /** `namespace/name@commit`, or null. */
  readonly model: string | null;
  /** The model's page on the hub at its commit, or null. */
  readonly modelUrl: string | null;
  /** Each task's score (mean loss), null for infinity. */
  readonly taskScores: Readonly<Record<string, number | null>>;
  /** The combined score, null for infinity. */
  readonly score: number | null;
  readonly winRate: number;
  /** The competition's moving average for the uid. */
  readonly weight: number;
  /** The subnet weight after the last step (threshold applied). */
  readonly subnetWeight: number;
  /** The step the row comes from. */
  readonly step: number;
  readonly error: string | null;
}

/** A miner's series over the last steps (null where it was not evaluated). */
export interface MinerSeries {
  readonly uid: number;
  readonly label: string;
  readonly scores: readonly (number | null)[];
  readonly weights: readonly (number | null)[];
}

/** The status page's data. */
export interface StatusData {
  /** ms since the Unix epoch. */
  readonly generatedAt: number;
  /** Served by the running validator (else from a state directory). */
  readonly live: boolean;
  readonly stateDir: string;
  readonly netuid: number | null;
  readonly health: {
    readonly steps: number;
    readonly lastStep: {
      readonly step: number;
      readonly at: number;
      readonly competition: number;
      readonly block: number;
      readonly syncBlock: number;
      readonly seconds: number;
      readonly uids: number;
      readonly topUid: number;
    } | null;
    /** The last weight-setting attempt. */
    readonly lastWeightsAttempt: {
      readonly at: number;
      readonly success: boolean;
      readonly block: number | null;
      readonly reason: string | null;
    } | null;
    /** The last successful one. */
    readonly lastWeightsSet: { readonly at: number; readonly block: number | null } | null;
    readonly head: RecordedHead | null;
    readonly blocksSinceWeights: number | null;
    readonly neurons: number | null;
    readonly errors: readonly { readonly at: number; readonly source: string; readonly message: string }[];
  };
  /** The competition of the last step. */
  readonly competition: number | null;
  /** Task names of the competition's last step. */
  readonly tasks: readonly string[];
  readonly leaderboard: readonly LeaderboardRow[];
  /** Top miners' score and weight per step (x: step numbers). */
  readonly series: {
    readonly steps: readonly number[];
    readonly blocks: readonly number[];
    readonly miners: readonly MinerSeries[];
  };
  /** The recent step reports, newest first, with when each was recorded. */
  readonly reports: readonly { readonly at: number; readonly report: StepReport }[];
  readonly consensus: ConsensusRecord | null;
  readonly hubUrl: string;
}

/** Options of {@linkcode readStatusData}. */
export interface ReadStatusDataOptions {
  /** Link models to this hub. @default "https://huggingface.co" */
  readonly hubUrl?: string | undefined;
  /** Step reports read for the leaderboard and the plots. @default 60 */
  readonly steps?: number | undefined;
  /** Step reports kept for the drill-down. @default 20 */
  readonly drillDown?: number | undefined;
  /** Miners plotted. @default 6 */
  readonly topMiners?: number | undefined;
  /** Served by the running validator. @default false */
  readonly live?: boolean | undefined;
  /** The head as the running validator last read it (fresher than the recorded one). */
  readonly head?: RecordedHead | undefined;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** The hub page of `namespace/name@commit`. */
export function modelUrl(model: string | null, hubUrl: string): string | null {
  const match = model?.match(/^([^/@\s]+)\/([^/@\s]+)@([0-9A-Za-z._-]+)$/);
  if (!match) return null;
  const [, namespace, name, commit] = match;
  return `${hubUrl.replace(/\/+$/, "")}/${encodeURIComponent(namespace!)}/${encodeURIComponent(name!)}/tree/${
    encodeURIComponent(commit!)
  }`;
}

/** Lower scores first, infinity (null) last. */
const byScore = (a: number | null, b: number | null) => a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;

/** Reads everything the status page shows from a state. */
export function readStatusData(state: ValidatorState, options: ReadStatusDataOptions = {}): StatusData {
  const hubUrl = options.hubUrl ?? "https://huggingface.co";
  const entries = state.reportEntries(options.steps ?? 60).map((e) => ({
    at: e.at,
    report: e.report as unknown as StepReport,
  }));
  const last = entries.at(-1);
  const competition = last?.report.competition ?? null;
  const snapshot = recordedSnapshot(state);
  const hotkeys = new Map(snapshot?.neurons.map((n) => [n.uid, n.hotkey]) ?? []);
  const head = options.head ?? recordedHead(state) ?? null;

  // The leaderboard: each uid's latest row in the competition, still registered with the same hotkey.
  const ofCompetition = entries.filter((e) => e.report.competition === competition);
  const latest = new Map<number, { step: number; row: StepReport["uids"][number] }>();
  for (const { report } of ofCompetition) {
    for (const row of report.uids) latest.set(row.uid, { step: report.step, row });
  }
  const average = competition === null ? undefined : state.averages().get(competition);
  const lastReport = last?.report;
  const leaderboard: LeaderboardRow[] = [...latest.values()]
    .filter(({ row }) => snapshot === undefined || row.hotkey === undefined || hotkeys.get(row.uid) === row.hotkey)
    .map(({ step, row }) => ({
      uid: row.uid,
      hotkey: row.hotkey ?? hotkeys.get(row.uid) ?? null,
      model: row.model,
      modelUrl: modelUrl(row.model, hubUrl),
      taskScores: row.task_scores,
      score: row.score,
      winRate: row.win_rate,
      weight: average?.[row.uid] ?? lastReport?.competition_weights[row.uid] ?? 0,
      subnetWeight: lastReport?.subnet_weights[row.uid] ?? 0,
      step,
      error: row.error ?? null,
    }))
    .sort((a, b) => b.weight - a.weight || byScore(a.score, b.score) || a.uid - b.uid);

  // The plots: the top miners by weight (then score), over the competition's steps.
  const top = leaderboard.slice(0, options.topMiners ?? 6);
  const series = {
    steps: ofCompetition.map((e) => e.report.step),
    blocks: ofCompetition.map((e) => e.report.current_block),
    miners: top.map((m) => ({
      uid: m.uid,
      label: `uid ${m.uid}${m.model === null ? "" : ` ${m.model.replace(/@.*$/, "")}`}`,
      scores: ofCompetition.map((e) => e.report.uids.find((u) => u.uid === m.uid)?.score ?? null),
      weights: ofCompetition.map((e) => e.report.competition_weights[m.uid] ?? null),
    })),
  };

  const receipts = state.receipts(1);
  const attempt = receipts[0];
  const lastSet = state.lastWeightsSet();
  const reason = (receipt: unknown) => {
    const r = (receipt as { reason?: unknown } | null)?.reason;
    return typeof r === "string" ? r : null;
  };
  const netuid = state.meta("netuid");
  return {
    generatedAt: (options.now ?? Date.now)(),
    live: options.live ?? false,
    stateDir: state.dir,
    netuid: netuid === undefined ? null : Number(netuid),
    health: {
      steps: last === undefined ? 0 : last.report.step,
      lastStep: last === undefined ? null : {
        step: last.report.step,
        at: last.at,
        competition: last.report.competition,
        block: last.report.current_block,
        syncBlock: last.report.sync_block,
        seconds: last.report.durations.total,
        uids: last.report.uids.length,
        topUid: last.report.top_uid,
      },
      lastWeightsAttempt: attempt === undefined ? null : {
        at: attempt.at,
        success: attempt.success,
        block: attempt.block ?? null,
        reason: attempt.success ? null : reason(attempt.receipt),
      },
      lastWeightsSet: lastSet === undefined ? null : { at: lastSet.at, block: lastSet.block ?? null },
      head,
      blocksSinceWeights: head === null || lastSet?.block === undefined
        ? null
        : Math.max(0, head.block - lastSet.block),
      neurons: snapshot?.neurons.length ?? null,
      errors: state.errors(10),
    },
    competition,
    tasks: lastReport?.tasks.map((t) => t.name) ?? [],
    leaderboard,
    series,
    reports: entries.slice(-(options.drillDown ?? 20)).reverse(),
    consensus: recordedConsensus(state) ?? null,
    hubUrl,
  };
}
