/**
 * The state kept between epochs: the competition's moving average of the
 * weights, written atomically after every epoch so a crash never loses or
 * half-writes it.
 *
 * @module
 */
import { dirname } from "node:path";
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

/**
 * Reads the state file; `undefined` when there is none, or when it belongs to
 * another subnet or competition (a warning says so).
 *
 * @throws {SyntaxError} when the file is not a state file (it is left alone)
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
  const value = JSON.parse(text) as Record<string, unknown>;
  const average = value.average as Record<string, unknown> | undefined;
  if (
    value.version !== VERSION || typeof value.netuid !== "number" || typeof value.competitionId !== "number" ||
    typeof value.block !== "number" || typeof average !== "object" || average === null ||
    Object.entries(average).some(([uid, w]) => !/^\d+$/.test(uid) || typeof w !== "number" || !(w >= 0))
  ) {
    throw new SyntaxError(`Cannot read epoch state "${path}": not a version ${VERSION} state file`);
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
