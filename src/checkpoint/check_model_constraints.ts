/**
 * The reference validator's model checks (taoverse `verify_model_satisfies_parameters`), computed from
 * the checkpoint before any scoring: the parameter count (tied weights once) within the competition's
 * bounds, the architecture allowed, and the weight-norm check over every layer's q/k/v/o/up/down
 * projections — any norm above `hard` fails, and so does a mean (over the six projection names) of the
 * fraction of layers with a norm above `soft` that exceeds `softPercentThreshold`.
 *
 * @module
 */
import type { Competition } from "../eval/competitions.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { ModelCheckError } from "./errors.ts";
import { parseModelConfig } from "./model_config.ts";
import { NORM_CHECK_PROJECTIONS, type Projection, projectionName, resolveTensors } from "./model_tensors.ts";
import { tensorNorms } from "./weight_norms.ts";

/** The weight-norm limits of a competition (taoverse `NormValidationConstraints`). */
export interface NormConstraints {
  /** A layer's projection "exceeds" above this norm. */
  readonly soft: number;
  /** Largest allowed mean fraction of exceeding layers. */
  readonly softPercentThreshold: number;
  /** No projection may have a norm above this. */
  readonly hard: number;
}

/** What a competition requires of a model's weights. */
export interface ModelConstraints {
  /** Smallest allowed parameter count (inclusive). */
  readonly minParameters: number;
  /** Largest allowed parameter count (inclusive). */
  readonly maxParameters: number;
  /** Allowed transformers classes. @default SN37_ALLOWED_ARCHITECTURES */
  readonly allowedArchitectures?: readonly string[];
  /** Norm limits; `null` skips the norm check. @default SN37_NORM_CONSTRAINTS */
  readonly norms?: NormConstraints | null;
}

/** The architectures every current SN37 competition allows. */
export const SN37_ALLOWED_ARCHITECTURES: readonly string[] = [
  "BartForCausalLM",
  "FalconForCausalLM",
  "Gemma2ForCausalLM",
  "GemmaForCausalLM",
  "GPTNeoXForCausalLM",
  "LlamaForCausalLM",
  "MistralForCausalLM",
  "Phi3ForCausalLM",
  "PhiForCausalLM",
];

/** The norm limits of every current SN37 competition. */
export const SN37_NORM_CONSTRAINTS: NormConstraints = { soft: 200, softPercentThreshold: 0.15, hard: 1000 };

/**
 * The constraints of a competition from the competition table: its parameter bounds, with the
 * architectures and norm limits every SN37 competition shares (the table does not carry them).
 */
export function constraintsFor(competition: Pick<Competition, "minParameters" | "maxParameters">): ModelConstraints {
  return {
    minParameters: competition.minParameters,
    maxParameters: competition.maxParameters,
    allowedArchitectures: SN37_ALLOWED_ARCHITECTURES,
    norms: SN37_NORM_CONSTRAINTS,
  };
}

/** What the checks measured. */
export interface ModelCheckReport {
  readonly architecture: string;
  readonly parameterCount: number;
  /** Norm of each projection per layer (bfloat16-rounded, as torch reports them); empty when skipped. */
  readonly norms: Readonly<Partial<Record<Projection, readonly number[]>>>;
  /** Fraction of layers above `soft`, per projection. */
  readonly exceedFractions: Readonly<Partial<Record<Projection, number>>>;
  /** Mean of `exceedFractions`. */
  readonly meanExceedFraction: number;
  /** The largest norm and its tensor. */
  readonly maxNorm: { readonly tensor: string; readonly norm: number } | undefined;
}

/** Options of {@linkcode checkModelConstraints}. */
export interface CheckModelConstraintsOptions {
  /** Name for messages. @default the checkpoint directory */
  name?: string;
  /** Cancels the norm computation. */
  signal?: AbortSignal;
}

/**
 * Runs the checks and returns the measurements.
 *
 * @throws {ModelCheckError} with the numbers, when a check fails
 * @throws {UnsupportedModelError} or {ModelFormatError} when the checkpoint cannot be read as a supported model
 */
