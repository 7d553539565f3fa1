/**
 * `deno task data` under its permission set, against the local hub serving
 * the SN37 datasets and `Xenova/gpt-4`: the JSON is exactly the documented
 * shape, the samples are the ones the reference loaders (the independent
 * Python re-implementation, real CPython `random` and `requests`) draw for
 * that block hash, the ids are the competition tokenizer's, and a second
 * run reads the cached draw without asking the datasets server again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { competitionsAt, SUNSET_INSTRUCT_8B_BLOCK } from "../src/eval/mod.ts";
import { loadCompetitionTokenizer } from "../src/hub/mod.ts";
import { publishXenovaGpt4, startHubsim, writeSn37Datasets } from "../src/hubsim/mod.ts";
import { ROOT, task } from "./local_subnet.ts";

const SCRIPT = fileURLToPath(new URL("./fixtures/reference_loaders.py", import.meta.url));
const HASH = "0x" + "11".repeat(32);

Deno.test("deno task data --block-hash prints the reference's draw, tokenized, and caches it", async () => {
  const work = await Deno.makeTempDir({ dir: join(ROOT, ".cache"), prefix: "test-data-" });
  try {
    const hubRoot = join(work, "hub");
    await writeSn37Datasets(hubRoot);
    await publishXenovaGpt4(hubRoot);
    await using hub = await startHubsim({ root: hubRoot, port: 0 });
    const flags = [
      "--block-hash",
      HASH,
      "--hub.url",
      hub.url,
      "--hub.datasets_url",
      hub.url,
      "--validator.model_dir",
      join(work, "hf", "hub"),
      "--validator.data_dir",
      join(work, "data"),
      "--json",
    ];
    const run = await task("data", [...flags, "--out", join(work, "samples.jsonl")]);
    assert.equal(run.code, 0, run.stderr);
    const data = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(data), ["competition", "sync_block", "block_hash", "seed", "tasks"]);
    assert.equal(data.competition, 4);
    assert.equal(data.sync_block, null);
    assert.equal(data.seed, "99707213387532522805047265518171547922337399156784143484050966736368402234225");
    for (const t of data.tasks) {
      assert.deepEqual(Object.keys(t), ["name", "dataset", "weight", "pages", "requests", "samples"]);
      assert.deepEqual(Object.keys(t.samples[0]), ["context_text", "reference_text", "context_ids", "reference_ids"]);
    }

    // The same draw from the Python re-implementation of the reference loaders.
    const competition = competitionsAt(SUNSET_INSTRUCT_8B_BLOCK)[0]!;
    const child = new Deno.Command("python3", { args: [SCRIPT], stdin: "piped", stdout: "piped", stderr: "piped" })
      .spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify({
      "base_url": hub.url,
      timeout: 10,
      cases: [{
        id: "data-task",
        "block_hash": HASH,
        faults: [],
        tasks: competition.evalTasks.map((t) => ({
          name: t.name,
          "dataset_id": t.datasetId,
          "dataset_kwargs": {
            "num_pages": t.datasetKwargs.numPages,
            "num_rows_per_page": t.datasetKwargs.numRowsPerPage,
            ...(t.datasetKwargs.targetSize === undefined ? {} : { "target_size": t.datasetKwargs.targetSize }),
          },
        })),
      }],
    })));
    await writer.close();
    const out = await child.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const python = JSON.parse(new TextDecoder().decode(out.stdout)).cases[0];
    assert.equal(python.seed, data.seed);
    const tokenizer = await loadCompetitionTokenizer("Xenova/gpt-4", {
      modelDir: join(work, "hf", "hub"),
      offline: true,
    });
    data.tasks.forEach(
      (t: { name: string; pages: unknown[]; requests: unknown[]; samples: Record<string, unknown>[] }, i: number) => {
        const py = python.tasks[i];
        assert.equal(t.name, py.name);
        assert.deepEqual(t.pages.map((p) => Object.values(p as object)), py.pages.map((p: unknown[]) => p.slice(0, 3)));
        assert.deepEqual(t.requests.map((r) => Object.values(r as object)), py.requests);
        assert.equal(t.samples.length, py.samples.length);
        t.samples.forEach((s, j) => {
          const [question, reference] = py.samples[j];
          assert.equal(s.reference_text, reference, `${t.name} sample ${j}`);
          assert.ok(
            (s.context_text as string).includes(question),
            `${t.name} sample ${j}'s context holds the question`,
          );
          const encoded = tokenizer.encodeSample({ messages: [{ role: "user", content: question }], reference });
          assert.deepEqual(s.reference_ids, encoded.referenceIds);
        });
        assert.match(t.samples[0]!.context_text as string, /^<\|im_start\|>system\n.*<\|im_start\|>assistant\n$/s);
      },
    );
    // The samples file is the scorer's format, with each sample's task.
    const lines = (await Deno.readTextFile(join(work, "samples.jsonl"))).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, data.tasks.reduce((n: number, t: { samples: unknown[] }) => n + t.samples.length, 0));
    assert.deepEqual(Object.keys(lines[0]), ["task", "context_ids", "reference_ids"]);

    // A second run reads the cache: the datasets server sees no new request.
    const before = hub.requests.count();
    const again = await task("data", flags);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), data);
    assert.match(again.stderr, /Read cached the data/);
    const rowsOrSize = hub.requests.count() - before;
    assert.ok(rowsOrSize <= 1, `only the tokenizer's revision check reached the hub (${rowsOrSize} requests)`);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
