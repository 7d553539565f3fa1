/**
 * The model id miners commit on SN37:
 * `namespace:name:commit:secure_hash:competition_id`, parsed as taoverse's
 * `ModelId.from_compressed_str` does (research/sn37_mechanism.md §2). The one
 * declaration of a model's identity: the chain parses commitments into it,
 * the hub fetches by it, the validator tracks it.
 *
 * @module
 */

/** A committed model. */
export interface ModelId {
  /** Hugging Face user or organisation. */
  readonly namespace: string;
  /** Repository name. */
  readonly name: string;
  /** The revision to download (any string; the literal `None` means none). */
  readonly commit: string | null;
  /** `b64(sha256(model_hash + hotkey))`; `None` means none. */
  readonly secureHash: string | null;
  /** The competition the model enters. */
  readonly competitionId: number;
}

/**
 * A model named by repository and revision, with whatever else is known: a
 * {@linkcode ModelId} whose secure hash and competition may be absent (the
 * `fetch` task's `--model ns/name --revision r`).
 */
export type ModelRef =
  & Pick<ModelId, "namespace" | "name" | "commit">
  & { readonly [K in "secureHash" | "competitionId"]?: ModelId[K] | undefined };

/** The most bytes a commitment may hold (`MAX_METADATA_BYTES`). */
export const MAX_COMMITMENT_BYTES = 128;

/** The result of parsing a commitment string: a model id, or why not. */
export type ParsedModelId = { readonly ok: true; readonly modelId: ModelId } | {
  readonly ok: false;
  readonly error: string;
};

/** Python `int()` of a string: optional spaces and sign, digits with single underscores between them. */
function pythonInt(text: string): number | undefined {
  const match = text.match(/^\s*([+-]?)(\d+(?:_\d+)*)\s*$/);
  if (!match) return undefined;
  const value = Number.parseInt(match[2]!.replaceAll("_", ""), 10);
  return Number.isSafeInteger(value) ? (match[1] === "-" ? -value : value) : undefined;
}

/**
 * Parses `namespace:name:commit:secure_hash:competition_id`. Tokens after the
 * fifth are ignored; `None` gives `null` for commit and secure hash; fewer
 * than five tokens is the legacy format (competition 0), which no competition
 * accepts, so it is an error here. Never throws.
 */
export function parseModelId(text: string): ParsedModelId {
  const tokens = text.split(":");
  if (tokens.length < 5) {
    return {
      ok: false,
      error: `has ${tokens.length} field${tokens.length === 1 ? "" : "s"}, expected ` +
        `namespace:name:commit:secure_hash:competition_id (the legacy 4-field format has no competition)`,
    };
  }
  const competitionId = pythonInt(tokens[4]!);
  if (competitionId === undefined) {
    return { ok: false, error: `competition id "${tokens[4]}" is not an integer` };
  }
  const none = (token: string) => (token === "None" ? null : token);
  return {
    ok: true,
    modelId: {
      namespace: tokens[0]!,
      name: tokens[1]!,
      commit: none(tokens[2]!),
      secureHash: none(tokens[3]!),
      competitionId,
    },
  };
}

/** Formats a model id as miners commit it (`None` for a missing commit or hash). */
export function formatModelId(id: ModelId): string {
  return `${id.namespace}:${id.name}:${id.commit ?? "None"}:${id.secureHash ?? "None"}:${id.competitionId}`;
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** Whether a revision is an exact 40-hex commit sha. */
export function isCommitSha(revision: string): boolean {
  return COMMIT_SHA.test(revision);
}

/** `namespace/name`. */
export function repoIdOf(ref: Pick<ModelId, "namespace" | "name">): string {
  return `${ref.namespace}/${ref.name}`;
}

/**
 * Why a model id cannot name a Hugging Face repository and revision, or
 * `undefined` when it can. Miners write these ids, so a bad one is the
 * miner's problem, not an exception.
 */
export function describeInvalidModelId(ref: ModelRef): string | undefined {
  for (const [label, value] of [["namespace", ref.namespace], ["name", ref.name]] as const) {
    if (typeof value !== "string" || !NAME_PART.test(value) || value.includes("--") || value.includes("..")) {
      return `${label} "${String(value)}" is not a valid Hugging Face repository name part`;
    }
  }
  const revision = ref.commit;
  if (revision === null || revision === undefined) return "the commitment names no revision";
  if (
    typeof revision !== "string" || revision === "" || revision.length > 255 || revision.includes("..") ||
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f\\]/.test(revision) || revision.startsWith("/") || revision.endsWith("/")
  ) {
    return `revision "${String(revision)}" is not a valid revision`;
  }
  return undefined;
}

/**
 * Parses `namespace/name` (for the CLI).
 *
 * @throws {TypeError} when the text is not `namespace/name`
 */
export function parseRepoId(text: string): { namespace: string; name: string } {
  const parts = text.split("/");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    throw new TypeError(`Cannot parse repository id "${text}": expected "namespace/name"`);
  }
  return { namespace: parts[0]!, name: parts[1]! };
}
