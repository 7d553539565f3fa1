/**
 * `deno task validate --metrics.port 0 --status.port 0` under its permission
 * set, against the local chain and hub: both servers listen on 127.0.0.1 only,
 * /metrics has every family of the README's table once a step is recorded and
 * weights are set, uid labels stay within the metagraph, the status page is
 * served by the running validator, and SIGTERM stops it all cleanly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LOCAL_VALIDATOR, localSubnet, ROOT } from "./local_subnet.ts";

/** Every metric family the README documents. */
const FAMILIES = [
  "subvalid_build_info",
  "subvalid_step_duration_seconds",
  "subvalid_steps_total",
  "subvalid_last_step",
  "subvalid_last_step_timestamp_seconds",
  "subvalid_models_evaluated_total",
  "subvalid_uid_score",
  "subvalid_uid_win_rate",
  "subvalid_uid_weight",
  "subvalid_moving_average_weight",
  "subvalid_weights_set_total",
  "subvalid_weights_last_set_block",
  "subvalid_weights_last_set_timestamp_seconds",
  "subvalid_weights_blocks_since_last_set",
  "subvalid_queue_size",
  "subvalid_chain_head_block",
  "subvalid_chain_rpc_duration_seconds",
  "subvalid_chain_rpc_errors_total",
  "subvalid_model_fetches_total",
  "subvalid_download_bytes_total",
  "subvalid_download_errors_total",
  "subvalid_scoring_tokens_per_second",
  "subvalid_scoring_duration_seconds",
  "subvalid_consensus_agreeing_stake_ratio",
  "subvalid_consensus_cosine",
  "subvalid_consensus_validator_cosine",
  "subvalid_consensus_validator_agrees",
  "subvalid_consensus_compared_validators",
  "subvalid_consensus_top_uid",
  "subvalid_consensus_disagreement_streak",
  "process_resident_memory_bytes",
  "subvalid_process_heap_bytes",
  "process_start_time_seconds",
];

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

Deno.test("validate --metrics.port --status.port: Prometheus metrics and the status page of the running validator, on 127.0.0.1", async () => {
  await using s = await localSubnet({ models: { 1: "models/tiny-llama", 2: "safetensors/llama" } });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "--quiet",
      "--config",
      join(ROOT, "deno.json"),
      "validate",
      ...s.flags,
      ...LOCAL_VALIDATOR,
      "--metrics.port",
      "0",
      "--status.port",
      "0",
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let stderr = "";
  const reading = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  const deadline = Date.now() + 240_000;
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> => {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; stderr:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };
  try {
    const metricsUrl = await waitFor("the metrics URL", () => stderr.match(/Serving the metrics at (\S+)/)?.[1]);
    const statusUrl = await waitFor("the status URL", () => stderr.match(/Serving the status page at (\S+)/)?.[1]);
    assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.match(statusUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);

    // Scrape until a step is recorded and weights are set.
    let text = "";
    let scrapeMs = 0;
    await waitFor("a recorded step and weights set", async () => {
      const started = performance.now();
      const response = await fetch(metricsUrl);
      text = await response.text();
      scrapeMs = performance.now() - started;
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const got = samples(text);
      return (got.get('subvalid_steps_total{outcome="ran"}') ?? 0) >= 1 &&
          (got.get('subvalid_weights_set_total{outcome="success"}') ?? 0) >= 1
        ? true
        : undefined;
    });
    // deno-lint-ignore no-console
    console.log(`metrics scrape: ${scrapeMs.toFixed(1)} ms, ${text.length} bytes`);
    for (const family of FAMILIES) assert.match(text, new RegExp(`^# TYPE ${family} `, "m"), family);
    const got = samples(text);
    // The local subnet: uid 0 validates, uids 1..3 mine; no uid label goes beyond it.
    const uids = [...text.matchAll(/\buid="(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(uids.length > 0 && uids.every((uid) => uid < 4), `uids ${uids}`);
    // The first step scores what the updater queued by then: uid 1 or 2 or both.
    const scores = [...got].filter(([k]) => k.startsWith('subvalid_uid_score{competition="99",uid='));
    assert.ok(scores.length > 0 && scores.every(([, v]) => v > 0), JSON.stringify(scores));
    assert.ok(got.get("subvalid_chain_head_block")! > 0);
    assert.ok(got.get("subvalid_weights_last_set_block")! > 0);
    assert.ok((got.get('subvalid_model_fetches_total{outcome="downloaded"}') ?? 0) >= 1);
    assert.ok(got.get("subvalid_download_bytes_total")! > 0);
    assert.ok(got.get('subvalid_scoring_tokens_per_second{device="cpu"}')! > 0);
    assert.ok([...got.keys()].some((k) => k.startsWith("subvalid_chain_rpc_duration_seconds_count{operation=")));
    assert.equal(got.get("subvalid_consensus_compared_validators"), 0, "the only validator");
    assert.ok(got.get("process_resident_memory_bytes")! > 10e6);

    // The status page of the running validator.
    const page = await fetch(statusUrl);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.match(html, /Served by the running validator/);
    assert.match(html, /<table id="leaderboard">/);
    assert.match(html, /<tr data-uid="[12]">/);
    const data = await (await fetch(`${statusUrl}status.json`)).json();
    assert.equal(data.live, true);
    assert.ok(data.health.lastStep.step >= 1);
    assert.equal(data.consensus.ourUid, 0, "the validator knows its hotkey");
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    await reading;
    assert.equal(status.code, 0, stderr);
  }
  assert.match(stderr, /Validator stopped after \d+ recorded steps/);
});
