/**
 * A competition's evaluation data for one sync block, ready to score, drawn
 * once: the reference's draw from the block hash's seed
 * ({@linkcode drawCompetitionData}), each sample encoded with the
 * competition's tokenizer when it forces one (else left as chat for each
 * model's own tokenizer), written as the scorer's JSON Lines, and kept in a
 * cache keyed by competition, block hash and tokenizer, so that every model
 * of a step, a restarted validator and `deno task data` reuse it without
 * asking the datasets server again. Draws where no task loaded are not
 * cached: the next attempt draws again.
 *
 * @module
 */
import { join } from "node:path";
import type { ScheduledCompetition } from "./competitions.ts";
import { drawCompetitionData, type DrawOptions } from "./draw_task_data.ts";
import type { ChatMessage } from "./samples.ts";
import { seedFromBlockHash } from "./sync_block.ts";

/** A tokenizer every model of the competition is scored with (e.g. `Xenova/gpt-4`). */
export interface SampleEncoder {
  /** What identifies it in the cache (repo and commit). */
  readonly key: string;
  encodeSample(sample: { messages: readonly ChatMessage[]; reference: string }): {
    contextIds: number[];
    referenceIds: number[];
    contextText: string;
  };
}

/** One sample, as `deno task data --json` prints it. */
export interface PreparedSample {
  /** The rendered chat context (null without a competition tokenizer). */
  readonly "context_text": string | null;
  readonly "reference_text": string;
  /** Token ids (null without a competition tokenizer: each model encodes with its own). */
  readonly "context_ids": number[] | null;
  readonly "reference_ids": number[] | null;
  /** The chat messages the context is rendered from. */
  readonly messages: readonly ChatMessage[];
}

/** One task's data and how it was drawn. */
export interface PreparedTask {
  readonly name: string;
  readonly dataset: string;
  readonly weight: number;
  /** The pages that loaded, in order. */
  readonly pages: readonly { readonly config: string; readonly split: string; readonly offset: number }[];
  /** Every `/rows` request, in order. */
  readonly requests: readonly {
    readonly config: string;
    readonly split: string;
    readonly offset: number;
    readonly status: number | string;
  }[];
  readonly samples: readonly PreparedSample[];
  /** Why the task has no data. */
  readonly error?: { readonly kind: string; readonly message: string };
}

/** A competition's data for one sync block. */
export interface PreparedEvalData {
  readonly competition: number;
  /** The sync block, when known (null when only the hash was given). */
  readonly "sync_block": number | null;
  /** The block hash the seed comes from; null when a seed was given directly (`eval --seed`). */
  readonly "block_hash": string | null;
  /** The seed, as a decimal string. */
  readonly seed: string;
  /** The tokenizer the ids come from (`Xenova/gpt-4@<commit>`), or null. */
  readonly tokenizer: string | null;
  readonly tasks: readonly PreparedTask[];
  /** The reference aborts such a step (a task's last failure was an HTTP error other than 429). */
  readonly "step_aborted": boolean;
}

/** The prepared data plus where its samples file is. */
export interface EvalDataFiles {
  readonly data: PreparedEvalData;
  /** The scorer's JSON Lines of every task that loaded, in order; undefined when none did. */
  readonly samplesFile: string | undefined;
  /** The task of each line of the samples file. */
  readonly sampleTasks: readonly string[];
  /** Whether it came from the cache. */
  readonly cached: boolean;
}

/** Options of {@linkcode prepareEvalData}. */
export interface PrepareEvalDataOptions extends DrawOptions {
  /** The data cache directory. */
  cacheDir: string;
  /** The competition's tokenizer, when it forces one. */
  encoder?: SampleEncoder | undefined;
  /** Only read the cache: draw nothing (offline). @default false */
  cacheOnly?: boolean | undefined;
}

const DRAW_FILE = "draw.json";
const SAMPLES_FILE = "samples.jsonl";

/** The cache directory of one competition, block hash and tokenizer. */
export function evalDataDir(
  cacheDir: string,
  competitionId: number,
  source: string,
  encoderKey: string | undefined,
): string {
  const tokenizer = (encoderKey ?? "chat").replace(/[^A-Za-z0-9._-]+/g, "_");
  return join(cacheDir, `competition-${competitionId}`, `${source.toLowerCase()}-${tokenizer}`);
}

/**
 * The data of `competition` for the block with hash `blockHash` (or for a
 * seed given directly, as the reference's `--random_seed`): from the cache,
 * or drawn, encoded, written and cached.
 *
 * @throws {Deno.errors.NotFound} with `cacheOnly` when the cache has none
 * @throws the encoder's errors (the validator's: tokenizer unavailable), file system errors, the signal's reason
 */
