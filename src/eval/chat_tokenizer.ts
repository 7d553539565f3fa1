/**
 * Tokenizers and chat templates, the way transformers applies them:
 * `tokenizer.json` through `@huggingface/tokenizers`, `chat_template` through
 * `@huggingface/jinja` (which, like transformers' environment, uses
 * `trim_blocks` and `lstrip_blocks`), the special-token map (`bos_token`,
 * `eos_token`, …) as template variables, the generation prompt, and
 * `encode(text)` with `add_special_tokens` true and special tokens in the
 * text parsed.
 *
 * Encoding: when `tokenizer.json` is of the GPT-style byte-level BPE shape (cl100k, the competition
 * tokenizer `Xenova/gpt-4`; see `byte_level_bpe.ts` for the exact conditions), our own exact encoder
 * {@linkcode ByteLevelBpe} encodes, several times faster; any other tokenizer goes through
 * `@huggingface/tokenizers`, which is then built on first use (decoding always uses it).
 *
 * @module
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";
import { join } from "node:path";
import { ModelError } from "../errors/mod.ts";
import { ByteLevelBpe, byteLevelBpeUnsupported } from "./byte_level_bpe.ts";
import type { ChatMessage } from "./samples.ts";

/** Special-token keys transformers passes to chat templates. */
const SPECIAL_KEYS = [
  "bos_token",
  "eos_token",
  "unk_token",
  "sep_token",
  "pad_token",
  "cls_token",
  "mask_token",
] as const;

/** Options of {@linkcode ChatTokenizer.applyChatTemplate}. */
export interface ChatTemplateOptions {
  /** Append the assistant turn's opening. @default true */
  addGenerationPrompt?: boolean;
  /** Extra template variables (e.g. `tools`). */
  variables?: Record<string, unknown>;
}

/** Options of {@linkcode ChatTokenizer.encode}. */
export interface EncodeOptions {
  /** Let the post-processor add its special tokens (BOS …), transformers' default. @default true */
  addSpecialTokens?: boolean;
}

function tokenContent(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

function pickTemplate(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    const named = value as { name?: string; template?: string }[];
    return (named.find((t) => t.name === "default") ?? named[0])?.template;
  }
  return undefined;
}

/**
 * Renders a chat template as transformers does (`trim_blocks`,
 * `lstrip_blocks`, special tokens as variables, `add_generation_prompt`).
 *
 * @throws {Error} from the template parser or renderer
 */
export function renderChatTemplate(
  template: string,
  messages: readonly ChatMessage[],
  specialTokens: Readonly<Record<string, string>> = {},
  options: ChatTemplateOptions = {},
): string {
  return new Template(template).render({
    ...specialTokens,
    ...options.variables,
    messages: messages.map((m) => ({ ...m })),
    add_generation_prompt: options.addGenerationPrompt ?? true,
  });
}

/** A tokenizer with its chat template. */
export class ChatTokenizer {
  readonly #json: Record<string, unknown>;
  readonly #config: Record<string, unknown>;
  #tokenizer: Tokenizer | undefined;
  readonly #fast: ByteLevelBpe | undefined;
  readonly #template: Template | undefined;
  readonly #templateError: string | undefined;
  /** The special-token variables given to the template. */
  readonly specialTokens: Readonly<Record<string, string>>;
  /** Where the tokenizer came from (for messages). */
  readonly source: string;
  /**
   * Which encoder `encode()` uses: `"byte-level-bpe"` (ours, {@linkcode ByteLevelBpe}) or `"tokenizers"`
   * (`@huggingface/tokenizers`).
   */
  readonly encoder: "byte-level-bpe" | "tokenizers";
  /** Why the fast encoder does not apply (`undefined` when it does). */
  readonly encoderReason: string | undefined;

