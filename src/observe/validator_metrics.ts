/**
 * The validator's Prometheus metrics, with `prom-client` (the only module
 * that imports it): an observer of the validator (steps, scores, fetches,
 * weights, heads, consensus), a listener of the chain client's calls, and
 * gauges read from the state at scrape time (queues, moving averages, the
 * last weights set). Every label is bounded: uids by the metagraph's size
 * (at most 256 on subtensor), reasons by fixed lists, chain operations by
 * their normalized description (numbers, hashes and addresses replaced) and
 * a cap on how many are kept apart. A value not known yet (no weights set,
 * no consensus check) is `NaN`, never a misleading 0.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { VERSION } from "../cli/version.ts";
import type { ValidatorState } from "../state/mod.ts";
import {
  type ConsensusRecord,
  recordedConsensus,
  recordedHead,
  recordedSnapshot,
  type StepEvent,
  type StepReport,
  type ValidatorObserver,
} from "../validator/mod.ts";

/** A chain call, as the chain client reports it (`ChainCallEvent`). */
export interface ChainCallInfo {
  readonly what: string;
  readonly seconds: number;
  readonly error?: string | undefined;
}

/** Options of {@linkcode ValidatorMetrics}. */
export interface ValidatorMetricsOptions {
  /** The validator's state, read at scrape time. */
  readonly state: ValidatorState;
  /** How many uids of each competition's moving average are exported (the largest). @default 10 */
  readonly topUids?: number | undefined;
  /** Distinct chain operations kept apart; the rest are `other`. @default 48 */
  readonly maxOperations?: number | undefined;
  /** Largest uid count any label takes (subtensor's maximum subnet size). @default 256 */
  readonly maxUids?: number | undefined;
}

/** Why a miner's model failed in a step, from the step report's error (a fixed set). */
export function failureReason(error: string | undefined): string {
  if (error === undefined) return "infinite_loss";
  const rules: [RegExp, string][] = [
    [/not in the metagraph/i, "not_in_metagraph"],
    [/no model tracked/i, "no_model"],
    [/is for competition/i, "other_competition"],
    [/not in the local cache/i, "not_cached"],
    [/timed? ?out|deadline|within \d+ ?ms/i, "timeout"],
    [/vocabulary mismatch/i, "vocabulary_mismatch"],
    [/out of memory|\boom\b|bad_alloc/i, "out_of_memory"],
    [/parameters|architecture|norm/i, "constraints"],
    [/losses for \d+ samples/i, "bad_result"],
    [/infinit|\bnan\b/i, "infinite_loss"],
  ];
  return rules.find(([pattern]) => pattern.test(error))?.[1] ?? "model_error";
}

/** A chain call's description with its variable parts replaced: a bounded label. */
export function chainOperation(what: string): string {
  return what
    .replace(/"[^"]*"/g, "…")
    .replace(/0x[0-9a-f]+/gi, "0x…")
    .replace(/\b5[1-9A-HJ-NP-Za-km-z]{46,47}\b/g, "<ss58>")
    .replace(/\b\d+\b/g, "N")
    .slice(0, 80);
}

const STEP_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 2400, 4500];
const RPC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SCORE_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 720];

/** The metrics of one validator process. */
export class ValidatorMetrics {
  /** Every metric, to serialize (`await registry.metrics()`) with `registry.contentType`. */
  readonly registry: Registry = new Registry();
  /** Pass as the validator's observer. */
  readonly observer: ValidatorObserver;
  readonly #state: ValidatorState;
  readonly #topUids: number;
  readonly #maxOperations: number;
  readonly #maxUids: number;
  readonly #operations = new Set<string>();
  #head: number | undefined;
  #size: number | undefined;

