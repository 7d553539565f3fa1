/**
 * The {@linkcode DataSource} port: the sync block's hash from the chain, the
 * competition's tokenizer from the hub (when it forces one), and the
 * evaluation data drawn from the datasets server once per sync block, cached.
 * Every failure here is the validator's own: it throws, and the step is
 * abandoned without touching any miner's score.
 *
 * @module
 */
import { type EvalDataFiles, prepareEvalData, type SampleEncoder, type ScheduledCompetition } from "../../eval/mod.ts";
import { type CompetitionTokenizer, loadCompetitionTokenizer } from "../../hub/mod.ts";
import type { ChainReader, DataSource, EvalData } from "../ports.ts";

/** Options of {@linkcode liveDataSource}. */
export interface LiveDataSourceOptions {
  /** Reads the sync block's hash. */
  chain: Pick<ChainReader, "blockHash">;
  /** The evaluation-data cache. */
  cacheDir: string;
  /** The model cache (the competition tokenizer is fetched into it). */
  modelDir: string;
  /** The datasets server. @default "https://datasets-server.huggingface.co" */
  datasetsUrl?: string | undefined;
  /** The hub. @default "https://huggingface.co" */
  hubUrl?: string | undefined;
  token?: string | undefined;
  /** Use only cached data and tokenizers. @default false */
  offline?: boolean | undefined;
  /** Called with each draw (cached or not), e.g. to log its request log. */
  onData?: ((files: EvalDataFiles) => void) | undefined;
}

/** The live data source. */
export function liveDataSource(options: LiveDataSourceOptions): DataSource & {
  /** The competition tokenizers loaded so far (garbage collection must keep them). */
  readonly tokenizers: ReadonlyMap<string, CompetitionTokenizer>;
} {
  const tokenizers = new Map<string, CompetitionTokenizer>();
  const encoderFor = async (
    competition: ScheduledCompetition,
    signal: AbortSignal | undefined,
  ): Promise<SampleEncoder | undefined> => {
    const repo = competition.constraints.tokenizer;
    if (repo === undefined) return undefined;
    const loaded = await loadCompetitionTokenizer(repo, {
      modelDir: options.modelDir,
      hubUrl: options.hubUrl,
      token: options.token,
      offline: options.offline,
      signal,
    });
    const known = tokenizers.get(repo);
    const tokenizer = known !== undefined && known.commit === loaded.commit ? known : loaded;
    tokenizers.set(repo, tokenizer);
    return { key: `${repo}@${tokenizer.commit}`, encodeSample: (sample) => tokenizer.encodeSample(sample) };
  };
  return {
    tokenizers,
    async prepare(competition, syncBlock, signal): Promise<EvalData> {
      const blockHash = await options.chain.blockHash(syncBlock, signal);
      const encoder = await encoderFor(competition, signal);
      const files = await prepareEvalData(competition, { blockHash, syncBlock }, {
        cacheDir: options.cacheDir,
        encoder,
        cacheOnly: options.offline,
        ...(options.datasetsUrl === undefined ? {} : { baseUrl: options.datasetsUrl }),
        ...(signal === undefined ? {} : { signal }),
      });
      options.onData?.(files);
      return {
        competitionId: competition.id,
        syncBlock,
        blockHash,
        seed: files.data.seed,
        tasks: files.data.tasks.map((task) => ({
          name: task.name,
          weight: task.weight,
          samples: task.samples.length,
          ...(task.error === undefined ? {} : { error: `${task.error.kind}: ${task.error.message}` }),
        })),
        samplesFile: files.samplesFile,
        sampleTasks: files.sampleTasks,
        cached: files.cached,
      };
    },
  };
}
