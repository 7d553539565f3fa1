/**
 * The wall clock behind the {@linkcode Clock} port.
 *
 * @module
 */
import { delay } from "../util/mod.ts";
import type { Clock } from "./ports.ts";

/** The real clock: `Date.now()` and an abortable delay. */
export const realClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) => delay(ms, signal),
});
