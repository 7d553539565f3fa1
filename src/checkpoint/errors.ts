/**
 * Per-miner errors of the safetensors → ONNX builder. Each is a scoring
 * failure of one model (exit code {@linkcode ExitCode.Score}), never a reason
 * to stop an epoch.
 *
 * @module
 */
import { ExitCode, SubvalidError, type SubvalidErrorOptions } from "../errors/mod.ts";

/** A checkpoint file is malformed: a bad safetensors header, index or config.json. */
export class ModelFormatError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
}

/** The checkpoint is well formed but uses an architecture or a config value the builder does not support. */
export class UnsupportedModelError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
  /** The config.json field at fault (dotted path), when one is. */
  readonly field: string | undefined;

  constructor(message: string, options: SubvalidErrorOptions & { field?: string } = {}) {
    super(message, options);
    this.field = options.field;
  }
}

/** Which model check failed. */
export type ModelCheckKind = "parameters" | "architecture" | "norms";

/** A model failed a competition check (parameter count, architecture, weight norms). */
export class ModelCheckError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
  /** The check that failed. */
  readonly check: ModelCheckKind;
  /** The numbers behind the verdict (counts, limits, norms). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    message: string,
    check: ModelCheckKind,
    details: Readonly<Record<string, unknown>>,
    options: SubvalidErrorOptions = {},
  ) {
    super(message, options);
    this.check = check;
    this.details = details;
  }
}
