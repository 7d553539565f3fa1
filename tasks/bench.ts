#!/usr/bin/env -S deno run -P=bench
/**
 * Scoring throughput: subvalid's scorer (ONNX Runtime, in-graph log-probs)
 * against PyTorch eager (Debian python3-torch with OpenBLAS; torch 1 thread,
 * OpenBLAS 2 threads, the best 2-core setup) on the same model and samples,
 * alternating in one run. Reports tokens/s of each, the ratio, the per-sample
 * loss agreement, and our FLOP/s against this machine's measured matmul peak
 * (an ONNX Runtime MatMul). The GPT-style bench model (random weights,
 * 32k vocabulary by default) is generated on first use into .cache/bench/.
 *
 * ```sh
 * deno task bench [--vocab 32000 --dim 512 --layers 6 --heads 8] [--rounds 3] [--reps 3] [--batch-tokens 4096]
 * ```
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { join } from "node:path";
import { printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode, SubvalidError } from "../src/errors/mod.ts";
import type { Log } from "../src/log/mod.ts";
import { DataType, encodeModel, type Model, node, tensor, valueInfo } from "../src/onnx/mod.ts";
import { readSamples } from "../src/eval/mod.ts";
import { CPU, disableOrtTelemetry, scoreModel } from "../src/score/mod.ts";
import { spec } from "./specs/bench.ts";

/** The PyTorch helper failed after its checks passed: a bug in the bench. */
class BenchError extends SubvalidError {
  override readonly exitCode = ExitCode.Internal;
}

/** Our scorer failed on the bench model. */
class BenchScoreError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
}

export { spec };

const ROOT = new URL("..", import.meta.url).pathname;
const HELPER = join(ROOT, "tasks/bench/torch_model.py");
const CHECK = join(ROOT, "tasks/bench/check_baseline.py");

/** Debian packages of the Python modules the baseline imports. */
const PACKAGES: Record<string, string> = {
  torch: "python3-torch",
  numpy: "python3-numpy",
  onnx: "python3-onnx",
  jinja2: "python3-jinja2",
};

/** What tasks/bench/check_baseline.py found. */
export interface Baseline {
  readonly python: string;
  readonly missing: readonly string[];
  readonly torch?: string;
  readonly torchThreads?: number;
  readonly blasLibraries?: readonly string[];
  readonly openblasConfig?: string;
  readonly openblasThreads?: number;
  readonly openblasParallel?: string;
  readonly error?: string;
}

/** Which BLAS PyTorch runs on, with its threads: "OpenBLAS 0.3.21 pthreads, 2 threads". */
export function blasLabel(baseline: Baseline): string {
  if (baseline.openblasConfig !== undefined) {
    const version = /OpenBLAS\s+([\d.]+)/.exec(baseline.openblasConfig)?.[1] ?? "";
    return `OpenBLAS ${version} ${baseline.openblasParallel ?? ""}, ${baseline.openblasThreads ?? "?"} threads`
      .replace(/\s+/g, " ");
  }
  const lib = baseline.blasLibraries?.[0];
  return lib === undefined ? "BLAS unknown" : `BLAS ${lib}`;
}

/**
 * Checks the Python side before anything runs: the interpreter, the modules the helpers import, and
 * which BLAS PyTorch loads (the OpenMP build of OpenBLAS is several times slower here).
 *
 * @throws {ConfigError} naming what to install when the interpreter or a module is missing
 */