  /**
   * @param tokenizerJson the parsed `tokenizer.json`
   * @param config the parsed `tokenizer_config.json`
   * @param source where it came from, for messages
   * @param chatTemplate a template that overrides `config.chat_template` (e.g. `chat_template.jinja`)
   * @throws {Error} when `@huggingface/tokenizers` cannot build it (the fast encoder is only used when it builds)
   */
  constructor(
    tokenizerJson: Record<string, unknown>,
    config: Record<string, unknown>,
    source = "tokenizer",
    chatTemplate?: string,
  ) {
    this.source = source;
    this.#json = tokenizerJson;
    this.#config = config;
    let reason = byteLevelBpeUnsupported(tokenizerJson);
    if (reason === undefined) {
      try {
        this.#fast = ByteLevelBpe.fromTokenizerJson(tokenizerJson);
      } catch (error) {
        reason = (error as Error).message;
      }
    }
    this.encoderReason = reason;
    if (this.#fast !== undefined) {
      this.encoder = "byte-level-bpe";
    } else {
      this.#tokenizer = new Tokenizer(tokenizerJson, config);
      this.encoder = "tokenizers";
    }
    const specials: Record<string, string> = {};
    for (const key of SPECIAL_KEYS) {
      const content = tokenContent(config[key]);
      if (content !== undefined) specials[key] = content;
    }
    this.specialTokens = specials;
    const text = chatTemplate ?? pickTemplate(config.chat_template);
    if (text !== undefined) {
      try {
        this.#template = new Template(text);
      } catch (error) {
        this.#templateError = `its chat_template does not parse: ${(error as Error).message}`;
      }
    } else {
      this.#templateError = "it has no chat_template";
    }
  }

  /** Token ids of a text. Special tokens written in the text become their ids. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    // The fast shape has no post-processor that adds tokens: with or without special tokens is the same.
    if (this.#fast !== undefined) return this.#fast.encode(text);
    return this.#hf().encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  /** Text of token ids. */
  decode(ids: readonly number[]): string {
    return this.#hf().decode([...ids]);
  }

  #hf(): Tokenizer {
    this.#tokenizer ??= new Tokenizer(this.#json, this.#config);
    return this.#tokenizer;
  }

  /**
   * Renders the chat template over messages, as transformers'
   * `apply_chat_template(messages, add_generation_prompt=True, tokenize=False)`.
   *
   * @throws {ModelError} when there is no template or it fails to render
   */
  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    if (this.#template === undefined) {
      throw new ModelError(`Cannot render a chat for tokenizer ${this.source}: ${this.#templateError}`, {
        hint: "Give the samples as token ids, or force a tokenizer with a chat template (--tokenizer <dir>)",
      });
    }
    try {
      return this.#template.render({
        ...this.specialTokens,
        ...options.variables,
        messages: messages.map((m) => ({ ...m })),
        add_generation_prompt: options.addGenerationPrompt ?? true,
      });
    } catch (error) {
      throw new ModelError(
        `Cannot render the chat template of tokenizer ${this.source}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}

async function readJson(path: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ModelError(`Cannot load ${what} "${path}": ${(error as Error).message}`, { cause: error });
  }
  try {
    const value = JSON.parse(text);
    if (typeof value !== "object" || value === null) throw new SyntaxError("not a JSON object");
    return value;
  } catch (error) {
    throw new ModelError(`Cannot load ${what} "${path}": ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Loads `tokenizer.json` + `tokenizer_config.json` (and `chat_template.jinja`
 * when the config has no template) from a directory.
 *
 * @throws {ModelError} when a file is missing or malformed
 */
export async function loadChatTokenizer(dir: string): Promise<ChatTokenizer> {
  const json = await readJson(join(dir, "tokenizer.json"), "tokenizer");
  let config: Record<string, unknown> = {};
  try {
    config = await readJson(join(dir, "tokenizer_config.json"), "tokenizer config");
  } catch (error) {
    if (!((error as Error).cause instanceof Deno.errors.NotFound)) throw error;
  }
  let template: string | undefined;
  if (config.chat_template === undefined) {
    try {
      template = await Deno.readTextFile(join(dir, "chat_template.jinja"));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  try {
    return new ChatTokenizer(json, config, `"${dir}"`, template);
  } catch (error) {
    throw new ModelError(`Cannot load tokenizer "${dir}": ${(error as Error).message}`, { cause: error });
  }
}
