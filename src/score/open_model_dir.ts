/**
 * Opens whatever a model directory holds as a scorer {@linkcode ModelSource}: its ONNX export when there
 * is one (`onnx/model.onnx` or `model.onnx`), otherwise a graph built over its safetensors checkpoint
 * (`config.json` + `model.safetensors` or an index and shards) in the compute dtype that suits the
 * device: float32 on the CPU, bfloat16 on CUDA.
 *
 * @module
 */
import { type Device, parseDevice, resolveDevice } from "./device.ts";
import { findGraph, type ModelSource, openOnnxModel } from "../onnx/model_source.ts";
import type { AttentionKind, ComputeDtype } from "../checkpoint/build_graph.ts";
import { checkModelConstraints, type ModelConstraints } from "../checkpoint/check_model_constraints.ts";
import { hasSafetensorsCheckpoint, openCheckpoint } from "../checkpoint/checkpoint.ts";
import { ModelFormatError } from "../checkpoint/errors.ts";
import { openSafetensorsModel } from "../checkpoint/open_safetensors_model.ts";
import { findDenial } from "../errors/mod.ts";

/** The compute dtype of built graphs on GPUs (see the README section on precision). */
export const GPU_COMPUTE_DTYPE: ComputeDtype = "bfloat16";

/** Options of {@linkcode openModelDir}. */
export interface OpenModelDirOptions {
  /** The scoring cache directory. */
  cacheDir: string;
  /** The device the model will run on (picks the compute dtype of a built graph). @default "auto" */
  device?: string | Device;
  /** Overrides the compute dtype of a built graph. @default float32 on CPU, bfloat16 on CUDA */
  computeDtype?: ComputeDtype;
  /** Attention form of a built graph. @default "gqa" */
  attention?: AttentionKind;
  /**
   * Competition constraints to check a safetensors checkpoint against before building (parameter count,
   * architecture, weight norms; see `checkModelConstraints`). @default no checks
   */
  constraints?: ModelConstraints;
  /** Cancels the weight-norm check. */
  signal?: AbortSignal;
}

/** The compute dtype for a device (`auto` is resolved by probing, as the scorer does). */
export async function computeDtypeFor(device: string | Device = "auto"): Promise<ComputeDtype> {
  let name: string;
  if (typeof device === "object") {
    name = device.name;
  } else {
    const { kind } = parseDevice(device);
    name = kind === "auto" ? (await resolveDevice("auto")).name : kind;
  }
  return name.startsWith("cuda") ? GPU_COMPUTE_DTYPE : "float32";
}

async function hasOnnxGraph(dir: string): Promise<boolean> {
  try {
    await findGraph(dir);
    return true;
  } catch (error) {
    // A directory this process may not read is the validator's problem, never the model's.
    if (findDenial(error) !== undefined) throw error;
    return false;
  }
}

/**
 * Opens a model directory: its ONNX export, or a graph built over its safetensors checkpoint.
 *
 * @throws {ModelFormatError} when the directory holds neither
 * @throws {ModelCheckError} when `constraints` are given and the checkpoint fails them
 * @throws the errors of `openOnnxModel` and `openSafetensorsModel`
 */
export async function openModelDir(dir: string, options: OpenModelDirOptions): Promise<ModelSource> {
  if (await hasOnnxGraph(dir)) return await openOnnxModel(dir);
  if (await hasSafetensorsCheckpoint(dir)) {
    if (options.constraints) {
      await checkModelConstraints(
        await openCheckpoint(dir),
        options.constraints,
        options.signal ? { signal: options.signal } : {},
      );
    }
    return await openSafetensorsModel(dir, {
      cacheDir: options.cacheDir,
      computeDtype: options.computeDtype ?? await computeDtypeFor(options.device),
      attention: options.attention ?? "gqa",
      // Every SN37 competition loads models with torch_dtype=bfloat16.
      modelDtype: "bfloat16",
    });
  }
  throw new ModelFormatError(
    `Cannot find an ONNX graph or a safetensors checkpoint in "${dir}": looked for onnx/model.onnx, model.onnx, ` +
      "and config.json with model.safetensors or model.safetensors.index.json",
    { hint: "Give a Hugging Face model directory with an ONNX export or a safetensors checkpoint" },
  );
}