async function checkBaseline(
  py: string,
  env: Record<string, string>,
  signal: AbortSignal,
  log: Log,
): Promise<Baseline> {
  const everything = Object.values(PACKAGES).join(" ");
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(py, {
      args: [CHECK],
      env,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]),
    }).output();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new ConfigError(`Cannot run the PyTorch baseline: "${py}" does not exist`, {
      hint: `apt-get install python3 ${everything} libopenblas0-pthread, or pass --python <path>`,
    });
  }
  let baseline: Baseline;
  try {
    baseline = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "");
  } catch {
    throw new ConfigError(`Cannot run the PyTorch baseline: "${py}" failed its check (exit ${out.code})`, {
      hint: `Pass --python <a Python 3 with ${everything}>: ${new TextDecoder().decode(out.stderr).slice(-300)}`,
    });
  }
  if (baseline.missing.length > 0) {
    const packages = baseline.missing.map((m) => PACKAGES[m] ?? `python3-${m}`).join(" ");
    throw new ConfigError(
      `Cannot run the PyTorch baseline: Python ${baseline.python} at "${py}" lacks the modules ${
        baseline.missing.join(", ")
      }${baseline.error ? ` (${baseline.error})` : ""}`,
      { hint: `apt-get install ${packages} libopenblas0-pthread (Debian/Ubuntu), or pass --python <path>` },
    );
  }
  log.info(`PyTorch ${baseline.torch} on ${blasLabel(baseline)}`, { libraries: baseline.blasLibraries?.join(",") });
  if (baseline.openblasParallel === "openmp") {
    log.warn(
      "PyTorch uses the OpenMP build of OpenBLAS: this bench measured it about 9× slower than the pthreads build",
      { hint: "apt-get install libopenblas0-pthread (update-alternatives --config libblas.so.3-x86_64-linux-gnu)" },
    );
  } else if (baseline.openblasConfig === undefined) {
    log.warn(`PyTorch does not run on OpenBLAS (${blasLabel(baseline)}): its numbers are not comparable`, {
      hint: "apt-get install libopenblas0-pthread",
    });
  }
  return baseline;
}

