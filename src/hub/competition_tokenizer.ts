/**
 * The competition tokenizer: the tokenizer a competition forces on every model (`Xenova/gpt-4` for the
 * latest competition, `Competition.tokenizer`), and how the reference validator turns a chat sample into
 * token ids with it (research/sn37_mechanism.md §3.2 item 6):
 *
 * - context = the tokenizer's `chat_template` over `[{system: S}, {user: q}]` (the `ChatSample` that
 *   `eval/draw_task_data.ts` draws, with `SYSTEM_PROMPT`) with the generation prompt,
 *   rendered as transformers does (Jinja with `trim_blocks` and `lstrip_blocks`, the special tokens as
 *   variables), then encoded with the added tokens in the text parsed (Xenova/gpt-4 adds no BOS: its
 *   `post_processor` is null);
 * - reference = the encoded reference text;
 * - no truncation anywhere.
 *
 * The ids are those of Python `tokenizers` on the repository's `tokenizer.json`, which is what the
 * reference validator's transformers 4.48.3 uses. (transformers 5 would differ: it rebuilds
 * `GPT2Tokenizer` with GPT-2's pre-tokenizer.) For Xenova/gpt-4 the encoder is our exact
 * {@linkcode ByteLevelBpe} (over 1 M tokens/s on one core); a tokenizer of another shape still loads and
 * goes through `@huggingface/tokenizers`, with a warning.
 *
 * It lives in `hub/` because it fetches (`eval/` holds the tokenizer itself and may not import `hub/`).
 * The files come through the model fetcher (`fetch_model.ts`) at the hub's `main` (unpinned, as the reference's
 * `from_pretrained`), tokenizer files only, into the HF cache; offline, the cache alone serves them. When
 * the hub cannot be reached (retries exhausted), a cached copy of the revision is used with a warning, as
 * `huggingface_hub` falls back to its cache. Every failure is a {@linkcode CompetitionTokenizerError}: a
 * validator-side problem, never a miner's fault (a permission denial passes through as it is).
 *
 * @module
 */
import { type FetchedModel, fetchModel } from "./fetch_model.ts";
import { MinerModelError } from "./errors.ts";
import type { RetryOptions } from "../util/mod.ts";
import { ExitCode, SubvalidError, type SubvalidErrorOptions } from "../errors/mod.ts";
import { getLog } from "../log/mod.ts";
import { type ChatTokenizer, loadChatTokenizer } from "../eval/chat_tokenizer.ts";
import type { ChatMessage } from "../eval/samples.ts";

/** Why the competition tokenizer cannot be used. */
export type CompetitionTokenizerReason =
  /** The hub did not give the files and the cache does not hold them (or offline and not cached). */
  | "unavailable"
  /** The files are there but are not a usable tokenizer (bad JSON, no or broken chat template). */
  | "malformed"
  /** A sample could not be rendered or encoded. */
  | "encode_failed";

/** Options of {@linkcode CompetitionTokenizerError}. */
export interface CompetitionTokenizerErrorOptions extends SubvalidErrorOptions {
  /** The tokenizer repository. */
  repo: string;
}

/**
 * The competition tokenizer failed: a problem of the validator (hub, cache, disk), not of any miner.
 * Skip the step or retry later; never score a miner `Infinity` for it.
 */
export class CompetitionTokenizerError extends SubvalidError {
  override readonly exitCode = ExitCode.Hub;
  readonly reason: CompetitionTokenizerReason;
  readonly repo: string;

  constructor(reason: CompetitionTokenizerReason, message: string, options: CompetitionTokenizerErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.repo = options.repo;
  }
}

/** Options of {@linkcode loadCompetitionTokenizer}. */
export interface LoadCompetitionTokenizerOptions {
  /** The HF cache (`Config.validator.modelDir`). */
  modelDir: string;
  /** Hub base URL. @default "https://huggingface.co" */
  hubUrl?: string | undefined;
  /** Access token (`HF_TOKEN`). @default none */
  token?: string | undefined;
  /** Read only the cache (`HF_HUB_OFFLINE=1`, `--offline`). @default false */
  offline?: boolean | undefined;
  /** The revision. @default "main" (as the reference, unpinned) */
  revision?: string | undefined;
  /** Retries of the hub requests. @default the fetcher's (5 attempts, backoff from 1 s) */
  retry?: RetryOptions | undefined;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Cancels the load. */
  signal?: AbortSignal | undefined;
}

/** A chat sample to encode. */
export interface CompetitionSample {
  readonly messages: readonly ChatMessage[];
  readonly reference: string;
}

/** The ids of one sample. */
export interface EncodedSample {
  /** The rendered chat with the generation prompt, encoded. */
  readonly contextIds: number[];
  /** The reference text, encoded. */
  readonly referenceIds: number[];
  /** The rendered chat (for reports and debugging). */
  readonly contextText: string;
}

