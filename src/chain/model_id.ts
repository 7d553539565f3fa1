/**
 * The model id miners commit on SN37:
 * `namespace:name:commit:secure_hash:competition_id`, parsed as taoverse's
 * `ModelId.from_compressed_str` does (research/sn37_mechanism.md §2).
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
