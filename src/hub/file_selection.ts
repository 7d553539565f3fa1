/**
 * Which files of a repository a model consists of — the files fetched, and hashed for the secure hash.
 *
 * - **ONNX layout** (what the scorer runs): `onnx/model.onnx` (or `model.onnx`), its external data
 *   beside it (`model.onnx_data`, `model.onnx_data_N`, `model.onnx.data`), `config.json`,
 *   `tokenizer.json` and `tokenizer_config.json`; all required except the external data.
 * - **safetensors layout** (the reference validator's set, transformers 4.48.3
 *   `AutoModelForCausalLM.from_pretrained(use_safetensors=True)` then `AutoTokenizer.from_pretrained`):
 *   `config.json` (required); `model.safetensors`, or `model.safetensors.index.json` and every shard
 *   it names (required); `generation_config.json` if present; `tokenizer_config.json`,
 *   `special_tokens_map.json`, `added_tokens.json`, `tokenizer.json` and the tokenizer class's vocab files
 *   if present.
 *
 * - **tokenizer layout** (a tokenizer-only repository such as the competition tokenizer `Xenova/gpt-4`):
 *   `tokenizer.json` and `tokenizer_config.json` (required), `special_tokens_map.json`,
 *   `added_tokens.json` and `chat_template.jinja` if present; never weights.
 *
 * `auto` picks ONNX when the repository has an ONNX model file, else safetensors; the tokenizer layout is
 * only selected when asked for.
 *
 * @module
 */

/** A model file layout. */
export type ModelLayout = "onnx" | "safetensors" | "tokenizer";

/** The files of a model. */
export interface FileSelection {
  readonly layout: ModelLayout;
  /** Paths to fetch and hash, sorted. */
  readonly files: readonly string[];
  /** Required paths that are absent (empty when the model is complete). */
  readonly missing: readonly string[];
}

/** Reads a small JSON file of the repository (the fetcher downloads it; the miner side reads a dir). */
export type ReadJson = (path: string) => Promise<unknown>;

/** Vocab files of transformers' fast tokenizer classes (`vocab_files_names`, besides tokenizer.json). */
const TOKENIZER_VOCAB_FILES: Readonly<Record<string, readonly string[]>> = {
  PreTrainedTokenizerFast: [],
  LlamaTokenizerFast: ["tokenizer.model"],
  CodeLlamaTokenizerFast: ["tokenizer.model"],
  GemmaTokenizerFast: ["tokenizer.model"],
  T5TokenizerFast: ["spiece.model"],
  XLMRobertaTokenizerFast: ["sentencepiece.bpe.model"],
  GPT2TokenizerFast: ["vocab.json", "merges.txt"],
  GPTNeoXTokenizerFast: ["vocab.json", "merges.txt"],
  CodeGenTokenizerFast: ["vocab.json", "merges.txt"],
  Qwen2TokenizerFast: ["vocab.json", "merges.txt"],
  BartTokenizerFast: ["vocab.json", "merges.txt"],
  RobertaTokenizerFast: ["vocab.json", "merges.txt"],
  BertTokenizerFast: ["vocab.txt"],
  BloomTokenizerFast: [],
  CohereTokenizerFast: [],
};

/** The fast tokenizer class transformers picks from `config.model_type` when tokenizer_config names none. */
const TOKENIZER_BY_MODEL_TYPE: Readonly<Record<string, string>> = {
  llama: "LlamaTokenizerFast",
  mistral: "LlamaTokenizerFast",
  mixtral: "LlamaTokenizerFast",
  phi3: "LlamaTokenizerFast",
  gemma: "GemmaTokenizerFast",
  gemma2: "GemmaTokenizerFast",
  "gpt_neox": "GPTNeoXTokenizerFast",
  phi: "CodeGenTokenizerFast",
  falcon: "PreTrainedTokenizerFast",
  bart: "BartTokenizerFast",
  gpt2: "GPT2TokenizerFast",
  qwen2: "Qwen2TokenizerFast",
};

/** Vocab file names used when the tokenizer class is unknown: whichever exist are taken. */
const KNOWN_VOCAB_FILES = ["tokenizer.model", "vocab.json", "merges.txt", "vocab.txt", "spiece.model"];

const ONNX_MODEL_FILES = ["onnx/model.onnx", "model.onnx"];
const ONNX_REQUIRED = ["config.json", "tokenizer.json", "tokenizer_config.json"];
const TOKENIZER_REQUIRED = ["tokenizer.json", "tokenizer_config.json"];
const TOKENIZER_OPTIONAL = ["special_tokens_map.json", "added_tokens.json", "chat_template.jinja"];

/** Options of {@linkcode selectModelFiles}. */
export interface SelectModelFilesOptions {
  /** Which layout to select. @default "auto" */
  layout?: ModelLayout | "auto";
  /** Reads `tokenizer_config.json`, `config.json` or the safetensors index (safetensors layout only). */
  readJson?: ReadJson;
}

/**
 * Selects a model's files from the repository's file list.
 *
 * @example
 * ```ts
 * import { selectModelFiles } from "./file_selection.ts";
 * const s = await selectModelFiles(["config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json", "README.md"]);
 * console.assert(s.layout === "onnx" && s.missing.length === 0 && s.files.length === 4);
 * ```
 */
