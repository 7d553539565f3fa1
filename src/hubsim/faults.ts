/**
 * Fault injection for the local hub: rules that match requests by route, repository, file path and
 * method, and make the hub fail them in a chosen way a given number of times.
 *
 * @module
 */

/** The routes of the local hub. */
export type HubRoute =
  | "list"
  | "model-info"
  | "tree"
  | "paths-info"
  | "resolve"
  | "cdn"
  | "size"
  | "splits"
  | "rows";

/** Every route, for validation. */
export const HUB_ROUTES: readonly HubRoute[] = [
  "list",
  "model-info",
  "tree",
  "paths-info",
  "resolve",
  "cdn",
  "size",
  "splits",
  "rows",
];

/** What a fault does to a matching request. */
export type FaultAction =
  /** Answer with this status (e.g. 500, 502, 503) and a JSON error body. */
  | { readonly type: "status"; readonly status: number; readonly message?: string }
  /** Answer 404 with this `X-Error-Code`. @default "EntryNotFound" */
  | { readonly type: "not-found"; readonly code?: "EntryNotFound" | "RepoNotFound" | "RevisionNotFound" }
  /**
   * Answer 429 with this `Retry-After` (a number of seconds, or any raw header text; `null` sends none).
   * @default 1
   */
  | { readonly type: "rate-limit"; readonly retryAfter?: number | string | null }
  /** Wait before answering, and/or send the body at this rate. */
  | { readonly type: "slow"; readonly delayMs?: number; readonly bytesPerSecond?: number }
  /** Announce the full `Content-Length` but close the body after this many bytes. @default half the body */
  | { readonly type: "truncate"; readonly afterBytes?: number }
  /** Send the right length but wrong bytes. */
  | { readonly type: "corrupt" }
  /** Answer with exactly this body (a malformed page, an `{"error"}` with a 200, ...). */
  | {
    readonly type: "body";
    readonly body: string;
    /** @default 200 */
    readonly status?: number;
    /** @default "application/json; charset=utf-8" */
    readonly contentType?: string;
  }
  /** `/rows` only: serve the page with just its first `count` rows (0: an empty page). */
  | { readonly type: "rows"; readonly count: number };

/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  /** Routes; a body fault on `resolve` also applies to the `cdn` route it redirects to. @default every route */
  readonly route?: HubRoute | readonly HubRoute[];
  /** Repository `namespace/name` (for `size`, `splits` and `rows`: the `dataset` parameter). @default every repository */
  readonly repo?: string;
  /**
   * File path inside the repository; `*` matches any characters (`*.onnx*`). For `rows` the path is
   * `<config>/<split>/<offset>`, for `size` and `splits` the `config` parameter or "". @default every path
   */
  readonly path?: string;
  /** HTTP method. @default every method */
  readonly method?: string;
  /** How many matching requests fail; afterwards the fault is spent. @default Infinity */
  readonly times?: number;
}

/** A fault rule: an action and what it matches. */
export type FaultRule = FaultAction & FaultMatch;

/** A fault added to a {@linkcode FaultSet}. */
export interface Fault {
  readonly id: number;
  readonly rule: FaultRule;
  /** Requests it has applied to. */
  readonly hits: number;
  /** Whether it may still apply. */
  readonly active: boolean;
  /** Removes the fault. */
  remove(): void;
}

/** What a request is, for matching. */
export interface FaultTarget {
  readonly route: HubRoute;
  readonly method: string;
  readonly repo?: string | undefined;
  readonly path?: string | undefined;
}

const BODY_FAULTS = new Set(["slow", "truncate", "corrupt"]);

class FaultEntry implements Fault {
  hits = 0;
  constructor(readonly id: number, readonly rule: FaultRule, private readonly set: FaultSet) {}
  get active(): boolean {
    return this.hits < (this.rule.times ?? Infinity);
  }
  remove(): void {
    this.set.remove(this.id);
  }
}

/** The faults of one hub. Rules apply in the order added; the first active match wins. */
export class FaultSet {
  #next = 1;
  readonly #entries = new Map<number, FaultEntry>();

  /** Adds a rule and returns its handle. @throws {TypeError} for an unknown type or route */
  add(rule: FaultRule): Fault {
    validateRule(rule);
    const entry = new FaultEntry(this.#next++, rule, this);
    this.#entries.set(entry.id, entry);
    return entry;
  }

  /** Removes one fault. */
  remove(id: number): void {
    this.#entries.delete(id);
  }

  /** Removes every fault. */
  clear(): void {
    this.#entries.clear();
  }

  /** The faults, in order. */
  list(): Fault[] {
    return [...this.#entries.values()];
  }

  /** Finds the fault for a request and counts a hit; `undefined` when none applies. */
  take(target: FaultTarget): FaultRule | undefined {
    for (const entry of this.#entries.values()) {
      if (entry.active && matches(entry.rule, target)) {
        entry.hits++;
        return entry.rule;
      }
    }
    return undefined;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.route !== undefined) {
    const routes: readonly HubRoute[] = typeof rule.route === "string" ? [rule.route] : rule.route;
    const viaRedirect = target.route === "cdn" && routes.includes("resolve") && BODY_FAULTS.has(rule.type);
    if (!routes.includes(target.route) && !viaRedirect) return false;
  }
  if (rule.method !== undefined && rule.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (rule.repo !== undefined && rule.repo !== target.repo) return false;
  if (rule.path !== undefined && (target.path === undefined || !globToRegExp(rule.path).test(target.path))) {
    return false;
  }
  return true;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${escaped}$`);
}

const TYPES = new Set(["status", "not-found", "rate-limit", "slow", "truncate", "corrupt", "body", "rows"]);

function validateRule(rule: FaultRule): void {
  if (typeof rule !== "object" || rule === null || !TYPES.has(rule.type)) {
    throw new TypeError(
      `Cannot add fault: unknown type "${(rule as { type?: unknown })?.type}", expected one of ${
        [...TYPES].join(", ")
      }`,
    );
  }
  const routes = rule.route === undefined ? [] : typeof rule.route === "string" ? [rule.route] : rule.route;
  for (const route of routes) {
    if (!HUB_ROUTES.includes(route)) {
      throw new TypeError(`Cannot add fault: unknown route "${route}", expected one of ${HUB_ROUTES.join(", ")}`);
    }
  }
  if (rule.type === "status" && !(Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599)) {
    throw new TypeError(`Cannot add fault: status must be an integer in 400..599, got ${rule.status}`);
  }
  if (rule.type === "body") {
    if (typeof rule.body !== "string") throw new TypeError(`Cannot add fault: a body fault needs a string "body"`);
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599)) {
      throw new TypeError(`Cannot add fault: status must be an integer in 200..599, got ${rule.status}`);
    }
  }
  if (rule.type === "rows" && !(Number.isInteger(rule.count) && rule.count >= 0)) {
    throw new TypeError(`Cannot add fault: a rows fault needs a non-negative integer "count", got ${rule.count}`);
  }
}

/**
 * Parses faults given on the command line: a JSON rule or array of rules.
 *
 * @example
 * ```ts
 * import { parseFaults } from "./faults.ts";
 * const rules = parseFaults('{"type":"rate-limit","retryAfter":2,"route":"resolve","times":1}');
 * console.assert(rules.length === 1);
 * ```
 * @throws {SyntaxError} for text that is not JSON
 * @throws {TypeError} for a rule that is not valid
 */
export function parseFaults(text: string): FaultRule[] {
  const value = JSON.parse(text) as unknown;
  const rules = (Array.isArray(value) ? value : [value]) as FaultRule[];
  for (const rule of rules) validateRule(rule);
  return rules;
}