/** The loaded competition tokenizer. */
export interface CompetitionTokenizer {
  /** `namespace/name`. */
  readonly repo: string;
  /** The commit the files came from. */
  readonly commit: string;
  /** The snapshot directory in the cache. */
  readonly dir: string;
  /** Which encoder runs: ours (`"byte-level-bpe"`) or `@huggingface/tokenizers`. */
  readonly encoder: "byte-level-bpe" | "tokenizers";
  /** The underlying tokenizer (encode, decode, template). */
  readonly tokenizer: ChatTokenizer;
  /**
   * Encodes one sample as the reference validator does.
   *
   * @throws {CompetitionTokenizerError} (`encode_failed`) when the template cannot render the messages
   */
  encodeSample(sample: CompetitionSample): EncodedSample;
}

/**
 * Fetches (or, offline, reads from the cache) the competition tokenizer and builds it.
 *
 * @example Against a local hub holding Xenova/gpt-4 (see `publishXenovaGpt4` in `src/hubsim/`)
 * ```ts ignore
 * const tok = await loadCompetitionTokenizer(getCompetition(5)!.tokenizer!, { modelDir, hubUrl: hub.url });
 * const messages = [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: "2+2?" }];
 * const { contextIds, referenceIds } = tok.encodeSample({ messages, reference: "4" });
 * ```
 * @throws {CompetitionTokenizerError} when the files cannot be had or are not a usable tokenizer
 */
export async function loadCompetitionTokenizer(
  repo: string,
  options: LoadCompetitionTokenizerOptions,
): Promise<CompetitionTokenizer> {
  const log = getLog("eval").with({ tokenizer: repo });
  const [namespace, name, ...rest] = repo.split("/");
  if (namespace === undefined || name === undefined || rest.length > 0) {
    throw new TypeError(`Cannot load the competition tokenizer "${repo}": expected "namespace/name"`);
  }
  const revision = options.revision ?? "main";
  const ref = { namespace, name, commit: revision };
  const fetchOptions = {
    modelDir: options.modelDir,
    hubUrl: options.hubUrl,
    token: options.token,
    layout: "tokenizer" as const,
    progress: false,
    retry: options.retry,
    fetch: options.fetch,
    signal: options.signal,
  };
  let fetched: FetchedModel;
  try {
    fetched = await fetchModel(ref, { ...fetchOptions, offline: options.offline ?? false });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    if (error instanceof Deno.errors.NotCapable) throw error;
    const transient = error instanceof MinerModelError && error.reason === "download_failed";
    if (!transient || options.offline) throw unavailable(repo, revision, error, options.offline ?? false);
    try {
      fetched = await fetchModel(ref, { ...fetchOptions, offline: true });
    } catch {
      throw unavailable(repo, revision, error, false);
    }
    log.warn(`The hub did not answer: using the cached ${repo} at ${fetched.commit.slice(0, 12)}`, {
      error: (error as Error).message,
    });
  }

  let tokenizer: ChatTokenizer;
  try {
    tokenizer = await loadChatTokenizer(fetched.dir);
  } catch (error) {
    throw new CompetitionTokenizerError(
      "malformed",
      `Cannot load the competition tokenizer "${repo}" at ${fetched.commit}: ${(error as Error).message}`,
      { repo, cause: error, hint: `Check the files in "${fetched.dir}"; delete them to fetch again` },
    );
  }
  if (tokenizer.encoder !== "byte-level-bpe") {
    log.warn(`The competition tokenizer ${repo} is not of the fast shape: encoding with @huggingface/tokenizers`, {
      why: tokenizer.encoderReason,
    });
  }
  log.debug(`Competition tokenizer ${repo} at ${fetched.commit.slice(0, 12)}`, { encoder: tokenizer.encoder });
  return {
    repo,
    commit: fetched.commit,
    dir: fetched.dir,
    encoder: tokenizer.encoder,
    tokenizer,
    encodeSample(sample: CompetitionSample): EncodedSample {
      let contextText: string;
      try {
        contextText = tokenizer.applyChatTemplate(sample.messages, { addGenerationPrompt: true });
      } catch (error) {
        throw new CompetitionTokenizerError(
          "encode_failed",
          `Cannot render a sample with the competition tokenizer "${repo}": ${(error as Error).message}`,
          { repo, cause: error },
        );
      }
      return {
        contextIds: tokenizer.encode(contextText),
        referenceIds: tokenizer.encode(sample.reference),
        contextText,
      };
    },
  };
}

function unavailable(repo: string, revision: string, error: unknown, offline: boolean): CompetitionTokenizerError {
  return new CompetitionTokenizerError(
    "unavailable",
    `Cannot get the competition tokenizer "${repo}" at "${revision}"${offline ? " offline" : ""}: ${
      (error as Error)?.message ?? String(error)
    }`,
    {
      repo,
      cause: error,
      hint: error instanceof SubvalidError && !(error instanceof MinerModelError) && error.hint !== undefined
        ? error.hint
        : offline
        ? `Fetch it once online (deno task fetch --model ${repo} --revision ${revision} --layout tokenizer) or drop --offline`
        : "Check the network and HF_ENDPOINT/HF_TOKEN; the step cannot be scored without it",
    },
  );
}
