/**
 * Events of one block, encoded as `System.Events` holds them:
 * `Vec<EventRecord { phase, event: [pallet, variant] ++ fields, topics }>`.
 *
 * @module
 */
import { compactToU8a, stringCamelCase, u8aConcat } from "@polkadot/util";
import type { DevnetRuntime } from "./runtime.ts";

/** When in the block an event happened. */
export type Phase = { readonly applyExtrinsic: number } | "finalization" | "initialization";

/** A decoded view of an emitted event, for tests and logs. */
export interface EmittedEvent {
  readonly pallet: string;
  readonly name: string;
  readonly phase: Phase;
}

/** Collects the events of one block. */
export class EventSink {
  readonly #runtime: DevnetRuntime;
  readonly #records: Uint8Array[] = [];
  readonly emitted: EmittedEvent[] = [];
  /** The phase new events get. */
  phase: Phase = "initialization";

  constructor(runtime: DevnetRuntime) {
    this.#runtime = runtime;
  }

  /** Emits `pallet.name(...fields)`; fields are encoded with the event's metadata types. */
  emit(pallet: string, name: string, fields: readonly unknown[]): void {
    const runtime = this.#runtime;
    const event = runtime.decorated.events[stringCamelCase(pallet)]?.[name];
    if (event === undefined) throw new RangeError(`Unknown event "${pallet}.${name}"`);
    const types = event.meta.fields;
    if (types.length !== fields.length) {
      throw new RangeError(`Event "${pallet}.${name}" has ${types.length} fields, got ${fields.length}`);
    }
    const encoded = types.map((field, i) =>
      runtime.registry.createTypeUnsafe(runtime.registry.createLookupType(field.type), [fields[i]]).toU8a()
    );
    this.#records.push(u8aConcat(
      encodePhase(this.phase),
      new Uint8Array([runtime.palletIndex(pallet), event.meta.index.toNumber()]),
      ...encoded,
      new Uint8Array([0]),
    ));
    this.emitted.push({ pallet, name, phase: this.phase });
  }

  /** Drops the events emitted after the first `count` (a failed dispatch's). */
  truncate(count: number): void {
    this.#records.length = count;
    this.emitted.length = count;
  }

  /** The number of events. */
  get count(): number {
    return this.#records.length;
  }

  /** `Vec<EventRecord>` bytes. */
  encode(): Uint8Array {
    return u8aConcat(compactToU8a(this.#records.length), ...this.#records);
  }
}

function encodePhase(phase: Phase): Uint8Array {
  if (phase === "finalization") return new Uint8Array([1]);
  if (phase === "initialization") return new Uint8Array([2]);
  const out = new Uint8Array(5);
  new DataView(out.buffer).setUint32(1, phase.applyExtrinsic, true);
  return out;
}
