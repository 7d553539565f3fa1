/**
 * Rotary-embedding inverse frequencies as transformers computes them, in
 * float32 step by step (`default`, `linear` and `llama3` scaling), so the
 * graph's cos/sin tables equal PyTorch's.
 *
 * @module
 */
import type { RopeSettings } from "./model_config.ts";

const f = Math.fround;

/**
 * `inv_freq` of length `headDim / 2`: `1 / theta^(2i / headDim)`, then the
 * scaling of `rope_scaling`.
 */
export function ropeInverseFrequencies(rope: RopeSettings, headDim: number): Float32Array {
  const half = Math.floor(headDim / 2);
  const base = f(rope.theta);
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = f(1 / f(Math.pow(base, f((2 * i) / headDim))));
  const scaling = rope.scaling;
  if (scaling.type === "linear") {
    for (let i = 0; i < half; i++) inv[i] = f(inv[i]! / scaling.factor);
  } else if (scaling.type === "llama3") {
    const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: context } = scaling;
    const lowFreqWavelen = f(context / lowFreqFactor);
    const highFreqWavelen = f(context / highFreqFactor);
    const twoPi = f(2 * Math.PI);
    for (let i = 0; i < half; i++) {
      const x = inv[i]!;
      const wavelen = f(twoPi / x);
      const scaled = wavelen > lowFreqWavelen ? f(x / factor) : x;
      const medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
      if (medium) {
        const smooth = f(f(f(context / wavelen) - lowFreqFactor) / f(highFreqFactor - lowFreqFactor));
        inv[i] = f(f(f(f(1 - smooth) * scaled) / factor) + f(smooth * scaled));
      } else {
        inv[i] = scaled;
      }
    }
  }
  return inv;
}
