/**
 * Shared settings of the property-based fuzz tests (`tests/fuzz/*_fuzz_test.ts`, fast-check).
 *
 * Every property runs with a fixed seed, so CI is deterministic and a failure reproduces: fast-check's
 * failure report prints the seed and the shrunk counterexample's path. Two environment variables widen
 * a run by hand (`deno task fuzz`):
 *
 * - `FUZZ_SEED`: an integer seed, or `random` for a fresh one (printed before the first property runs);
 * - `FUZZ_RUNS`: a factor on every property's number of runs (default 1; e.g. 20 for a long session).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";

/** The seed CI runs with. */
export const DEFAULT_FUZZ_SEED = 0x5eed37;

function envSeed(): number {
  const text = Deno.env.get("FUZZ_SEED");
  if (text === undefined || text === "") return DEFAULT_FUZZ_SEED;
  if (text === "random") {
    const seed = crypto.getRandomValues(new Uint32Array(1))[0]! | 0;
    // deno-lint-ignore no-console
    console.error(`FUZZ_SEED=${seed}`);
    return seed;
  }
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`FUZZ_SEED "${text}" is not an integer or "random"`);
  return seed | 0;
}

function envScale(): number {
  const text = Deno.env.get("FUZZ_RUNS");
  if (text === undefined || text === "") return 1;
  const scale = Number(text);
  if (!(scale > 0)) throw new RangeError(`FUZZ_RUNS "${text}" is not a positive number`);
  return scale;
}

const SEED = envSeed();
const SCALE = envScale();

/** fast-check parameters for a property: the fixed (or chosen) seed and `numRuns` × `FUZZ_RUNS`. */
export function fuzzParameters<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * SCALE)), ...extra };
}

// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * The property every fuzzed parser keeps: `run` returns a value, or throws one of the documented
 * error classes whose message names the input (each of `names` appears in it). Anything else (a
 * `TypeError` from deep inside, a stack overflow, an error that does not say what failed) fails.
 */
export function valueOrTypedError<T>(
  run: () => T,
  allowed: readonly ErrorClass[],
  names: readonly string[] = [],
): { value: T } | { error: Error } {
  try {
    return { value: run() };
  } catch (error) {
    checkTypedError(error, allowed, names);
    return { error: error as Error };
  }
}

/** {@linkcode valueOrTypedError} for an asynchronous `run`. */
export async function valueOrTypedErrorAsync<T>(
  run: () => Promise<T>,
  allowed: readonly ErrorClass[],
  names: readonly string[] = [],
): Promise<{ value: T } | { error: Error }> {
  try {
    return { value: await run() };
  } catch (error) {
    checkTypedError(error, allowed, names);
    return { error: error as Error };
  }
}

function checkTypedError(error: unknown, allowed: readonly ErrorClass[], names: readonly string[]): void {
  if (!allowed.some((type) => error instanceof type)) {
    const what = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
    assert.fail(`Expected one of ${allowed.map((t) => t.name).join(", ")}, got ${what}`);
  }
  const message = (error as Error).message;
  for (const name of names) {
    assert.ok(message.includes(name), `The error does not name "${name}": ${message}`);
  }
  assert.match(message, /^[A-Z]/, `The message starts with a capital: ${message}`);
}

/** Bytes that mutate `base`: flips, overwrites, insertions, deletions and a truncation. */
export function mutatedBytes(base: Uint8Array, maxEdits = 4): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits }).map((edits) => {
    let bytes: Uint8Array<ArrayBuffer> = new Uint8Array(base);
    for (const e of edits) {
      const at = bytes.length === 0 ? 0 : e.at % (bytes.length + (e.kind === "insert" ? 1 : 0));
      switch (e.kind) {
        case "set":
          if (bytes.length > 0) bytes[at] = e.value;
          break;
        case "flip":
          if (bytes.length > 0) bytes[at]! ^= 1 << e.bit;
          break;
        case "insert":
          bytes = concat(bytes.subarray(0, at), e.bytes, bytes.subarray(at));
          break;
        case "delete":
          bytes = concat(bytes.subarray(0, at), bytes.subarray(at + e.length));
          break;
        case "truncate":
          bytes = bytes.slice(0, at);
          break;
      }
    }
    return bytes;
  });
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
