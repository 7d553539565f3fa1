/**
 * Why an evaluation task's data did not load, named after what the reference validator does in that
 * case (research/sn37_mechanism.md §3.2; the comments of `tests/fixtures/reference_loaders.py`).
 *
 * @module
 */
import { ExitCode, SubvalidError } from "../errors/mod.ts";

/** The ways a task's data fails to load. */
export type DatasetLoadFailure =
  /** `/size` failed (any status, network error or bad body); the reference does not retry it. */
  | "size-failed"
  /** `/size` left no config (e.g. only splits of "default" among several entries). */
  | "no-configs"
  /** The drawn config has fewer rows than the initial offset needs (`randint(0, -1)` raises). */
  | "no-pages"
  /** The 10th failure of a fetch round was a 429. */
  | "rate-limited"
  /** The 10th failure was another HTTP error: the reference re-raises it and the whole step is aborted. */
  | "http-error"
  /** A connection error or timeout was the 10th failure, or came before any answer in its round. */
  | "network-error"
  /** The 10th failure was a page body that is not JSON. */
  | "bad-json"
  /** A page body of the wrong shape (no `rows`, a row without `row` or `messages`). */
  | "bad-rows"
  /** A 429 whose `Retry-After` is not an integer >= 0 (Python's `int()` or `time.sleep` raises). */
  | "bad-retry-after"
  /** No row loaded: the reference's loader has length 0 and the validator leaves the task out. */
  | "empty";

/** A task whose data did not load; the task is left out of the step (or the step aborted). */
export class DatasetLoadError extends SubvalidError {
  override readonly exitCode = ExitCode.Hub;
  readonly kind: DatasetLoadFailure;
  /** The dataset repository. */
  readonly dataset: string;
  /** Whether the reference aborts the whole evaluation step (an HTTP error that is not a 429). */
  readonly abortsStep: boolean;

  constructor(kind: DatasetLoadFailure, dataset: string, message: string, options: { cause?: unknown } = {}) {
    super(message, {
      hint: kind === "empty" || kind === "no-pages" || kind === "no-configs"
        ? "The dataset's configs or rows do not fit the loader; check the datasets-server answers"
        : "The datasets-server failed; the next sync block draws again",
      cause: options.cause,
    });
    this.kind = kind;
    this.dataset = dataset;
    this.abortsStep = kind === "http-error";
  }
}
