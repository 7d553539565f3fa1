/**
 * The state kept between epochs: the competition's moving average of the
 * weights, written atomically after every epoch so a crash never loses or
 * half-writes it.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import { getLog } from "../log/mod.ts";

/** What is kept between epochs. */
export interface EpochState {
  readonly netuid: number;
  readonly competitionId: number;
  /** The block of the epoch that wrote it. */
  readonly block: number;
  /** uid → moving-average weight. */
  readonly average: ReadonlyMap<number, number>;
}

const VERSION = 1;

const DAMAGED_HINT = "Move the file away (or delete it) to start a fresh moving average, or restore it from a " +
  "backup; subvalid replaces it atomically, so something else changed it";

/**
 * Reads the state file; `undefined` when there is none, or when it belongs to
 * another subnet or competition (a warning says so).
 *
 * @throws {ConfigError} when the file is empty or not a state file (it is left alone; exit code 2)
 */
export async function readEpochState(
  path: string,
  expect: { netuid: number; competitionId: number },
): Promise<EpochState | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (text.trim() === "") {
    throw new ConfigError(`Cannot read epoch state "${path}": the file is empty`, { hint: DAMAGED_HINT });
  }
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Cannot read epoch state "${path}": not JSON (${(error as Error).message})`, {
      hint: DAMAGED_HINT,
      cause: error,
    });
  }
  const average = (value as Record<string, unknown> | null)?.average as Record<string, unknown> | undefined;
  if (
    typeof value !== "object" || value === null || value.version !== VERSION || typeof value.netuid !== "number" ||
    typeof value.competitionId !== "number" ||
    typeof value.block !== "number" || typeof average !== "object" || average === null ||
    Object.entries(average).some(([uid, w]) => !/^\d+$/.test(uid) || typeof w !== "number" || !(w >= 0))
  ) {
    throw new ConfigError(`Cannot read epoch state "${path}": not a version ${VERSION} state file`, {
      hint: DAMAGED_HINT,
    });
  }
  if (value.netuid !== expect.netuid || value.competitionId !== expect.competitionId) {
    getLog("epoch").warn(
      `Ignoring epoch state "${path}": it is for subnet ${value.netuid}, competition ${value.competitionId}`,
    );
    return undefined;
  }
  return {
    netuid: value.netuid,
    competitionId: value.competitionId,
    block: value.block,
    average: new Map(Object.entries(average).map(([uid, w]) => [Number(uid), w as number])),
  };
}

const TEMPORARY = /^\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporaries an interrupted {@linkcode writeEpochState} left
 * beside the state file (`<state>.<uuid>.tmp`; one validator per state file,
 * so none is in use). Returns how many went.
 */
export async function removeStaleTemporaries(path: string): Promise<number> {
  const name = basename(path);
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dirname(path))) {
      if (!entry.isFile || !entry.name.startsWith(name) || !TEMPORARY.test(entry.name.slice(name.length))) continue;
      await Deno.remove(join(dirname(path), entry.name));
      removed++;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (removed > 0) getLog("epoch").info(`Removed ${removed} stale temporary files beside "${path}"`);
  return removed;
}

/** Writes the state file atomically (a temporary file renamed over it). */
export async function writeEpochState(path: string, state: EpochState): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  const body = {
    version: VERSION,
    netuid: state.netuid,
    competitionId: state.competitionId,
    block: state.block,
    average: Object.fromEntries(state.average),
  };
  try {
    await Deno.writeTextFile(temp, `${JSON.stringify(body, null, 2)}\n`);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
