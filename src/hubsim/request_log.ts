/**
 * The local hub's record of every request, so tests can assert what a client asked for (for example
 * that no weight bytes were requested before a size check failed).
 *
 * @module
 */
import type { HubRoute } from "./faults.ts";

/** One request the hub answered. */
export interface RequestRecord {
  /** Sequence number, from 1. */
  readonly id: number;
  /** When it arrived (ms since the epoch). */
  readonly time: number;
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  /** The route, or `undefined` for unknown and control URLs. */
  readonly route: HubRoute | undefined;
  /** Repository `namespace/name`, when the route names one. */
  readonly repo: string | undefined;
  /** Revision asked for, when the route names one. */
  readonly revision: string | undefined;
  /** File path inside the repository (resolve, cdn). */
  readonly path: string | undefined;
  /** The `Range` header. */
  readonly range: string | undefined;
  /** Whether an `Authorization` header was sent. */
  readonly authorized: boolean;
  /** Response status. */
  status: number;
  /** The fault type applied, if any. */
  fault: string | undefined;
  /** Body bytes sent so far (counted as the client reads them). */
  bytes: number;
}

/** A filter over records. */
export type RequestFilter = (record: RequestRecord) => boolean;

/** Every request of one hub, in arrival order. */
export class RequestLog {
  readonly #records: RequestRecord[] = [];
  #next = 1;

  /** Adds a record (the hub does this). */
  add(record: Omit<RequestRecord, "id" | "time" | "status" | "fault" | "bytes">): RequestRecord {
    const full: RequestRecord = {
      ...record,
      id: this.#next++,
      time: Date.now(),
      status: 0,
      fault: undefined,
      bytes: 0,
    };
    this.#records.push(full);
    return full;
  }

  /** The records, optionally filtered. */
  list(filter?: RequestFilter): RequestRecord[] {
    return filter === undefined ? [...this.#records] : this.#records.filter(filter);
  }

  /** How many records match. */
  count(filter?: RequestFilter): number {
    return filter === undefined ? this.#records.length : this.#records.filter(filter).length;
  }

  /** Body bytes sent for matching records. */
  bytes(filter?: RequestFilter): number {
    return this.list(filter).reduce((sum, record) => sum + record.bytes, 0);
  }

  /** Forgets every record. */
  clear(): void {
    this.#records.length = 0;
  }
}