export async function checkModelConstraints(
  checkpoint: Checkpoint,
  constraints: ModelConstraints,
  options: CheckModelConstraintsOptions = {},
): Promise<ModelCheckReport> {
  const name = options.name ?? checkpoint.dir;
  const arch = parseModelConfig(checkpoint.config, { name });
  const tensors = resolveTensors(arch, checkpoint.tensors, name);
  const parameterCount = [...tensors.values()].reduce((sum, t) => sum + t.elements, 0);
  const hint = "The model does not meet the competition's constraints; it scores Infinity until the miner fixes it";
  if (parameterCount < constraints.minParameters || parameterCount > constraints.maxParameters) {
    throw new ModelCheckError(
      `Model "${name}" has ${parameterCount} parameters, the competition allows ${constraints.minParameters} to ${constraints.maxParameters}`,
      "parameters",
      { parameterCount, minParameters: constraints.minParameters, maxParameters: constraints.maxParameters },
      { hint },
    );
  }
  const allowed = constraints.allowedArchitectures ?? SN37_ALLOWED_ARCHITECTURES;
  if (!allowed.includes(arch.architecture)) {
    throw new ModelCheckError(
      `Model "${name}" is a ${arch.architecture}, the competition allows ${allowed.join(", ")}`,
      "architecture",
      { architecture: arch.architecture, allowedArchitectures: allowed },
      { hint },
    );
  }
  const limits = constraints.norms === undefined ? SN37_NORM_CONSTRAINTS : constraints.norms;
  if (limits === null) {
    return {
      architecture: arch.architecture,
      parameterCount,
      norms: {},
      exceedFractions: {},
      meanExceedFraction: 0,
      maxNorm: undefined,
    };
  }

  const order = NORM_CHECK_PROJECTIONS.flatMap((projection) =>
    Array.from({ length: arch.numLayers }, (_, layer) => tensors.get(projectionName(layer, projection))!)
  );
  const paths = Object.fromEntries(checkpoint.files.map((f) => [f.name, f.path]));
  const flat = await tensorNorms(order, paths, options.signal ? { signal: options.signal } : {});
  const norms: Partial<Record<Projection, number[]>> = {};
  const exceedFractions: Partial<Record<Projection, number>> = {};
  let maxNorm: { tensor: string; norm: number } | undefined;
  NORM_CHECK_PROJECTIONS.forEach((projection, p) => {
    const values = flat.slice(p * arch.numLayers, (p + 1) * arch.numLayers);
    norms[projection] = values;
    exceedFractions[projection] = values.filter((n) => n > limits.soft).length / arch.numLayers;
    values.forEach((norm, layer) => {
      if (!maxNorm || norm > maxNorm.norm) maxNorm = { tensor: projectionName(layer, projection), norm };
    });
  });
  // Python's statistics.fmean: an exactly rounded sum (math.fsum), then one division.
  const meanExceedFraction = compensatedSum(NORM_CHECK_PROJECTIONS.map((p) => exceedFractions[p]!)) /
    NORM_CHECK_PROJECTIONS.length;
  const report = {
    architecture: arch.architecture,
    parameterCount,
    norms,
    exceedFractions,
    meanExceedFraction,
    maxNorm,
  };
  if (maxNorm && maxNorm.norm > limits.hard) {
    throw new ModelCheckError(
      `Model "${name}" fails the weight-norm check: "${maxNorm.tensor}" has norm ${maxNorm.norm}, the limit is ${limits.hard}`,
      "norms",
      { ...report, limits },
      { hint },
    );
  }
  if (meanExceedFraction > limits.softPercentThreshold) {
    throw new ModelCheckError(
      `Model "${name}" fails the weight-norm check: the mean fraction of layers with a projection norm above ` +
        `${limits.soft} is ${meanExceedFraction.toFixed(4)}, the limit is ${limits.softPercentThreshold}`,
      "norms",
      { ...report, limits },
      { hint },
    );
  }
  return report;
}

function compensatedSum(values: readonly number[]): number {
  let sum = 0;
  let carry = 0;
  for (const v of values) {
    const t = sum + v;
    carry += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + carry;
}
