/**
 * Fetch throughput from the local hub: a 100 MB ONNX external-data file plus the small files, into a
 * fresh cache each iteration (download, verify, hard-link, hash, manifest).
 *
 * ```sh
 * deno bench -A tasks/bench/fetch_model_bench.ts
 * ```
 */
import { join } from "node:path";
import { startHubsim } from "../../src/hubsim/mod.ts";
import { fetchModel } from "../../src/hub/mod.ts";

const SIZE = 100 * 1024 * 1024;
const root = await Deno.makeTempDir({ prefix: "subvalid-bench-hub-" });
const weights = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i += 65536) crypto.getRandomValues(weights.subarray(i, i + 65536));
const repo = join(root, "bench", "model");
await Deno.mkdir(join(repo, "onnx"), { recursive: true });
await Deno.writeTextFile(join(repo, "config.json"), "{}");
await Deno.writeTextFile(join(repo, "tokenizer.json"), '{"version":"1.0"}');
await Deno.writeTextFile(join(repo, "tokenizer_config.json"), "{}");
await Deno.writeFile(join(repo, "onnx/model.onnx"), weights.subarray(0, 4096));
await Deno.writeFile(join(repo, "onnx/model.onnx_data"), weights);
const hub = await startHubsim({ root });
// Let the hub hash the repository once, outside the timings.
await (await fetch(`${hub.url}/api/models/bench/model/revision/main?blobs=true`)).body?.cancel();

Deno.bench("fetchModel 100 MB from the local hub (fresh cache)", { n: 5, warmup: 1 }, async (b) => {
  const modelDir = await Deno.makeTempDir({ prefix: "subvalid-bench-cache-" });
  b.start();
  await fetchModel({ namespace: "bench", name: "model", commit: "main" }, {
    modelDir,
    hubUrl: hub.url,
    progress: false,
  });
  b.end();
  await Deno.remove(modelDir, { recursive: true });
});

Deno.bench("fetchModel of a cached model (1 request)", async () => {
  await fetchModel({ namespace: "bench", name: "model", commit: "main" }, {
    modelDir: join(root, "..", "subvalid-bench-warm"),
    hubUrl: hub.url,
    progress: false,
  });
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(root, { recursive: true });
  Deno.removeSync(join(root, "..", "subvalid-bench-warm"), { recursive: true });
});
