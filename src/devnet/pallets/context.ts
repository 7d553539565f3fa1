/**
 * What pallet code sees while a block is built: the block's storage, its
 * number, the event sink; and the module error a dispatch fails with.
 *
 * @module
 */
import type { EventSink } from "../events.ts";
import type { DevnetRuntime } from "../runtime.ts";
import type { State } from "../state.ts";

/** The block being built. */
export interface BlockContext {
  readonly runtime: DevnetRuntime;
  readonly state: State;
  /** The number of the block being built. */
  readonly number: number;
  readonly events: EventSink;
}

/** A dispatch failed with a module error (`System.ExtrinsicFailed { Module { index, error } }`). */
export class DispatchError extends Error {
  constructor(readonly pallet: string, readonly error: string) {
    super(`${pallet}.${error}`);
  }
}

/** Throws the module error `pallet.error`. */
export function fail(pallet: string, error: string): never {
  throw new DispatchError(pallet, error);
}

/** The SubtensorModule pallet name. */
export const SUBTENSOR = "SubtensorModule";

/** `mecid × 4096 + netuid`: the storage index of a subnet mechanism. */
export function storageIndex(netuid: number, mecid: number): number {
  return mecid * 4096 + netuid;
}

/** A codec's numeric value as a JS number. */
export function num(codec: unknown): number {
  return Number((codec as { toBigInt(): bigint }).toBigInt());
}

/** A codec's numeric value as a bigint. */
export function big(codec: unknown): bigint {
  return (codec as { toBigInt(): bigint }).toBigInt();
}
