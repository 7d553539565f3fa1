/**
 * The evaluation-data draw against the local hub, compared field by field with an independent Python
 * re-implementation of the reference loaders (tests/fixtures/reference_loaders.py: real CPython
 * `random`, real `requests`, recorded sleeps) over the same hub and datasets: many block hashes, then
 * faults (429 with and without Retry-After, 500s, a step-aborting run of 500s, a /size failure, pages
 * past the end, short and empty pages, bodies that are not JSON or lack rows, broken connections,
 * timeouts, odd /size answers).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  competitionsAt,
  drawCompetitionData,
  type DrawOptions,
  pyLen,
  seedFromBlockHash,
  SUNSET_INSTRUCT_8B_BLOCK,
  type TaskData,
} from "../src/eval/mod.ts";
import { type FaultRule, type Hubsim, SN37_DATASET_REPOS, startHubsim, writeSn37Datasets } from "../src/hubsim/mod.ts";

const SCRIPT = fileURLToPath(new URL("./fixtures/reference_loaders.py", import.meta.url));
const SFT = SN37_DATASET_REPOS.synthetic1Sft;
const CF = SN37_DATASET_REPOS.codeforcesCots;
const COMPETITION = competitionsAt(SUNSET_INSTRUCT_8B_BLOCK)[0]!;
const TIMEOUT_S = 10;

interface Case {
  readonly id: string;
  readonly hash: string;
  readonly faults?: readonly FaultRule[];
  /** Request deadline in seconds for both sides. @default TIMEOUT_S */
  readonly timeout?: number;
}

interface PyTask {
  name: string;
  "size_status": number | string | null;
  configs: [string, string, number][];
  pages: [string, string, number, number][];
  requests: [string, string, number, number | string][];
  sleeps: number[];
  "buffer_length": number;
  samples: [string, string][];
  error: { kind: string; aborts_step: boolean } | null;
}
interface PyCase {
  id: string;
  seed: string;
  "step_aborted": boolean;
  tasks: PyTask[];
}

function hashOf(n: number): string {
  let h = "0x";
  for (let i = 0; i < 32; i++) h += ((n * 131 + i * 29 + ((n * i) % 7)) & 0xff).toString(16).padStart(2, "0");
  return h;
}

const sizeBody = (splits: [string, string, number][]) =>
  JSON.stringify({
    size: {
      dataset: {},
      configs: [],
      splits: splits.map(([config, split, n]) => ({ dataset: CF, config, split, num_rows: n })),
    },
    pending: [],
    failed: [],
    partial: false,
  });

