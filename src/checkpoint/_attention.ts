/**
 * Self-attention of one decoder layer, in two forms:
 * - `gqa`: ORT's fused `com.microsoft.GroupQueryAttention` with its built-in
 *   rotary embedding (cos/sin tables computed in the graph for the batch's
 *   length), causal mask, sliding window (`local_window_size`), soft-capping
 *   and the per-row lengths `seqlens_k`. It assumes right padding.
 * - `plain`: standard operators (MatMul, Softmax, an explicit boolean mask
 *   built from `attention_mask`, causality and the window), with positions
 *   from the mask's running sum, so any padding side works.
 *
 * @module
 */
import { DataType } from "../onnx/mod.ts";
import type { GraphWriter } from "./_graph.ts";
import type { ModelArch } from "./model_config.ts";

/** The attention implementations the builder can emit. */
export type AttentionKind = "gqa" | "plain";

/** Projections of one layer, already in the compute dtype: `[batch, seq, heads * head_dim]`. */
export interface Projected {
  readonly q: string;
  readonly k: string;
  readonly v: string;
}

const FLOAT32_MIN = -3.4028234663852886e38;

/** Emits attention and shares the per-batch tables (positions, masks, cos/sin) across layers. */
export class AttentionEmitter {
  readonly #g: GraphWriter;
  readonly #arch: ModelArch;
  readonly #kind: AttentionKind;
  readonly #t: number;
  readonly #invFreq: Float32Array;
  readonly #shared = new Map<string, string>();

  constructor(g: GraphWriter, arch: ModelArch, kind: AttentionKind, computeType: number, invFreq: Float32Array) {
    this.#g = g;
    this.#arch = arch;
    this.#kind = kind;
    this.#t = computeType;
    this.#invFreq = invFreq;
  }

  /** The attention output `[batch, seq, heads * head_dim]` (before `o_proj`). */
  emit(p: Projected, window: number): string {
    return this.#kind === "gqa" ? this.#gqa(p, window) : this.#plain(p, window);
  }

