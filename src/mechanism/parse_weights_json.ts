/**
 * Reads a weights file: `{"uids": [...], "weights": [...]}` or a map
 * `{"<uid>": weight, ...}`.
 *
 * @module
 */

/** Weights per uid before conversion to u16. */
export interface WeightsInput {
  /** Destination uids. */
  readonly uids: number[];
  /** One non-negative weight per uid (any scale). */
  readonly weights: number[];
}

function isUidKey(key: string): boolean {
  return /^(0|[1-9][0-9]{0,4})$/.test(key) && Number(key) <= 65535;
}

/**
 * Parses the text of a weights file. `source` names the file in messages.
 *
 * @throws {SyntaxError} If the text is not JSON, has neither accepted shape, or names a uid twice.
 *
 * @example
 * ```ts
 * import { parseWeightsJson } from "./parse_weights_json.ts";
 * console.assert(parseWeightsJson('{"3": 0.5, "7": 1}').uids.join() === "3,7");
 * ```
 */
export function parseWeightsJson(text: string, source = "weights file"): WeightsInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`Cannot read ${source}: not JSON (${(error as Error).message})`);
  }
  const shapes = `expected {"uids": [...], "weights": [...]} or {"<uid>": weight, ...}`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SyntaxError(`Cannot read ${source}: ${shapes}`);
  }
  const record = value as Record<string, unknown>;
  if ("uids" in record || "weights" in record) {
    const { uids, weights } = record;
    if (!Array.isArray(uids) || !Array.isArray(weights)) {
      throw new SyntaxError(`Cannot read ${source}: "uids" and "weights" must both be arrays; ${shapes}`);
    }
    uids.forEach((uid, i) => {
      if (typeof uid !== "number" || !Number.isInteger(uid)) {
        throw new SyntaxError(`Cannot read ${source}: uids[${i}] is ${JSON.stringify(uid)}, expected an integer`);
      }
    });
    weights.forEach((w, i) => {
      if (typeof w !== "number") {
        throw new SyntaxError(`Cannot read ${source}: weights[${i}] is ${JSON.stringify(w)}, expected a number`);
      }
    });
    const first = new Map<number, number>();
    uids.forEach((uid, i) => {
      const earlier = first.get(uid);
      if (earlier !== undefined) {
        throw new SyntaxError(
          `Cannot read ${source}: uid ${uid} appears twice (uids[${earlier}] and uids[${i}]); give each uid one weight`,
        );
      }
      first.set(uid, i);
    });
    return { uids: uids as number[], weights: weights as number[] };
  }
  const uids: number[] = [];
  const weights: number[] = [];
  for (const [key, w] of Object.entries(record)) {
    if (!isUidKey(key)) throw new SyntaxError(`Cannot read ${source}: key "${key}" is not a uid; ${shapes}`);
    if (typeof w !== "number") {
      throw new SyntaxError(
        `Cannot read ${source}: the weight of uid ${key} is ${JSON.stringify(w)}, expected a number`,
      );
    }
    uids.push(Number(key));
    weights.push(w);
  }
  // JSON.parse keeps the last of repeated keys silently; the values are plain numbers, so the keys can be counted.
  const seen = new Set<string>();
  for (const [, key] of text.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)) {
    if (seen.has(key!)) {
      throw new SyntaxError(`Cannot read ${source}: uid ${key} appears twice; give each uid one weight`);
    }
    seen.add(key!);
  }
  return { uids, weights };
}