const CASES: Case[] = [
  ...Array.from({ length: 24 }, (_, i) => ({ id: `plain-${i}`, hash: hashOf(i + 1) })),
  // Hashes whose codeforces page holds one of the five rows at the length limit (found by a scan).
  ...[229, 202, 224, 211, 250].map((n, kind) => ({ id: `long-row-${kind}`, hash: hashOf(n) })),
  {
    id: "429-then-new-page",
    hash: hashOf(101),
    faults: [{ type: "rate-limit", route: "rows", retryAfter: 2, times: 1 }],
  },
  {
    id: "429-no-retry-after",
    hash: hashOf(102),
    faults: [{ type: "rate-limit", route: "rows", retryAfter: null, times: 3 }],
  },
  { id: "500-then-new-page", hash: hashOf(103), faults: [{ type: "status", status: 500, route: "rows", times: 2 }] },
  {
    id: "500x10-aborts-step",
    hash: hashOf(104),
    faults: [{ type: "status", status: 500, route: "rows", repo: SFT, times: 10 }],
  },
  {
    id: "429x10-skips-dataset",
    hash: hashOf(105),
    faults: [{ type: "rate-limit", route: "rows", repo: CF, retryAfter: 0, times: 10 }],
  },
  { id: "size-500", hash: hashOf(106), faults: [{ type: "status", status: 500, route: "size", repo: SFT, times: 1 }] },
  {
    id: "size-not-json",
    hash: hashOf(107),
    faults: [{ type: "body", route: "size", repo: CF, body: "<html>busy</html>", times: 1 }],
  },
  {
    id: "offset-past-end",
    hash: hashOf(108),
    faults: [{ type: "body", route: "size", repo: CF, body: sizeBody([["solutions", "train", 40_000]]) }],
  },
  { id: "short-page", hash: hashOf(109), faults: [{ type: "rows", route: "rows", count: 7, times: 2 }] },
  { id: "empty-page", hash: hashOf(110), faults: [{ type: "rows", route: "rows", repo: CF, count: 0, times: 1 }] },
  { id: "page-not-json", hash: hashOf(111), faults: [{ type: "body", route: "rows", body: "<html>oops", times: 1 }] },
  {
    id: "page-not-json-x10",
    hash: hashOf(112),
    // Each round counts the unreadable page as loaded; the 16-page round reaches the 10th failure.
    faults: [{ type: "body", route: "rows", repo: SFT, body: "{" }],
  },
  {
    id: "page-without-rows",
    hash: hashOf(113),
    faults: [{ type: "body", route: "rows", repo: CF, body: '{"rows":[{"row_idx":0,"row":{"id":"x"}}]}', times: 1 }],
  },
  {
    id: "broken-first-request",
    hash: hashOf(114),
    faults: [{ type: "truncate", route: "rows", repo: CF, afterBytes: 10, times: 1 }],
  },
  {
    id: "broken-after-an-answer",
    hash: hashOf(115),
    faults: [
      { type: "status", status: 503, route: "rows", repo: CF, times: 1 },
      { type: "truncate", route: "rows", repo: CF, afterBytes: 10, times: 1 },
    ],
  },
  {
    id: "bad-retry-after",
    hash: hashOf(116),
    faults: [{ type: "rate-limit", route: "rows", repo: CF, retryAfter: "1.5", times: 1 }],
  },
  {
    id: "size-default-and-two-splits",
    hash: hashOf(117),
    faults: [{
      type: "body",
      route: "size",
      repo: CF,
      body: sizeBody([["default", "train", 5000], ["checker_interactor", "train", 2000], ["solutions", "train", 2100], [
        "solutions",
        "validation",
        2100,
      ]]),
    }],
  },
  {
    id: "size-too-few-rows",
    hash: hashOf(118),
    faults: [{ type: "body", route: "size", repo: CF, body: sizeBody([["solutions", "train", 5]]) }],
  },
  {
    id: "size-only-default-splits",
    hash: hashOf(119),
    faults: [{
      type: "body",
      route: "size",
      repo: CF,
      body: sizeBody([["default", "train", 50], ["default", "test", 9]]),
    }],
  },
  { id: "slow", hash: hashOf(120), faults: [{ type: "slow", route: "rows", delayMs: 30, times: 2 }] },
  {
    id: "timeout",
    hash: hashOf(121),
    timeout: 0.3,
    faults: [{ type: "slow", route: "rows", repo: CF, delayMs: 900, times: 1 }],
  },
  { id: "404-config", hash: hashOf(122), faults: [{ type: "status", status: 404, route: "rows", repo: CF, times: 4 }] },
];

