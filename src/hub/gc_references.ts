/**
 * Where garbage collection learns what is still needed, for the `gc` task: JSON files that are either a
 * list of references `[{"hotkey"?, "repo": "ns/name", "commit"}]` (entries with `namespace` and `name`
 * instead of `repo` are accepted too), an object `{"references": [...]}`, or a chain snapshot as
 * `deno task chain:read --json` prints it (`{"commitments": [{"hotkey", "modelId": {"namespace", "name",
 * "commit", ...}}]}`; entries without a `modelId` are skipped).
 *
 * @module
 */
import type { ModelReference } from "./gc.ts";

/**
 * Parses references from a JSON document.
 *
 * @example
 * ```ts
 * import { parseReferences } from "./gc_references.ts";
 * const refs = parseReferences({ commitments: [{ hotkey: "5F…", modelId: { namespace: "a", name: "b", commit: "c" } }] });
 * console.assert(refs[0]?.repo === "a/b");
 * ```
 * @throws {TypeError} when the document has none of the accepted shapes
 */
export function parseReferences(document: unknown, source = "references"): ModelReference[] {
  const chain = isObject(document) && !Array.isArray(document.references) && Array.isArray(document.commitments);
  const list = Array.isArray(document)
    ? document
    : isObject(document) && Array.isArray(document.references)
    ? document.references
    : chain
    ? (document as { commitments: unknown[] }).commitments
    : undefined;
  if (list === undefined) {
    throw new TypeError(
      `Cannot read ${source}: expected a JSON array of {repo, commit}, {references: [...]} or a chain snapshot with commitments`,
    );
  }
  const out: ModelReference[] = [];
  list.forEach((entry: unknown, i: number) => {
    if (!isObject(entry)) throw new TypeError(`Cannot read ${source}: entry ${i} is not an object`);
    const hotkey = typeof entry.hotkey === "string" ? entry.hotkey : undefined;
    const fromChain = chain || "modelId" in entry || "model" in entry;
    const id = fromChain ? entry.modelId ?? entry.model : entry;
    // A commitment without a parsable model id (or without a commit) references nothing.
    if (!isObject(id)) return;
    const repo = typeof id.repo === "string"
      ? id.repo
      : typeof id.namespace === "string" && typeof id.name === "string"
      ? `${id.namespace}/${id.name}`
      : undefined;
    const commit = typeof id.commit === "string"
      ? id.commit
      : typeof id.revision === "string"
      ? id.revision
      : undefined;
    if (repo === undefined || commit === undefined) {
      if (fromChain) return;
      throw new TypeError(`Cannot read ${source}: entry ${i} has no repo and commit`);
    }
    out.push({ hotkey, repo, commit });
  });
  return out;
}

/** Reads references from JSON files. */
export async function readReferences(paths: readonly string[]): Promise<ModelReference[]> {
  const out: ModelReference[] = [];
  for (const path of paths) {
    let document: unknown;
    try {
      document = JSON.parse(await Deno.readTextFile(path));
    } catch (error) {
      throw new TypeError(`Cannot read references file "${path}": ${(error as Error).message}`);
    }
    out.push(...parseReferences(document, `references file "${path}"`));
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
