/**
 * Errors of the scoring stage. A {@linkcode ModelError} is the model's fault
 * (bad graph, vocabulary mismatch, runtime failure): the model scores
 * `Infinity`. A {@linkcode SamplesError} is the caller's (unreadable or
 * malformed samples file).
 *
 * @module
 */
import { ExitCode, SubvalidError } from "../errors/mod.ts";

/** A model that cannot be scored; its score is `Infinity`. */
export class ModelError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
}

/** A samples file that cannot be read or parsed. */
export class SamplesError extends SubvalidError {
  override readonly exitCode = ExitCode.Usage;
}

/** The scoring runtime cannot work here (no such device, broken install). */
export class ScoreRuntimeError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
}