export async function prepareEvalData(
  competition: Pick<ScheduledCompetition, "id" | "evalTasks">,
  block: { blockHash: string; syncBlock?: number | undefined } | { seed: bigint },
  options: PrepareEvalDataOptions,
): Promise<EvalDataFiles> {
  const blockHash = "blockHash" in block ? block.blockHash.toLowerCase() : null;
  const seed = "seed" in block ? block.seed : seedFromBlockHash(blockHash!);
  const dir = evalDataDir(options.cacheDir, competition.id, blockHash ?? `seed-${seed}`, options.encoder?.key);
  const cached = await readCached(dir);
  if (cached !== undefined) return { ...cached, cached: true };
  if (options.cacheOnly) {
    throw new Deno.errors.NotFound(
      `No evaluation data cached for competition ${competition.id} at ${blockHash ?? `seed ${seed}`} in "${dir}"`,
    );
  }
  const drawn = await drawCompetitionData(competition, seed, options);
  const tasks: PreparedTask[] = drawn.tasks.map((task) => {
    const loaded = task.error === undefined && !drawn.stepAborted;
    return {
      name: task.task.name,
      dataset: task.dataset,
      weight: task.task.weight,
      pages: task.pages.map(({ config, split, offset }) => ({ config, split, offset })),
      requests: task.requests.map(({ config, split, offset, status }) => ({ config, split, offset, status })),
      samples: loaded
        ? task.samples.map((sample) => {
          if (options.encoder === undefined) {
            return {
              context_text: null,
              reference_text: sample.reference,
              context_ids: null,
              reference_ids: null,
              messages: sample.messages,
            };
          }
          const encoded = options.encoder.encodeSample(sample);
          return {
            context_text: encoded.contextText,
            reference_text: sample.reference,
            context_ids: encoded.contextIds,
            reference_ids: encoded.referenceIds,
            messages: sample.messages,
          };
        })
        : [],
      ...(task.error === undefined ? {} : { error: { kind: task.error.kind, message: task.error.message } }),
    };
  });
  const data: PreparedEvalData = {
    competition: competition.id,
    "sync_block": "syncBlock" in block ? block.syncBlock ?? null : null,
    "block_hash": blockHash,
    seed: seed.toString(),
    tokenizer: options.encoder?.key ?? null,
    tasks,
    "step_aborted": drawn.stepAborted,
  };
  const anyLoaded = tasks.some((t) => t.samples.length > 0);
  if (!anyLoaded) return { data, samplesFile: undefined, sampleTasks: [], cached: false };
  await writeCache(dir, data);
  return { data, samplesFile: join(dir, SAMPLES_FILE), sampleTasks: sampleTasksOf(data), cached: false };
}

function sampleTasksOf(data: PreparedEvalData): string[] {
  return data.tasks.flatMap((task) => task.samples.map(() => task.name));
}

/** The scorer's JSON Lines for the loaded tasks: ids when encoded, else chat messages. */
export function samplesJsonLines(data: PreparedEvalData): string {
  const lines = data.tasks.flatMap((task) =>
    task.samples.map((s) =>
      JSON.stringify(
        s.context_ids !== null && s.reference_ids !== null
          ? { task: task.name, context_ids: s.context_ids, reference_ids: s.reference_ids }
          : { task: task.name, messages: s.messages, reference: s.reference_text },
      )
    )
  );
  return lines.join("\n") + "\n";
}

async function readCached(dir: string): Promise<Omit<EvalDataFiles, "cached"> | undefined> {
  let data: PreparedEvalData;
  try {
    data = JSON.parse(await Deno.readTextFile(join(dir, DRAW_FILE))) as PreparedEvalData;
    await Deno.stat(join(dir, SAMPLES_FILE));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return undefined;
    throw error;
  }
  if (!Array.isArray(data.tasks) || typeof data.seed !== "string") return undefined;
  return { data, samplesFile: join(dir, SAMPLES_FILE), sampleTasks: sampleTasksOf(data) };
}

/** Writes the draw and its samples into a fresh directory, then renames it into place (all or nothing). */
async function writeCache(dir: string, data: PreparedEvalData): Promise<void> {
  const temp = `${dir}.${crypto.randomUUID()}.tmp`;
  await Deno.mkdir(temp, { recursive: true });
  try {
    await Deno.writeTextFile(join(temp, SAMPLES_FILE), samplesJsonLines(data));
    await Deno.writeTextFile(join(temp, DRAW_FILE), JSON.stringify(data));
    await Deno.rename(temp, dir);
  } catch (error) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    // Another process cached the same draw first: theirs is as good as ours.
    if ((await readCached(dir)) !== undefined) return;
    throw error;
  }
}

/** Removes cache directories a killed process left half-written. */
export async function removeStaleEvalData(cacheDir: string): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(cacheDir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const competition of entries.filter((e) => e.isDirectory)) {
    for await (const entry of Deno.readDir(join(cacheDir, competition.name))) {
      if (entry.name.endsWith(".tmp")) {
        await Deno.remove(join(cacheDir, competition.name, entry.name), { recursive: true }).catch(() => {});
      }
    }
  }
}