async function runPython(hub: Hubsim): Promise<PyCase[]> {
  const request = {
    "base_url": hub.url,
    timeout: TIMEOUT_S,
    cases: CASES.map((c) => ({
      id: c.id,
      block_hash: c.hash,
      faults: c.faults ?? [],
      ...(c.timeout === undefined ? {} : { timeout: c.timeout }),
      tasks: COMPETITION.evalTasks.map((t) => ({
        name: t.name,
        dataset_id: t.datasetId,
        dataset_kwargs: {
          num_pages: t.datasetKwargs.numPages,
          num_rows_per_page: t.datasetKwargs.numRowsPerPage,
          ...(t.datasetKwargs.targetSize === undefined ? {} : { target_size: t.datasetKwargs.targetSize }),
        },
      })),
    })),
  };
  const child = new Deno.Command("python3", { args: [SCRIPT], stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(request)));
  await writer.close();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `python3 reference_loaders.py failed:\n${stderr}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)).cases;
}

function compareTask(ts: TaskData, py: PyTask, where: string): void {
  assert.equal(ts.task.name, py.name, where);
  assert.deepEqual(
    ts.error === undefined ? null : { kind: ts.error.kind, aborts_step: ts.error.abortsStep },
    py.error,
    `${where}: error`,
  );
  assert.equal(ts.sizeStatus ?? null, py.size_status, `${where}: /size status`);
  assert.deepEqual(ts.configs.map((c) => [c.config, c.split, c.numRows]), py.configs, `${where}: configs`);
  assert.deepEqual(ts.pages.map((p) => [p.config, p.split, p.offset, p.round]), py.pages, `${where}: pages`);
  assert.deepEqual(ts.requests.map((r) => [r.config, r.split, r.offset, r.status]), py.requests, `${where}: requests`);
  assert.deepEqual(ts.sleeps, py.sleeps, `${where}: sleeps`);
  assert.equal(ts.bufferLength, py.buffer_length, `${where}: buffer length`);
  assert.equal(ts.samples.length, py.samples.length, `${where}: sample count`);
  ts.samples.forEach((s, i) => {
    assert.equal(s.messages[1]!.content, py.samples[i]![0], `${where}: sample ${i} question`);
    assert.equal(s.reference, py.samples[i]![1], `${where}: sample ${i} reference`);
  });
}

Deno.test({
  name:
    "the draw equals the independent Python reference (CPython random + requests) for 29 block hashes and 23 fault cases",
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "subvalid-data-" });
    try {
      await writeSn37Datasets(root);
      await using hub = await startHubsim({ root });
      const python = await runPython(hub);
      assert.equal(python.length, CASES.length);
      const stats = {
        requests: 0,
        samples: 0,
        pages: 0,
        longKept: 0,
        sftRounds: 0,
        errors: new Set<string>(),
        aborted: 0,
      };
      for (const [i, c] of CASES.entries()) {
        hub.faults.clear();
        for (const rule of c.faults ?? []) hub.faults.add(rule);
        const options: DrawOptions = {
          baseUrl: hub.url,
          sleep: () => Promise.resolve(),
          timeoutMs: (c.timeout ?? TIMEOUT_S) * 1000,
        };
        const seed = seedFromBlockHash(c.hash);
        const ts = await drawCompetitionData(COMPETITION, seed, options);
        const py = python[i]!;
        assert.equal(py.id, c.id);
        assert.equal(String(ts.seed), py.seed, `${c.id}: seed`);
        assert.equal(ts.stepAborted, py.step_aborted, `${c.id}: step aborted`);
        assert.equal(ts.tasks.length, py.tasks.length, `${c.id}: tasks drawn`);
        ts.tasks.forEach((t, k) => compareTask(t, py.tasks[k]!, `${c.id} ${t.task.name}`));
        for (const t of ts.tasks) {
          stats.requests += t.requests.length;
          stats.samples += t.samples.length;
          stats.pages += t.pages.length;
          if (t.task.name === "CODEFORCES_COTS") {
            stats.longKept += t.samples.filter((s) => pyLen(s.reference) > 60_000).length;
          } else {
            stats.sftRounds = Math.max(stats.sftRounds, ...t.pages.map((p) => p.round));
          }
          if (t.error) stats.errors.add(t.error.kind);
        }
        if (ts.stepAborted) stats.aborted++;
      }
      hub.faults.clear();
      // The comparison covered what it claims to.
      assert.ok(stats.requests > 150 && stats.samples > 4000, JSON.stringify({ ...stats, errors: [...stats.errors] }));
      assert.ok(stats.longKept >= 3, "pages held the long codeforces rows that are kept");
      assert.ok(stats.sftRounds >= 4, "some SFT draw needed several more rounds");
      assert.deepEqual([...stats.errors].sort(), [
        "bad-json",
        "bad-retry-after",
        "bad-rows",
        "empty",
        "http-error",
        "network-error",
        "no-configs",
        "no-pages",
        "rate-limited",
        "size-failed",
      ]);
      assert.equal(stats.aborted, 1);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
