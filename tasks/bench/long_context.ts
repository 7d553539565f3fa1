#!/usr/bin/env -S deno run --allow-read --allow-write=./.cache --allow-ffi=./node_modules --allow-env
/**
 * Long-context benchmark of built graphs on this machine: writes a random-weight bf16 Llama checkpoint of
 * the given size (under `.cache/bench-build/`, not committed), scores one sample of `--tokens` tokens
 * through the real scorer (built graph + log-prob head), and prints the throughput and the peak resident
 * memory of the process (VmHWM). Run each configuration in its own process so peaks do not mix.
 *
 * ```sh
 * deno run -A tasks/bench/long_context.ts --hidden 1024 --layers 16 --heads 16 --kv-heads 4 \
 *   --intermediate 4096 --vocab 32000 --tokens 16384 [--attention gqa|plain] [--samples 1]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { printOut } from "../../src/cli/mod.ts";
import { openSafetensorsModel } from "../../src/checkpoint/open_safetensors_model.ts";
import { scoreModel } from "../../src/score/score_model.ts";
import type { Sample } from "../../src/eval/samples.ts";
import type { AttentionKind } from "../../src/checkpoint/build_graph.ts";

/** Options of {@linkcode writeRandomLlama}. */
export interface RandomLlama {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  vocab: number;
}

/** Writes `config.json` and a bf16 `model.safetensors` with uniform random weights (scaled by fan-in). */
export async function writeRandomLlama(dir: string, m: RandomLlama): Promise<number> {
  await Deno.mkdir(dir, { recursive: true });
  const headDim = m.hidden / m.heads;
  const config = {
    architectures: ["LlamaForCausalLM"],
    "model_type": "llama",
    "vocab_size": m.vocab,
    "hidden_size": m.hidden,
    "intermediate_size": m.intermediate,
    "num_hidden_layers": m.layers,
    "num_attention_heads": m.heads,
    "num_key_value_heads": m.kvHeads,
    "hidden_act": "silu",
    "rms_norm_eps": 1e-5,
    "rope_theta": 500000,
    "tie_word_embeddings": true,
    "torch_dtype": "bfloat16",
  };
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config, null, 2));
  const shapes: [string, number[]][] = [["model.embed_tokens.weight", [m.vocab, m.hidden]]];
  for (let l = 0; l < m.layers; l++) {
    const p = `model.layers.${l}`;
    shapes.push(
      [`${p}.self_attn.q_proj.weight`, [m.heads * headDim, m.hidden]],
      [`${p}.self_attn.k_proj.weight`, [m.kvHeads * headDim, m.hidden]],
      [`${p}.self_attn.v_proj.weight`, [m.kvHeads * headDim, m.hidden]],
      [`${p}.self_attn.o_proj.weight`, [m.hidden, m.heads * headDim]],
      [`${p}.mlp.gate_proj.weight`, [m.intermediate, m.hidden]],
      [`${p}.mlp.up_proj.weight`, [m.intermediate, m.hidden]],
      [`${p}.mlp.down_proj.weight`, [m.hidden, m.intermediate]],
      [`${p}.input_layernorm.weight`, [m.hidden]],
      [`${p}.post_attention_layernorm.weight`, [m.hidden]],
    );
  }
  shapes.push(["model.norm.weight", [m.hidden]]);
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of shapes) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: "BF16", shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  using file = await Deno.open(join(dir, "model.safetensors"), { write: true, create: true, truncate: true });
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(json.length), true);
  await file.write(prefix);
  await file.write(json);
  let state = 0x9e3779b9;
  const chunk = new Float32Array(1 << 20);
  const bits = new Uint32Array(chunk.buffer);
  const out = new Uint16Array(1 << 20);
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const norm = name.endsWith("layernorm.weight") || name === "model.norm.weight";
    const scale = norm ? 0 : name.includes("embed") ? 1 : 1.7 / Math.sqrt(shape[1]!);
    for (let done = 0; done < n;) {
      const k = Math.min(chunk.length, n - done);
      for (let i = 0; i < k; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk[i] = norm ? 1 : ((state >>> 0) / 4294967296 - 0.5) * 2 * scale;
      }
      for (let i = 0; i < k; i++) out[i] = bits[i]! >>> 16;
      await file.write(new Uint8Array(out.buffer, 0, k * 2));
      done += k;
    }
  }
  return shapes.reduce((sum, [, s]) => sum + s.reduce((a, b) => a * b, 1), 0);
}

async function peakRssMiB(): Promise<number> {
  const status = await Deno.readTextFile("/proc/self/status");
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      hidden: { type: "string", default: "1024" },
      layers: { type: "string", default: "16" },
      heads: { type: "string", default: "16" },
      "kv-heads": { type: "string", default: "4" },
      intermediate: { type: "string", default: "4096" },
      vocab: { type: "string", default: "32000" },
      tokens: { type: "string", default: "16384" },
      samples: { type: "string", default: "1" },
      attention: { type: "string", default: "gqa" },
      threads: { type: "string" },
    },
  });
  const model: RandomLlama = {
    hidden: Number(values.hidden),
    layers: Number(values.layers),
    heads: Number(values.heads),
    kvHeads: Number(values["kv-heads"]),
    intermediate: Number(values.intermediate),
    vocab: Number(values.vocab),
  };
  const root = join(".cache", "bench-build");
  const dir = join(
    root,
    `llama-${model.hidden}x${model.layers}-h${model.heads}kv${model.kvHeads}-f${model.intermediate}-v${model.vocab}`,
  );
  let parameters: number;
  try {
    await Deno.stat(join(dir, "model.safetensors"));
    parameters = 0;
  } catch {
    const started = performance.now();
    parameters = await writeRandomLlama(dir, model);
    printOut(`wrote ${dir} (${parameters} parameters) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const tokens = Number(values.tokens);
  let seed = 7;
  const samples: Sample[] = Array.from({ length: Number(values.samples) }, () => {
    const ids = Array.from({ length: tokens }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) % model.vocab);
    return { contextIds: ids.slice(0, tokens / 2), referenceIds: ids.slice(tokens / 2) };
  });
  const cacheDir = join(root, "score");
  const started = performance.now();
  const source = await openSafetensorsModel(dir, { cacheDir, attention: values.attention as AttentionKind });
  const report = await scoreModel(source, samples, {
    cacheDir,
    device: "cpu",
    batchTokens: Math.max(tokens, 16384),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
  });
  printOut(JSON.stringify({
    model: dir,
    parameters: source.build.parameterCount,
    attention: source.build.attention,
    tokens,
    samples: samples.length,
    loss: report.loss,
    error: report.error,
    tokensPerSecond: Math.round(report.tokensPerSecond),
    seconds: Math.round(report.seconds * 10) / 10,
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    peakRssMiB: await peakRssMiB(),
  }));
}
