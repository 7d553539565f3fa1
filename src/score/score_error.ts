/**
 * The scoring stage's own error: the runtime cannot work here. A model's
 * failures are `ModelError`s (`src/errors/`), a bad samples file is the
 * sample format's `SamplesError` (`src/eval/`).
 *
 * @module
 */
import { ExitCode, SubvalidError, type SubvalidErrorOptions } from "../errors/mod.ts";

/** The scoring runtime cannot work here (no such device, broken install). */
export class ScoreRuntimeError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
}

/**
 * Scoring cannot happen on the validator's side: the worker cannot start, or
 * it reports a failure that is not the model's. Never a miner's score.
 */
export class ScoringUnavailableError extends SubvalidError {
  override readonly exitCode: ExitCode;
  constructor(message: string, options: SubvalidErrorOptions & { exitCode?: number } = {}) {
    super(message, options);
    this.exitCode = (options.exitCode ?? ExitCode.Score) as ExitCode;
  }
}
