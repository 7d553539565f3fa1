/**
 * The model a miner committed: repository, revision, secure hash and competition, in the shape the chain
 * stage parses commitments into (`namespace:name:commit:secure_hash:competition_id`).
 *
 * @module
 */

/**
 * A committed model. Plain objects with these fields are accepted everywhere (the chain stage's own
 * type is structurally the same).
 */
export interface ModelRef {
  /** Hugging Face user or organisation. */
  readonly namespace: string;
  /** Repository name. */
  readonly name: string;
  /**
   * The committed revision: normally a 40-hex commit sha, but any revision string is accepted. `null`
   * (the literal `None` on chain) names no revision, which makes the model invalid (as in the reference).
   */
  readonly commit: string | null;
  /** The chain's `secure_hash` (base64), or `undefined`/`null` when absent. */
  readonly secureHash?: string | null | undefined;
  /** The competition id the model entered. */
  readonly competitionId?: number | undefined;
}

/** Alias: the chain stage calls it a model id. */
export type ModelId = ModelRef;

const COMMIT_SHA = /^[0-9a-f]{40}$/;
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** Whether a revision is an exact 40-hex commit sha. */
export function isCommitSha(revision: string): boolean {
  return COMMIT_SHA.test(revision);
}

/** `namespace/name`. */
export function repoIdOf(ref: Pick<ModelRef, "namespace" | "name">): string {
  return `${ref.namespace}/${ref.name}`;
}

/**
 * Why a model id cannot name a Hugging Face repository and revision, or `undefined` when it can.
 * Miners write these ids, so a bad one is the miner's problem, not an exception.
 */
export function describeInvalidRef(ref: ModelRef): string | undefined {
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