  constructor(options: ValidatorMetricsOptions) {
    this.#state = options.state;
    this.#topUids = options.topUids ?? 10;
    this.#maxOperations = options.maxOperations ?? 48;
    this.#maxUids = options.maxUids ?? 256;
    const registers = [this.registry];
    // deno-lint-ignore no-this-alias
    const self = this;

    new Gauge({
      name: "subvalid_build_info",
      help: "The subvalid version (always 1)",
      labelNames: ["version"],
      registers,
    })
      .set({ version: VERSION }, 1);

    // ---- steps ----
    const stepDuration = new Histogram({
      name: "subvalid_step_duration_seconds",
      help: "Duration of each step attempt, by how it ended (ran, idle, no_data, failed)",
      labelNames: ["outcome"],
      buckets: STEP_BUCKETS,
      registers,
    });
    const steps = new Counter({
      name: "subvalid_steps_total",
      help: "Step attempts, by how they ended (ran: recorded; idle: nothing queued; no_data; failed: abandoned)",
      labelNames: ["outcome"],
      registers,
    });
    const lastStep = new Gauge({ name: "subvalid_last_step", help: "Number of the last recorded step", registers });
    const lastStepTime = new Gauge({
      name: "subvalid_last_step_timestamp_seconds",
      help: "When the last step was recorded (Unix time)",
      registers,
    });
    const evaluated = new Counter({
      name: "subvalid_models_evaluated_total",
      help: "Models evaluated in steps, by competition, outcome (scored or failed) and failure reason",
      labelNames: ["competition", "outcome", "reason"],
      registers,
    });
    const uidScore = new Gauge({
      name: "subvalid_uid_score",
      help: "Each uid's combined score (loss, lower is better; +Inf when it failed) in the last step",
      labelNames: ["competition", "uid"],
      registers,
    });
    const uidWinRate = new Gauge({
      name: "subvalid_uid_win_rate",
      help: "Each uid's win rate in the last step",
      labelNames: ["competition", "uid"],
      registers,
    });
    const uidWeight = new Gauge({
      name: "subvalid_uid_weight",
      help: "The subnet weight of each uid after the last step (evaluated or non-zero uids)",
      labelNames: ["uid"],
      registers,
    });
    for (const outcome of ["ran", "idle", "no_data", "failed"]) steps.inc({ outcome }, 0);

    // ---- models: fetches, downloads, scoring ----
    const fetches = new Counter({
      name: "subvalid_model_fetches_total",
      help: "Model fetches by the updater, by outcome (downloaded, cached, failed)",
      labelNames: ["outcome"],
      registers,
    });
    const downloadBytes = new Counter({
      name: "subvalid_download_bytes_total",
      help: "Bytes of model files received from the hub",
      registers,
    });
    const downloadErrors = new Counter({
      name: "subvalid_download_errors_total",
      help: "Failed model fetches, by reason (repo_not_found, too_large, hash_mismatch, …; validator: our own side)",
      labelNames: ["reason"],
      registers,
    });
    const tokensPerSecond = new Gauge({
      name: "subvalid_scoring_tokens_per_second",
      help: "Tokens per second of the last model scored on each device",
      labelNames: ["device"],
      registers,
    });
    const scoringSeconds = new Histogram({
      name: "subvalid_scoring_duration_seconds",
      help: "Wall time of scoring one model, by device",
      labelNames: ["device"],
      buckets: SCORE_BUCKETS,
      registers,
    });

    // ---- weights ----
    const weightsSet = new Counter({
      name: "subvalid_weights_set_total",
      help: "Weight-setting attempts, by outcome (success, failure)",
      labelNames: ["outcome"],
      registers,
    });
    for (const outcome of ["success", "failure"]) weightsSet.inc({ outcome }, 0);
    new Gauge({
      name: "subvalid_weights_last_set_block",
      help: "Block in which our weights were last set (from the state's receipts)",
      registers,
      collect() {
        const last = self.#lastWeights();
        if (last?.block === undefined) this.set(NaN);
        else this.set(last.block);
      },
    });
    new Gauge({
      name: "subvalid_weights_last_set_timestamp_seconds",
      help: "When our weights were last set (Unix time)",
      registers,
      collect() {
        const last = self.#lastWeights();
        if (last === undefined) this.set(NaN);
        else this.set(last.at / 1000);
      },
    });
    new Gauge({
      name: "subvalid_weights_blocks_since_last_set",
      help: "Blocks between the chain head and the block our weights were last set in",
      registers,
      collect() {
        const last = self.#lastWeights();
        const head = self.#headBlock();
        if (last?.block === undefined || head === undefined) this.set(NaN);
        else this.set(Math.max(0, head - last.block));
      },
    });

    // ---- state at scrape time ----
    new Gauge({
      name: "subvalid_queue_size",
      help: "uids queued per competition: current (kept for the next step) and pending (new or changed models)",
      labelNames: ["competition", "queue"],
      registers,
      collect() {
        this.reset();
        const queues = self.#state.queues();
        for (const [kind, map] of [["current", queues.current], ["pending", queues.pending]] as const) {
          for (const [competition, uids] of map) this.set({ competition: String(competition), queue: kind }, uids.size);
        }
      },
    });
    new Gauge({
      name: "subvalid_moving_average_weight",
      help: "The moving average of each competition's weights, for its top uids",
      labelNames: ["competition", "uid"],
      registers,
      collect() {
        this.reset();
        for (const [competition, weights] of self.#state.averages()) {
          const top = [...weights.entries()]
            .filter(([uid, w]) => w > 0 && uid < self.#maxUids)
            .sort((a, b) => b[1] - a[1] || a[0] - b[0])
            .slice(0, self.#topUids);
          for (const [uid, w] of top) this.set({ competition: String(competition), uid: String(uid) }, w);
        }
      },
    });

    // ---- chain ----
    new Gauge({
      name: "subvalid_chain_head_block",
      help: "The chain's best block as the validator last read it",
      registers,
      collect() {
        const block = self.#headBlock();
        if (block === undefined) this.set(NaN);
        else this.set(block);
      },
    });
    const rpcSeconds = new Histogram({
      name: "subvalid_chain_rpc_duration_seconds",
      help: "Duration of chain calls (every RPC the validator makes, reader and weight setter), by operation",
      labelNames: ["operation"],
      buckets: RPC_BUCKETS,
      registers,
    });
    const rpcErrors = new Counter({
      name: "subvalid_chain_rpc_errors_total",
      help: "Failed chain calls, by operation and kind (timeout, connection, error)",
      labelNames: ["operation", "kind"],
      registers,
    });
    this.#rpc = { seconds: rpcSeconds, errors: rpcErrors };

    // ---- consensus ----
    const consensus = {
      agreeing: new Gauge({
        name: "subvalid_consensus_agreeing_stake_ratio",
        help: "Share (0..1) of the other permitted validators' stake whose top uid is ours",
        registers,
      }),
      cosine: new Gauge({
        name: "subvalid_consensus_cosine",
        help: "Cosine similarity of our weights with the other validators' stake-weighted mean weights",
        registers,
      }),
      validatorCosine: new Gauge({
        name: "subvalid_consensus_validator_cosine",
        help: "Cosine similarity of our weights with each permitted validator's",
        labelNames: ["validator_uid"],
        registers,
      }),
      validatorAgrees: new Gauge({
        name: "subvalid_consensus_validator_agrees",
        help: "1 when a permitted validator's top uid is ours, else 0",
        labelNames: ["validator_uid"],
        registers,
      }),
      compared: new Gauge({
        name: "subvalid_consensus_compared_validators",
        help: "Permitted validators other than us that have set weights",
        registers,
      }),
      topUid: new Gauge({
        name: "subvalid_consensus_top_uid",
        help: "The top uid of our weights (whose=ours) and of the stake-weighted majority (whose=majority)",
        labelNames: ["whose"],
        registers,
      }),
      streak: new Gauge({
        name: "subvalid_consensus_disagreement_streak",
        help: "Consensus checks in a row in which our top uid differed from the stake-weighted majority's",
        registers,
      }),
    };

    // ---- process ----
    new Gauge({
      name: "process_resident_memory_bytes",
      help: "Resident memory size in bytes",
      registers,
      collect() {
        this.set(Deno.memoryUsage().rss);
      },
    });
    new Gauge({
      name: "subvalid_process_heap_bytes",
      help: "V8 heap and external memory in bytes, by kind (used, total, external)",
      labelNames: ["kind"],
      registers,
      collect() {
        const memory = Deno.memoryUsage();
        this.set({ kind: "used" }, memory.heapUsed);
        this.set({ kind: "total" }, memory.heapTotal);
        this.set({ kind: "external" }, memory.external);
      },
    });
    new Gauge({ name: "process_start_time_seconds", help: "Start time of the process (Unix time)", registers })
      .set(Math.round((Date.now() - performance.now()) / 1000));

    for (const gauge of [consensus.agreeing, consensus.cosine, consensus.compared, consensus.streak]) gauge.set(NaN);
    const showConsensus = (record: ConsensusRecord) => {
      const set = (gauge: Gauge, value: number | null) => gauge.set(value ?? NaN);
      set(consensus.agreeing, record.agreeingStakeShare);
      set(consensus.cosine, record.consensusCosine);
      consensus.compared.set(record.comparedValidators);
      consensus.streak.set(record.streak);
      consensus.topUid.reset();
      if (record.ourTopUid !== null) consensus.topUid.set({ whose: "ours" }, record.ourTopUid);
      if (record.majorityTopUid !== null) consensus.topUid.set({ whose: "majority" }, record.majorityTopUid);
      consensus.validatorCosine.reset();
      consensus.validatorAgrees.reset();
      for (const v of record.validators.slice(0, this.#maxUids)) {
        if (v.self || !v.hasWeights) continue;
        const labels = { "validator_uid": String(v.uid) };
        if (v.cosine !== null) consensus.validatorCosine.set(labels, v.cosine);
        if (v.agreesOnTop !== null) consensus.validatorAgrees.set(labels, v.agreesOnTop ? 1 : 0);
      }
    };
    const showStep = (report: StepReport) => {
      const competition = String(report.competition);
      lastStep.set(report.step);
      uidScore.reset();
      uidWinRate.reset();
      uidWeight.reset();
      const limit = Math.min(this.#maxUids, this.#size ?? this.#maxUids);
      for (const row of report.uids) {
        if (row.uid >= limit) continue;
        const labels = { competition, uid: String(row.uid) };
        uidScore.set(labels, row.score ?? Infinity);
        uidWinRate.set(labels, row.win_rate);
      }
      const shown = new Set(report.uids.map((r) => r.uid));
      report.subnet_weights.forEach((w, uid) => {
        if (uid < limit && (w > 0 || shown.has(uid))) uidWeight.set({ uid: String(uid) }, w);
      });
    };

    // What a restart already knows: the last step and consensus in the state.
    const last = this.#state.report() as StepReport | undefined;
    this.#size = recordedSnapshot(this.#state)?.neurons.length;
    if (last !== undefined) showStep(last);
    const recorded = recordedConsensus(this.#state);
    if (recorded !== undefined) showConsensus(recorded);

    this.observer = {
      onStep: (event: StepEvent) => {
        const outcome = event.outcome.replace("-", "_");
        steps.inc({ outcome });
        stepDuration.observe({ outcome }, event.seconds);
        if (event.outcome !== "ran") return;
        const { report } = event;
        lastStepTime.set(Date.now() / 1000);
        for (const row of report.uids) {
          const failed = row.score === null;
          evaluated.inc({
            competition: String(report.competition),
            outcome: failed ? "failed" : "scored",
            reason: failed ? failureReason(row.error) : "",
          });
        }
        showStep(report);
      },
      onWeights: (outcome) => weightsSet.inc({ outcome: outcome.success ? "success" : "failure" }),
      onHead: (h) => {
        this.#head = h.block;
      },
      onMetagraph: (view) => {
        this.#size = view.neurons.reduce((n, neuron) => Math.max(n, neuron.uid + 1), 0);
      },
      onModelFetch: (event) => {
        fetches.inc({ outcome: event.outcome });
        if (event.receivedBytes > 0) downloadBytes.inc(event.receivedBytes);
        if (event.outcome === "failed") downloadErrors.inc({ reason: event.reason ?? "validator" });
      },
      onModelScore: (event) => {
        const device = event.device.slice(0, 32);
        scoringSeconds.observe({ device }, event.seconds);
        if (!event.failed && event.tokensPerSecond > 0) tokensPerSecond.set({ device }, event.tokensPerSecond);
      },
      onConsensus: showConsensus,
    };
  }

  readonly #rpc: { seconds: Histogram; errors: Counter };

  /** Pass as the chain client's `onCall`. */
  readonly onChainCall = (event: ChainCallInfo): void => {
    let operation = chainOperation(event.what);
    if (!this.#operations.has(operation)) {
      if (this.#operations.size >= this.#maxOperations) operation = "other";
      else this.#operations.add(operation);
    }
    this.#rpc.seconds.observe({ operation }, event.seconds);
    if (event.error !== undefined) this.#rpc.errors.inc({ operation, kind: event.error });
  };

  /** The Prometheus text exposition of every metric. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@linkcode metrics}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  #lastWeights(): { at: number; block: number | undefined } | undefined {
    return this.#state.lastWeightsSet();
  }

  #headBlock(): number | undefined {
    return this.#head ?? recordedHead(this.#state)?.block;
  }
}
