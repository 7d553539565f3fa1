#!/usr/bin/env -S deno run -P=bench-tokenize
/**
 * Tokenization throughput of one evaluation step: `@huggingface/tokenizers` (the generic encoder) against
 * our {@linkcode ByteLevelBpe} (what the competition tokenizer uses), on the same deterministic corpus
 * (`tasks/bench/tokenize_corpus.ts`: 240 chat samples, contexts of a few hundred to ~2,000 tokens,
 * references up to ~16,000 tokens, about 2 M tokens), alternating in one run. Both render the chat
 * template the same way; each round times a first pass on a fresh encoder (cold: empty caches, as on a
 * new step's samples) and a second pass (warm). The ids of both engines are compared sample by sample.
 *
 * The tokenizer is the real path: Xenova/gpt-4 is published into a local hub under `.cache/bench-tokenize/`
 * and loaded with `loadCompetitionTokenizer` through the fetcher and the HF cache.
 *
 * ```sh
 * deno task bench:tokenize [--rounds 3] [--samples 240] [--seed 37] [--json]
 * ```
 *
 * @module
 */
import { loadavg } from "node:os";
import process from "node:process";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { printOut, runTask } from "../../src/cli/mod.ts";
import { ExitCode, SubvalidError } from "../../src/errors/mod.ts";
import { ByteLevelBpe, renderChatTemplate } from "../../src/eval/mod.ts";
import { loadCompetitionTokenizer } from "../../src/hub/mod.ts";
import { publishXenovaGpt4, startHubsim } from "../../src/hubsim/mod.ts";
import { makeTokenizeCorpus } from "./tokenize_corpus.ts";
import { spec } from "../specs/bench_tokenize.ts";

class BenchError extends SubvalidError {
  override readonly exitCode = ExitCode.Internal;
}

export { spec };