export async function selectModelFiles(
  paths: readonly string[],
  options: SelectModelFilesOptions = {},
): Promise<FileSelection> {
  const present = new Set(paths);
  const layout = options.layout ?? "auto";
  if (layout === "tokenizer") {
    return {
      layout,
      files: [...TOKENIZER_REQUIRED, ...TOKENIZER_OPTIONAL].filter((p) => present.has(p)).sort(),
      missing: TOKENIZER_REQUIRED.filter((p) => !present.has(p)),
    };
  }
  const hasOnnx = ONNX_MODEL_FILES.some((p) => present.has(p));
  const hasSafetensors = present.has("model.safetensors") || present.has("model.safetensors.index.json");
  if (layout === "onnx" || (layout === "auto" && hasOnnx)) return selectOnnx(paths, present);
  if (layout === "safetensors" || (layout === "auto" && hasSafetensors)) {
    return await selectSafetensors(present, options.readJson);
  }
  return {
    layout: "onnx",
    files: [],
    missing: ["onnx/model.onnx (or model.safetensors)", ...ONNX_REQUIRED.filter((p) => !present.has(p))],
  };
}

function selectOnnx(paths: readonly string[], present: ReadonlySet<string>): FileSelection {
  const model = ONNX_MODEL_FILES.find((p) => present.has(p));
  const missing = [
    ...(model === undefined ? ["onnx/model.onnx"] : []),
    ...ONNX_REQUIRED.filter((p) => !present.has(p)),
  ];
  const files = ONNX_REQUIRED.filter((p) => present.has(p));
  if (model !== undefined) {
    files.push(model);
    const escaped = model.replace(/[.]/g, "\\.");
    const data = new RegExp(`^${escaped}(_data(_\\d+)?|\\.data)$`);
    files.push(...paths.filter((p) => data.test(p)));
  }
  return { layout: "onnx", files: [...new Set(files)].sort(), missing };
}

async function selectSafetensors(present: ReadonlySet<string>, readJson: ReadJson | undefined): Promise<FileSelection> {
  const files = new Set<string>();
  const missing: string[] = [];
  const read = async (path: string): Promise<Record<string, unknown> | undefined> => {
    if (readJson === undefined || !present.has(path)) return undefined;
    const value = await readJson(path);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  };
  if (present.has("config.json")) files.add("config.json");
  else missing.push("config.json");
  if (present.has("model.safetensors")) {
    files.add("model.safetensors");
  } else if (present.has("model.safetensors.index.json")) {
    files.add("model.safetensors.index.json");
    if (readJson === undefined) throw new TypeError("Cannot select safetensors shards without readJson");
    const index = await read("model.safetensors.index.json");
    const weightMap = index?.weight_map;
    if (typeof weightMap !== "object" || weightMap === null) {
      missing.push("model.safetensors.index.json#weight_map");
    } else {
      for (const shard of new Set(Object.values(weightMap as Record<string, unknown>).map(String))) {
        if (present.has(shard)) files.add(shard);
        else missing.push(shard);
      }
    }
  } else {
    missing.push("model.safetensors (or model.safetensors.index.json)");
  }
  if (present.has("generation_config.json")) files.add("generation_config.json");
  for (const name of ["tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.json"]) {
    if (present.has(name)) files.add(name);
  }
  for (const name of await tokenizerVocabFiles(present, read)) if (present.has(name)) files.add(name);
  return { layout: "safetensors", files: [...files].sort(), missing };
}

async function tokenizerVocabFiles(
  present: ReadonlySet<string>,
  read: (path: string) => Promise<Record<string, unknown> | undefined>,
): Promise<readonly string[]> {
  let name: string | undefined;
  const tokenizerConfig = await read("tokenizer_config.json");
  if (typeof tokenizerConfig?.tokenizer_class === "string") {
    const declared = tokenizerConfig.tokenizer_class;
    name = declared.endsWith("Fast") ? declared : `${declared}Fast`;
  } else {
    const config = await read("config.json");
    if (typeof config?.model_type === "string") name = TOKENIZER_BY_MODEL_TYPE[config.model_type];
  }
  const known = name === undefined ? undefined : TOKENIZER_VOCAB_FILES[name];
  return known ?? KNOWN_VOCAB_FILES.filter((file) => present.has(file));
}

/**
 * Orders paths the way Python's `os.walk(top)` visits them with sorted names, as the reference
 * validator hashes: a directory's files first, then each subdirectory in turn; names compared by code
 * point.
 *
 * @example
 * ```ts
 * import { walkOrder } from "./file_selection.ts";
 * console.assert(walkOrder(["onnx/model.onnx", "z.json", "a.json"]).join() === "a.json,z.json,onnx/model.onnx");
 * ```
 */
export function walkOrder(paths: readonly string[]): string[] {
  interface Dir {
    files: string[];
    dirs: Map<string, Dir>;
  }
  const root: Dir = { files: [], dirs: new Map() };
  for (const path of paths) {
    const parts = path.split("/");
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.dirs.get(part);
      if (next === undefined) {
        next = { files: [], dirs: new Map() };
        dir.dirs.set(part, next);
      }
      dir = next;
    }
    dir.files.push(path);
  }
  const out: string[] = [];
  const visit = (dir: Dir) => {
    out.push(
      ...dir.files.sort((a, b) => codePointCompare(a.slice(a.lastIndexOf("/") + 1), b.slice(b.lastIndexOf("/") + 1))),
    );
    for (const name of [...dir.dirs.keys()].sort(codePointCompare)) visit(dir.dirs.get(name)!);
  };
  visit(root);
  return out;
}

/** Compares strings by Unicode code point, as Python's `sorted` does. */
export function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
