/**
 * The chain as the validator last saw it, in its state's meta table: the
 * last metagraph snapshot (with the commitments) and the last head, with the
 * time it was read. The recording chain reader (`live/`) writes them; the
 * offline reader, the status page and the metrics read them.
 *
 * @module
 */
import type { ValidatorState } from "../state/mod.ts";
import type { ChainView } from "./ports.ts";

/** The meta key of the last snapshot (a {@linkcode ChainView} as JSON). */
export const SNAPSHOT_META_KEY = "chain_snapshot";
/** The meta key of the last head read ({@linkcode RecordedHead} as JSON). */
export const HEAD_META_KEY = "chain_head";

/** A head the validator read, and when. */
export interface RecordedHead {
  readonly block: number;
  readonly hash: string;
  /** ms since the Unix epoch. */
  readonly at: number;
}

/** The last snapshot recorded in a state, if any. */
export function recordedSnapshot(state: ValidatorState): ChainView | undefined {
  const text = state.meta(SNAPSHOT_META_KEY);
  return text === undefined ? undefined : JSON.parse(text) as ChainView;
}

/** The last head recorded in a state, if any. */
export function recordedHead(state: ValidatorState): RecordedHead | undefined {
  const text = state.meta(HEAD_META_KEY);
  return text === undefined ? undefined : JSON.parse(text) as RecordedHead;
}