const ROOT = new URL("../..", import.meta.url).pathname;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    const f = config.flags;
    const work = join(ROOT, ".cache", "bench-tokenize");
    await Deno.remove(work, { recursive: true }).catch(() => {});
    await publishXenovaGpt4(join(work, "hub"));
    const loadBefore = loadavg();
    let tok;
    {
      await using hub = await startHubsim({ root: join(work, "hub") });
      tok = await loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: join(work, "cache"), hubUrl: hub.url, signal });
    }
    if (tok.encoder !== "byte-level-bpe") throw new BenchError(`Xenova/gpt-4 did not get the fast encoder`);
    const json = JSON.parse(await Deno.readTextFile(join(tok.dir, "tokenizer.json")));
    const tokenizerConfig = JSON.parse(await Deno.readTextFile(join(tok.dir, "tokenizer_config.json")));
    const samples = makeTokenizeCorpus({ samples: f.samples, seed: f.seed });
    const chars = samples.reduce(
      (n, s) => n + s.reference.length + s.messages.reduce((m, x) => m + x.content.length, 0),
      0,
    );

    type Engine = (text: string) => number[];
    const pass = (encode: Engine) => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const ids: number[][] = [];
      let tokens = 0;
      let contextTokens = 0;
      for (const sample of samples) {
        const context = encode(
          renderChatTemplate(tokenizerConfig.chat_template, sample.messages, tok.tokenizer.specialTokens),
        );
        const reference = encode(sample.reference);
        ids.push(context, reference);
        tokens += context.length + reference.length;
        contextTokens += context.length;
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      return { seconds: (performance.now() - t0) / 1000, cpuSeconds, tokens, contextTokens, ids };
    };
    const rates = {
      hfCold: [] as number[],
      hfWarm: [] as number[],
      oursCold: [] as number[],
      oursWarm: [] as number[],
    };
    const cpuRates = { hfCold: [] as number[], oursCold: [] as number[] };
    const builds = { hf: [] as number[], ours: [] as number[] };
    let tokens = 0;
    let contextTokens = 0;
    let mismatches = 0;
    let lengths = { contextMin: 0, contextMax: 0, referenceMin: 0, referenceMax: 0 };
    for (let round = 1; round <= f.rounds; round++) {
      signal.throwIfAborted();
      let t0 = performance.now();
      const hf = new Tokenizer(json, tokenizerConfig);
      builds.hf.push((performance.now() - t0) / 1000);
      const hfEncode: Engine = (text) => hf.encode(text).ids;
      const hfCold = pass(hfEncode);
      const hfWarm = pass(hfEncode);
      t0 = performance.now();
      const ours = ByteLevelBpe.fromTokenizerJson(json);
      builds.ours.push((performance.now() - t0) / 1000);
      const oursEncode: Engine = (text) => ours.encode(text);
      const oursCold = pass(oursEncode);
      const oursWarm = pass(oursEncode);
      tokens = oursCold.tokens;
      const contexts = oursCold.ids.filter((_, i) => i % 2 === 0).map((x) => x.length);
      const references = oursCold.ids.filter((_, i) => i % 2 === 1).map((x) => x.length);
      lengths = {
        contextMin: Math.min(...contexts),
        contextMax: Math.max(...contexts),
        referenceMin: Math.min(...references),
        referenceMax: Math.max(...references),
      };
      contextTokens = oursCold.contextTokens;
      mismatches = hfCold.ids.filter((ids, i) => ids.join() !== oursCold.ids[i]!.join()).length;
      rates.hfCold.push(hfCold.tokens / hfCold.seconds);
      rates.hfWarm.push(hfWarm.tokens / hfWarm.seconds);
      rates.oursCold.push(oursCold.tokens / oursCold.seconds);
      rates.oursWarm.push(oursWarm.tokens / oursWarm.seconds);
      cpuRates.hfCold.push(hfCold.tokens / hfCold.cpuSeconds);
      cpuRates.oursCold.push(oursCold.tokens / oursCold.cpuSeconds);
      log.info(
        `Round ${round}: HF ${(hfCold.tokens / hfCold.seconds).toFixed(0)} tok/s cold, ours ${
          (oursCold.tokens / oursCold.seconds).toFixed(0)
        } tok/s cold`,
      );
    }
    if (mismatches > 0) throw new BenchError(`The engines disagree on ${mismatches} texts`);
    const loadAfter = loadavg();
    const result = {
      samples: samples.length,
      characters: chars,
      tokens,
      contextTokens,
      referenceTokens: tokens - contextTokens,
      lengths,
      rounds: f.rounds,
      hfTokensPerSecondCold: rates.hfCold,
      hfTokensPerSecondWarm: rates.hfWarm,
      oursTokensPerSecondCold: rates.oursCold,
      oursTokensPerSecondWarm: rates.oursWarm,
      hfTokensPerCpuSecondCold: cpuRates.hfCold,
      oursTokensPerCpuSecondCold: cpuRates.oursCold,
      ratioCold: median(rates.oursCold) / median(rates.hfCold),
      ratioWarm: median(rates.oursWarm) / median(rates.hfWarm),
      buildSeconds: { hf: median(builds.hf), ours: median(builds.ours) },
      identicalIds: mismatches === 0,
      cpus: navigator.hardwareConcurrency,
      loadAverage: { before: loadBefore, after: loadAfter },
      deno: Deno.version.deno,
      v8: Deno.version.v8,
    };
    if (f.json) {
      printOut(JSON.stringify(result, null, 2));
      return;
    }
    const fmt = (xs: number[]) => xs.map((x) => (x / 1e6).toFixed(2)).join(", ");
    const m = (xs: number[]) => `${(median(xs) / 1e6).toFixed(2)} M`;
    printOut([
      `Corpus: ${samples.length} samples, ${chars} characters, ${tokens} tokens (${contextTokens} context, ${
        tokens - contextTokens
      } reference; contexts ${lengths.contextMin}-${lengths.contextMax}, references ${lengths.referenceMin}-${lengths.referenceMax} tokens); ${f.rounds} alternating rounds; ids identical: ${
        mismatches === 0
      }`,
      "",
      "| encoder (one thread) | tokens/s cold (median) | per round (M) | tokens/s warm (median) | tokens per CPU-second, cold | build |",
      "| --- | --- | --- | --- | --- | --- |",
      `| @huggingface/tokenizers | ${m(rates.hfCold)} | ${fmt(rates.hfCold)} | ${m(rates.hfWarm)} | ${
        m(cpuRates.hfCold)
      } | ${result.buildSeconds.hf.toFixed(2)} s |`,
      `| subvalid ByteLevelBpe | ${m(rates.oursCold)} | ${fmt(rates.oursCold)} | ${m(rates.oursWarm)} | ${
        m(cpuRates.oursCold)
      } | ${result.buildSeconds.ours.toFixed(2)} s |`,
      "",
      `Ours ÷ HF: ${result.ratioCold.toFixed(1)}× cold, ${
        result.ratioWarm.toFixed(1)
      }× warm. Machine: ${navigator.hardwareConcurrency} CPUs, load average ${
        loadBefore.map((x) => x.toFixed(2)).join(" ")
      } before, ${
        loadAfter.map((x) => x.toFixed(2)).join(" ")
      } after; Deno ${Deno.version.deno} (V8 ${Deno.version.v8}).`,
    ].join("\n"));
  });
}

if (import.meta.main) Deno.exit(await main());
