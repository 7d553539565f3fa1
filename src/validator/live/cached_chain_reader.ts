/**
 * The chain as the validator last saw it, kept in its state: a reader that
 * records every snapshot and block hash it reads, and the offline reader
 * that serves only those (`validate --offline`: the chain is never
 * contacted; what was not recorded fails with a clear error).
 *
 * @module
 */
import { ExitCode, SubvalidError } from "../../errors/mod.ts";
import type { ValidatorState } from "../../state/mod.ts";
import { HEAD_META_KEY, SNAPSHOT_META_KEY } from "../chain_record.ts";
import type { ChainReader, ChainView } from "../ports.ts";

const SNAPSHOT_KEY = SNAPSHOT_META_KEY;
/** A head is recorded at most this often (each write is a synced transaction). */
const HEAD_RECORD_MS = 10_000;
const hashKey = (block: number) => `block_hash:${block}`;

/** Something the offline validator needs was never recorded. */
export class NotCachedError extends SubvalidError {
  override readonly exitCode = ExitCode.Usage;
}

/**
 * Wraps a live reader: every snapshot and block hash read is also recorded in
 * the state, and the head at most every 10 s (`now` gives the time).
 */
export function recordingChainReader(
  inner: ChainReader,
  state: ValidatorState,
  now: () => number = Date.now,
): ChainReader {
  let headRecordedAt = -Infinity;
  return {
    ...inner,
    async head(signal) {
      const head = await inner.head(signal);
      const at = now();
      if (at - headRecordedAt >= HEAD_RECORD_MS) {
        headRecordedAt = at;
        state.setMeta(HEAD_META_KEY, JSON.stringify({ block: head.block, hash: head.hash, at }));
      }
      return head;
    },
    async snapshot(signal) {
      const view = await inner.snapshot(signal);
      state.setMeta(
        SNAPSHOT_KEY,
        JSON.stringify({
          block: view.block,
          blockHash: view.blockHash,
          neurons: view.neurons.map(({ uid, hotkey, stake, validatorPermit }) => ({
            uid,
            hotkey,
            stake,
            validatorPermit,
          })),
          commitments: view.commitments,
        }),
      );
      return view;
    },
    async blockHash(block, signal) {
      const hash = await inner.blockHash(block, signal);
      state.setMeta(hashKey(block), hash);
      return hash;
    },
  };
}

/** A reader over what the state recorded; it never contacts the chain. */
export function offlineChainReader(state: ValidatorState): ChainReader {
  const snapshot = (): ChainView => {
    const text = state.meta(SNAPSHOT_KEY);
    if (text === undefined) {
      throw new NotCachedError(`Cannot run offline: the state "${state.path}" holds no chain snapshot`, {
        hint: "Run the validator online once (e.g. with --dry-run) so it records the chain, then --offline works",
      });
    }
    return JSON.parse(text) as ChainView;
  };
  return {
    snapshot: () => Promise.resolve().then(snapshot),
    head: () => Promise.resolve().then(() => ({ block: snapshot().block, hash: snapshot().blockHash })),
    blockHash: (block) =>
      Promise.resolve().then(() => {
        const hash = state.meta(hashKey(block));
        if (hash === undefined) {
          throw new NotCachedError(`Cannot run offline: the hash of block ${block} was never recorded`, {
            hint: "Run online once at this sync block, or give the data task its --block-hash",
          });
        }
        return hash;
      }),
    commitment: (uid, hotkey) =>
      Promise.resolve().then(() => snapshot().commitments.find((c) => c.uid === uid && c.hotkey === hotkey)),
    subnetWeights: () => Promise.resolve(new Map()),
  };
}