async function python(cmd: string[], env: Record<string, string>, signal: AbortSignal): Promise<string> {
  const out = await new Deno.Command(cmd[0]!, {
    args: cmd.slice(1),
    env,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.any([signal, AbortSignal.timeout(1_800_000)]),
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new BenchError(`Python failed (${cmd.slice(1, 3).join(" ")}): ${stderr.slice(-2000)}`);
  return new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
}

/** GFLOP/s of an ONNX Runtime MatMul n×n·n×n on the CPU: the practical peak. */
async function ortMatmulPeak(n: number, threads: number, reps: number): Promise<number> {
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const model: Model = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "peak",
      node: [node("MatMul", ["a", "b"], ["y"])],
      initializer: [tensor("b", [n, n], data)],
      input: [valueInfo("a", DataType.FLOAT, [n, n])],
      output: [valueInfo("y", DataType.FLOAT, [n, n])],
      valueInfo: [],
    },
  };
  disableOrtTelemetry();
  const session = await ort.InferenceSession.create(encodeModel(model), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const a = new ort.Tensor("float32", data, [n, n]);
  for (let i = 0; i < 3; i++) await session.run({ a });
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await session.run({ a });
  const seconds = (performance.now() - t0) / 1000;
  await session.release();
  return (2 * n ** 3 * reps) / seconds / 1e9;
}

/** GFLOP/s of a PyTorch (OpenBLAS) 2048³ matmul. */
async function torchMatmulPeak(py: string, env: Record<string, string>, signal: AbortSignal): Promise<number> {
  return JSON.parse(await python([py, HELPER, "peak", "2048", "10"], env, signal)).gflops;
}

/** Useful FLOPs of one forward over a sample of n tokens (matmuls + attention + head). */
function forwardFlops(n: number, d: number, layers: number, vocab: number): number {
  return layers * (2 * n * 12 * d * d + 2 * 2 * n * n * d) + 2 * n * d * vocab;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const f = config.flags;
    const name = `gpt-v${f.vocab}-d${f.dim}-l${f.layers}-h${f.heads}-s${f.samples}-r2`;
    const dir = join(ROOT, ".cache/bench", name);
    const env = { OPENBLAS_NUM_THREADS: String(f["openblas-threads"]), OMP_NUM_THREADS: "1" };
    const baseline = await checkBaseline(f.python, env, signal, log);
    try {
      await Deno.stat(join(dir, "weights.pt"));
    } catch {
      log.info(`Generating the bench model ${name} (PyTorch export)`);
      await python(
        [f.python, HELPER, "make", dir, ...[f.vocab, f.dim, f.layers, f.heads, f.samples, 37].map(String)],
        env,
        signal,
      );
    }
    const cfg = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
    const samples = await readSamples(join(dir, "samples.jsonl"));
    const idSamples = samples.filter((s) => "contextIds" in s);
    const lengths = idSamples.map((s) => s.contextIds.length + s.referenceIds.length);
    const tokens = lengths.reduce((a, b) => a + b, 0);
    const flops = lengths.reduce((sum, n) => sum + forwardFlops(n, f.dim, f.layers, f.vocab), 0);
    // We compute the LM head only at the reference positions.
    const executed = idSamples.reduce(
      (sum, s, i) => sum + forwardFlops(lengths[i]!, f.dim, f.layers, 0) + 2 * s.referenceIds.length * f.dim * f.vocab,
      0,
    );
    const cacheDir = join(ROOT, ".cache/bench/score-cache");

    // The matmul peaks are measured before and after the rounds; the higher value counts (less contention).
    const peaksBefore = [await ortMatmulPeak(2048, f.threads, 10), await torchMatmulPeak(f.python, env, signal)];
    const torchRates: number[] = [];
    const torchSingleRates: number[] = [];
    const oursRates: number[] = [];
    const oursFullRates: number[] = [];
    let maxLossDiff = 0;
    let torchVersion = "";
    for (let round = 1; round <= f.rounds; round++) {
      const torch = JSON.parse(
        await python([f.python, HELPER, "score", dir, String(f["batch-tokens"]), String(f.reps)], env, signal),
      );
      torchVersion = torch.torch;
      torchRates.push(torch.tokens_per_second);
      const single = JSON.parse(await python([f.python, HELPER, "score", dir, "0", String(f.reps)], env, signal));
      torchSingleRates.push(single.tokens_per_second);
      const ourPasses = async (selectHead: boolean): Promise<number> => {
        const rates: number[] = [];
        for (let rep = 0; rep <= f.reps; rep++) {
          const report = await scoreModel(dir, samples, {
            cacheDir,
            device: CPU,
            batchTokens: f["batch-tokens"],
            threads: f.threads,
            selectHead,
            signal,
          });
          if (report.error !== undefined) throw new BenchScoreError(`Our scorer failed: ${report.error}`);
          if (rep > 0) rates.push(report.tokensPerSecond); // the first pass warms up
          report.samples.forEach((s, i) => maxLossDiff = Math.max(maxLossDiff, Math.abs(s.loss - torch.losses[i])));
        }
        return median(rates);
      };
      const rates = [await ourPasses(true)];
      oursFullRates.push(await ourPasses(false));
      oursRates.push(rates[0]!);
      log.info(
        `Round ${round}: PyTorch ${torch.tokens_per_second.toFixed(0)} tok/s (batch 1: ${
          single.tokens_per_second.toFixed(0)
        }), ours ${rates[0]!.toFixed(0)} tok/s (full head: ${oursFullRates.at(-1)!.toFixed(0)})`,
      );
    }
    const ortPeak = Math.max(peaksBefore[0]!, await ortMatmulPeak(2048, f.threads, 10));
    const torchPeak = Math.max(peaksBefore[1]!, await torchMatmulPeak(f.python, env, signal));
    const ours = median(oursRates);
    const oursFull = median(oursFullRates);
    const torch = median(torchRates);
    const torchSingle = median(torchSingleRates);
    const perToken = flops / tokens;
    const oursGflops = perToken * ours / 1e9;
    const oursExecuted = (executed / tokens) * ours / 1e9;
    const torchGflops = perToken * torch / 1e9;
    const result = {
      model: `GPT-style, ${
        (cfg.parameters / 1e6).toFixed(1)
      } M params (vocab ${f.vocab}, d ${f.dim}, ${f.layers} layers)`,
      samples: samples.length,
      tokens,
      batchTokens: f["batch-tokens"],
      torchTokensPerSecond: torchRates,
      torchBatch1TokensPerSecond: torchSingleRates,
      oursTokensPerSecond: oursRates,
      oursFullHeadTokensPerSecond: oursFullRates,
      ratio: ours / torch,
      ratioVsBatch1: ours / torchSingle,
      oursExecutedGflops: oursExecuted,
      maxLossDiff,
      gflopPerToken: flops / tokens / 1e9,
      oursGflops,
      torchGflops,
      ortMatmulPeakGflops: ortPeak,
      torchMatmulPeakGflops: torchPeak,
      torchBlas: blasLabel(baseline),
      torchBlasLibraries: baseline.blasLibraries ?? [],
      torchThreads: baseline.torchThreads,
    };
    if (f.json) {
      printOut(JSON.stringify(result, null, 2));
      return;
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
    const pct = (g: number) => `${(100 * g / ortPeak).toFixed(0)} %`;
    const torchLabel = `PyTorch ${torchVersion} eager, torch ${baseline.torchThreads ?? 1} thread + ${
      blasLabel(baseline)
    }`;
    printOut([
      `Model: ${result.model}; ${samples.length} samples, ${tokens} tokens; batch budget ${
        f["batch-tokens"]
      } tokens; ` +
      `${f.rounds} alternating rounds × ${f.reps} timed passes (after a warm-up)`,
      "",
      "| engine | tokens/s (median) | per round | ours ÷ this | model GFLOP/s | executed GFLOP/s (% of ORT MatMul peak) |",
      "| --- | --- | --- | --- | --- | --- |",
      `| ${torchLabel}, same batches as ours | ${torch.toFixed(0)} | ${fmt(torchRates)} | **${
        result.ratio.toFixed(2)
      }×** | ${torchGflops.toFixed(1)} | ${torchGflops.toFixed(1)} (${pct(torchGflops)}) |`,
      `| ${torchLabel}, batch size 1 (as the subnet's reference) | ${torchSingle.toFixed(0)} | ${
        fmt(torchSingleRates)
      } | ${result.ratioVsBatch1.toFixed(2)}× | ${(perToken * torchSingle / 1e9).toFixed(1)} | ${
        (perToken * torchSingle / 1e9).toFixed(1)
      } (${pct(perToken * torchSingle / 1e9)}) |`,
      `| subvalid, full in-graph head (every position) | ${oursFull.toFixed(0)} | ${fmt(oursFullRates)} | ${
        (ours / oursFull).toFixed(2)
      }× | ${(perToken * oursFull / 1e9).toFixed(1)} | ${(perToken * oursFull / 1e9).toFixed(1)} (${
        pct(perToken * oursFull / 1e9)
      }) |`,
      `| subvalid: ORT ${ort.env.versions.common} CPU, ${f.threads} threads, in-graph log-probs at the scored positions | ${
        ours.toFixed(0)
      } | ${fmt(oursRates)} | 1.00× | ${oursGflops.toFixed(1)} | ${oursExecuted.toFixed(1)} (${pct(oursExecuted)}) |`,
      "",
      `Matmul peak (2048³ fp32, this machine): ORT ${ortPeak.toFixed(1)} GFLOP/s, PyTorch/OpenBLAS ${
        torchPeak.toFixed(1)
      } GFLOP/s. Model cost ${(perToken / 1e9).toFixed(3)} GFLOP/token (full forward); ours executes ${
        (executed / tokens / 1e9).toFixed(3)
      } GFLOP/token (LM head only where a reference token is predicted). Max |Δ per-sample loss| ours vs PyTorch: ${
        maxLossDiff.toExponential(1)
      }.`,
    ].join("\n"));
  });
}

if (import.meta.main) Deno.exit(await main());
