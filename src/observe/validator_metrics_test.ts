import assert from "node:assert/strict";
import { ValidatorState } from "../state/mod.ts";
import type { StepReport } from "../validator/mod.ts";
import { chainOperation, failureReason, ValidatorMetrics } from "./validator_metrics.ts";

async function withState(fn: (state: ValidatorState) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-metrics-" });
  try {
    using state = await ValidatorState.open(dir, { netuid: 37 });
    await fn(state);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `name{labels} value` lines of a Prometheus text exposition, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const report = (step: number, uids: StepReport["uids"], subnet: number[]): StepReport => ({
  step,
  competition: 4,
  "current_block": 1000 + step,
  "sync_block": 1000,
  "block_hash": "0x00",
  seed: "1",
  tasks: [{ name: "T", weight: 1, samples: 2 }],
  uids,
  "top_uid": uids[0]!.uid,
  "competition_weights": subnet,
  "subnet_weights": subnet,
  "kept_uids": [],
  durations: { data: 0, scoring: {}, total: 1 },
  "data_cached": false,
});

const row = (uid: number, score: number | null, error?: string): StepReport["uids"][number] => ({
  uid,
  hotkey: `hk${uid}`,
  model: `m/${uid}@c`,
  "commit_block": 1,
  score,
  "task_scores": { T: score },
  "raw_task_scores": { T: score },
  wins: 0,
  "win_rate": score === null ? 0 : 0.5,
  "step_weight": 0,
  ...(error === undefined ? {} : { error }),
});

Deno.test("failureReason() maps a step's errors to a fixed set; chainOperation() takes the variable parts out", () => {
  assert.equal(failureReason("no model tracked"), "no_model");
  assert.equal(failureReason("the model is for competition 3"), "other_competition");
  assert.equal(failureReason("the model is not in the local cache"), "not_cached");
  assert.equal(failureReason("Scoring timed out after 720000 ms"), "timeout");
  assert.equal(failureReason("Vocabulary mismatch: sample 3 has token id 100257"), "vocabulary_mismatch");
  assert.equal(failureReason(undefined), "infinite_loss");
  assert.equal(failureReason("Something else entirely"), "model_error");
  assert.equal(chainOperation("read the hash of block 123456"), "read the hash of block N");
  assert.equal(
    chainOperation("read the header of 0xdeadbeef00"),
    "read the header of 0x…",
  );
  assert.equal(
    chainOperation('read the commitment of "5CewNWMmzkHdAQyntX2hCSDohEsjk5gGP9PzQw3XHafXeUJf" on subnet 37'),
    "read the commitment of … on subnet N",
  );
});

Deno.test("ValidatorMetrics: steps, models by reason, per-uid scores and weights of the last step only, weights, fetches, scoring, chain calls, memory", () =>
  withState(async (state) => {
    const metrics = new ValidatorMetrics({ state, maxOperations: 2 });
    const o = metrics.observer;
    o.onMetagraph?.({
      block: 1,
      blockHash: "0x",
      neurons: Array.from({ length: 4 }, (_, uid) => ({ uid, hotkey: `hk${uid}`, stake: 0, validatorPermit: false })),
      commitments: [],
    });
    const first = report(1, [row(1, 2.5), row(2, null, "no model tracked"), row(3, null, "Vocabulary mismatch: x")], [
      0,
      1,
      0,
      0,
    ]);
    o.onStep?.({ outcome: "ran", seconds: 12, report: first, weights: new Float32Array([0, 1, 0, 0]) });
    o.onStep?.({ outcome: "failed", seconds: 3, error: "the chain is down" });
    o.onStep?.({ outcome: "no-data", seconds: 1, competitionId: 4, syncBlock: 1000 });
    // The second step evaluates uids 1 and 9 (9 is beyond the metagraph: never a label).
    o.onStep?.({
      outcome: "ran",
      seconds: 30,
      report: report(2, [row(1, 2.0), row(9, 1.0)], [0, 0.7, 0, 0.3]),
      weights: new Float32Array(),
    });
    o.onWeights?.({ success: true, block: 1010, uids: [1] });
    o.onWeights?.({ success: false, reason: "rate limited", retryable: true });
    o.onModelFetch?.({ uid: 1, repo: "m/1", outcome: "downloaded", receivedBytes: 1000, seconds: 1 });
    o.onModelFetch?.({
      uid: 2,
      repo: "m/2",
      outcome: "failed",
      receivedBytes: 0,
      seconds: 1,
      reason: "repo_not_found",
    });
    o.onModelScore?.({ uid: 1, device: "cpu", tokensPerSecond: 5000, seconds: 20, failed: false });
    o.onHead?.({ block: 1030, hash: "0x" });
    state.recordReceipt({ success: true, block: 1010 });
    state.addPending(4, 7);
    state.commitStep({
      competitionId: 4,
      syncBlock: 1000,
      ema: new Float32Array([0, 0.6, 0, 0.4]),
      activeCompetitions: [4],
      results: [],
      kept: [1, 3],
      report: { step: 99 },
    });
    state.addPending(4, 2);
    metrics.onChainCall({ what: "read the hash of block 12", seconds: 0.02 });
    metrics.onChainCall({ what: "read the hash of block 13", seconds: 0.03, error: "timeout" });
    metrics.onChainCall({ what: "read the best block", seconds: 0.01 });
    metrics.onChainCall({ what: "read something new", seconds: 0.01 });

    const started = performance.now();
    const text = await metrics.metrics();
    const ms = performance.now() - started;
    assert.ok(ms < 500, `scrape took ${ms} ms`);
    const s = samples(text);
    const get = (series: string) => {
      assert.ok(s.has(series), `missing ${series} in\n${text}`);
      return s.get(series);
    };
    assert.equal(get('subvalid_steps_total{outcome="ran"}'), 2);
    assert.equal(get('subvalid_steps_total{outcome="failed"}'), 1);
    assert.equal(get('subvalid_steps_total{outcome="no_data"}'), 1);
    assert.equal(get('subvalid_steps_total{outcome="idle"}'), 0);
    assert.equal(get('subvalid_step_duration_seconds_sum{outcome="ran"}'), 42);
    assert.equal(get('subvalid_step_duration_seconds_bucket{le="15",outcome="ran"}'), 1);
    assert.equal(get("subvalid_last_step"), 2);
    assert.equal(get('subvalid_models_evaluated_total{competition="4",outcome="scored",reason=""}'), 3);
    assert.equal(get('subvalid_models_evaluated_total{competition="4",outcome="failed",reason="no_model"}'), 1);
    assert.equal(
      get('subvalid_models_evaluated_total{competition="4",outcome="failed",reason="vocabulary_mismatch"}'),
      1,
    );
    // Per-uid gauges hold the last step only, within the metagraph.
    assert.equal(get('subvalid_uid_score{competition="4",uid="1"}'), 2);
    assert.equal(s.has('subvalid_uid_score{competition="4",uid="2"}'), false, "uid 2 was not in the last step");
    assert.equal(s.has('subvalid_uid_score{competition="4",uid="9"}'), false, "uid 9 is beyond the metagraph");
    assert.equal(get('subvalid_uid_weight{uid="3"}'), 0.3);
    assert.equal(s.has('subvalid_uid_weight{uid="2"}'), false);
    assert.equal(get('subvalid_weights_set_total{outcome="success"}'), 1);
    assert.equal(get('subvalid_weights_set_total{outcome="failure"}'), 1);
    assert.equal(get("subvalid_weights_last_set_block"), 1010);
    assert.equal(get("subvalid_weights_blocks_since_last_set"), 20);
    assert.equal(get("subvalid_chain_head_block"), 1030);
    assert.equal(get('subvalid_queue_size{competition="4",queue="current"}'), 2);
    assert.equal(get('subvalid_queue_size{competition="4",queue="pending"}'), 2, "uids 7 and 2");
    assert.ok(Math.abs(get('subvalid_moving_average_weight{competition="4",uid="1"}')! - 0.6) < 1e-6);
    assert.equal(get('subvalid_model_fetches_total{outcome="downloaded"}'), 1);
    assert.equal(get("subvalid_download_bytes_total"), 1000);
    assert.equal(get('subvalid_download_errors_total{reason="repo_not_found"}'), 1);
    assert.equal(get('subvalid_scoring_tokens_per_second{device="cpu"}'), 5000);
    assert.equal(get('subvalid_scoring_duration_seconds_count{device="cpu"}'), 1);
    // Two operations kept apart (maxOperations 2); the third and fourth are "other".
    assert.equal(get('subvalid_chain_rpc_duration_seconds_count{operation="read the hash of block N"}'), 2);
    assert.equal(
      get('subvalid_chain_rpc_errors_total{operation="read the hash of block N",kind="timeout"}'),
      1,
    );
    assert.equal(get('subvalid_chain_rpc_duration_seconds_count{operation="read the best block"}'), 1);
    assert.equal(get('subvalid_chain_rpc_duration_seconds_count{operation="other"}'), 1);
    assert.ok(get("process_resident_memory_bytes")! > 1e6);
    assert.ok(get('subvalid_process_heap_bytes{kind="used"}')! > 0);
    assert.match(text, /subvalid_build_info\{version="\d+\.\d+\.\d+"\} 1/);
    assert.equal(metrics.contentType.startsWith("text/plain"), true);
  }));

Deno.test("ValidatorMetrics: the consensus gauges, and what a restarted validator finds in its state", () =>
  withState(async (state) => {
    state.commitStep({
      competitionId: 4,
      syncBlock: 1000,
      ema: new Float32Array([0, 1]),
      activeCompetitions: [4],
      results: [],
      kept: [],
      report: report(5, [row(1, 1.5)], [0, 1]),
    });
    const metrics = new ValidatorMetrics({ state });
    let s = samples(await metrics.metrics());
    assert.equal(s.get("subvalid_last_step"), 5, "the last step in the state");
    assert.equal(s.get('subvalid_uid_score{competition="4",uid="1"}'), 1.5);
    assert.ok(Number.isNaN(s.get("subvalid_consensus_agreeing_stake_ratio")), "no consensus check yet: NaN, not 0");
    assert.ok(Number.isNaN(s.get("subvalid_weights_last_set_block")), "never set");
    metrics.observer.onConsensus?.({
      ourUid: 0,
      source: "chain",
      ourTopUid: 1,
      validators: [
        {
          uid: 0,
          hotkey: "a",
          stake: 1,
          stakeShare: 0,
          hasWeights: true,
          cosine: 1,
          topUid: 1,
          agreesOnTop: true,
          self: true,
        },
        {
          uid: 2,
          hotkey: "b",
          stake: 3,
          stakeShare: 0.75,
          hasWeights: true,
          cosine: 0.2,
          topUid: 5,
          agreesOnTop: false,
          self: false,
        },
        {
          uid: 3,
          hotkey: "c",
          stake: 1,
          stakeShare: 0.25,
          hasWeights: true,
          cosine: 0.9,
          topUid: 1,
          agreesOnTop: true,
          self: false,
        },
      ],
      comparedValidators: 2,
      agreeingStakeShare: 0.25,
      majorityTopUid: 5,
      majorityStakeShare: 0.75,
      consensusCosine: 0.4,
      disagreesWithMajority: true,
      block: 10,
      at: 0,
      streak: 2,
    });
    s = samples(await metrics.metrics());
    assert.equal(s.get("subvalid_consensus_agreeing_stake_ratio"), 0.25);
    assert.equal(s.get("subvalid_consensus_cosine"), 0.4);
    assert.equal(s.get("subvalid_consensus_compared_validators"), 2);
    assert.equal(s.get("subvalid_consensus_disagreement_streak"), 2);
    assert.equal(s.get('subvalid_consensus_top_uid{whose="ours"}'), 1);
    assert.equal(s.get('subvalid_consensus_top_uid{whose="majority"}'), 5);
    assert.equal(s.get('subvalid_consensus_validator_cosine{validator_uid="2"}'), 0.2);
    assert.equal(s.get('subvalid_consensus_validator_agrees{validator_uid="2"}'), 0);
    assert.equal(s.get('subvalid_consensus_validator_agrees{validator_uid="3"}'), 1);
    assert.equal(s.has('subvalid_consensus_validator_cosine{validator_uid="0"}'), false, "not ourselves");
  }));