  #once(key: string, make: () => string): string {
    let value = this.#shared.get(key);
    if (value === undefined) {
      value = make();
      this.#shared.set(key, value);
    }
    return value;
  }

  /** `[seq]` int64 `0..seq-1`. */
  #range(): string {
    return this.#once("range", () => {
      const g = this.#g;
      const len = g.op("Squeeze", [g.op("Shape", ["input_ids"], { start: 1, end: 2 }), g.int64([0])]);
      return g.op("Range", [g.int64([0], []), len, g.int64([1], [])]);
    });
  }

  #invFreqName(): string {
    return this.#once(
      "inv_freq",
      () => this.#g.floats("rope/inv_freq", this.#invFreq, [this.#invFreq.length], DataType.FLOAT),
    );
  }

  /** cos and sin of float32 angles made once per form, in the compute dtype. */
  #tables(form: string, angles: () => string): [string, string] {
    const cos = this.#once(`${form}_cos`, () => {
      const a = angles();
      this.#shared.set(`${form}_sin`, this.#g.cast(this.#g.op("Sin", [a]), DataType.FLOAT, this.#t));
      return this.#g.cast(this.#g.op("Cos", [a]), DataType.FLOAT, this.#t);
    });
    return [cos, this.#shared.get(`${form}_sin`)!];
  }

  #gqa(p: Projected, window: number): string {
    const g = this.#g;
    const arch = this.#arch;
    const seqlens = this.#once("seqlens_k", () => {
      const sum = g.op("ReduceSum", ["attention_mask", g.int64([1])], { keepdims: 0 });
      return g.op("Cast", [g.op("Sub", [sum, g.int64([1], [])])], { to: DataType.INT32 });
    });
    const total = this.#once("total_len", () => {
      const len = g.op("Squeeze", [g.op("Shape", ["input_ids"], { start: 1, end: 2 }), g.int64([0])]);
      return g.op("Cast", [len], { to: DataType.INT32 });
    });
    const [cos, sin] = this.#tables("gqa", () => {
      const pos = g.op("Unsqueeze", [g.op("Cast", [this.#range()], { to: DataType.FLOAT }), g.int64([1])]);
      return g.op("Mul", [pos, this.#invFreqName()]);
    });
    const attributes: Record<string, number | { float: number }> = {
      "num_heads": arch.numHeads,
      "kv_num_heads": arch.numKvHeads,
      scale: { float: arch.attentionScale },
      "do_rotary": 1,
      "rotary_interleaved": 0,
    };
    if (arch.attnSoftcap > 0) attributes.softcap = { float: arch.attnSoftcap };
    if (window > 0) attributes.local_window_size = window;
    const [out] = g.ops(
      "GroupQueryAttention",
      [p.q, p.k, p.v, "", "", seqlens, total, cos, sin],
      ["gqa", "present_key", "present_value"],
      attributes,
      { domain: "com.microsoft" },
    );
    return out!;
  }

  #plain(p: Projected, window: number): string {
    const g = this.#g;
    const arch = this.#arch;
    const t = this.#t;
    const [cos, sin] = this.#tables("plain", () => {
      // Positions are cumsum(mask) - 1, clamped at 0: right for either padding side.
      const sum = g.op("CumSum", ["attention_mask", g.int64([1], [])]);
      const pos = g.op("Max", [g.op("Sub", [sum, g.int64([1], [])]), g.int64([0], [])]);
      const posF = g.op("Unsqueeze", [g.op("Cast", [pos], { to: DataType.FLOAT }), g.int64([2])]);
      const half = g.op("Mul", [posF, this.#invFreqName()]);
      return g.op("Unsqueeze", [g.op("Concat", [half, half], { axis: -1 }), g.int64([1])]);
    });
    const heads = (x: string, n: number) =>
      g.op("Transpose", [g.op("Reshape", [x, g.int64([0, 0, n, arch.headDim])])], { perm: [0, 2, 1, 3] });
    const rotate = (x: string) => {
      const [x1, x2] = g.ops("Split", [x], ["x1", "x2"], { axis: -1, num_outputs: 2 });
      const rotated = g.op("Concat", [g.op("Neg", [x2!]), x1!], { axis: -1 });
      return g.op("Add", [g.op("Mul", [x, cos]), g.op("Mul", [rotated, sin])]);
    };
    const q = rotate(heads(p.q, arch.numHeads));
    let k = rotate(heads(p.k, arch.numKvHeads));
    let v = heads(p.v, arch.numKvHeads);
    const rep = arch.numHeads / arch.numKvHeads;
    if (rep > 1) {
      const repeat = (x: string) =>
        g.op("Reshape", [
          g.op("Expand", [g.op("Unsqueeze", [x, g.int64([2])]), g.int64([1, 1, rep, 1, 1])]),
          g.int64([0, arch.numHeads, -1, arch.headDim]),
        ]);
      k = repeat(k);
      v = repeat(v);
    }
    let scores = g.op("MatMul", [q, g.op("Transpose", [k], { perm: [0, 1, 3, 2] })]);
    scores = g.cast(scores, t, DataType.FLOAT);
    scores = g.op("Mul", [scores, g.scalar(arch.attentionScale, DataType.FLOAT)]);
    if (arch.attnSoftcap > 0) {
      const cap = g.scalar(arch.attnSoftcap, DataType.FLOAT);
      scores = g.op("Mul", [g.op("Tanh", [g.op("Div", [scores, cap])]), cap]);
    }
    scores = g.op("Add", [scores, this.#once(`mask_${window}`, () => this.#maskBias(window))]);
    const probs = g.cast(g.op("Softmax", [scores], { axis: -1 }), DataType.FLOAT, t);
    const context = g.op("Transpose", [g.op("MatMul", [probs, v])], { perm: [0, 2, 1, 3] });
    return g.op("Reshape", [context, g.int64([0, 0, arch.numHeads * arch.headDim])]);
  }

  /** Additive float32 mask `[batch, 1, seq, seq]`: 0 where a query may see a key, the float32 minimum elsewhere. */
  #maskBias(window: number): string {
    const g = this.#g;
    const range = this.#range();
    const diff = g.op("Sub", [g.op("Unsqueeze", [range, g.int64([1])]), range]);
    let allowed = g.op("GreaterOrEqual", [diff, g.int64([0], [])]);
    if (window > 0) allowed = g.op("And", [allowed, g.op("Less", [diff, g.int64([window], [])])]);
    const keys = g.op("Unsqueeze", [g.op("Cast", ["attention_mask"], { to: DataType.BOOL }), g.int64([1, 2])]);
    const mask = g.op("And", [allowed, keys]);
    return g.op("Where", [mask, g.scalar(0, DataType.FLOAT), g.scalar(FLOAT32_MIN, DataType.FLOAT)]);
  }
}
