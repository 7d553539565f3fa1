/**
 * Writes the two datasets SN37's competition 4 draws from into a local hub root, generated (no row is
 * copied from the real datasets) and deterministic from a seed:
 *
 * - `PrimeIntellect/SYNTHETIC-1-SFT-Data`, config `default`, split `train`;
 * - `open-r1/codeforces-cots`, configs {@linkcode CODEFORCES_CONFIGS}, split `train`, each a slightly
 *   different size (so page counts differ per config).
 *
 * Layout: `ROOT/datasets/<namespace>/<name>/<config>/train.jsonl`, which {@linkcode startHubsim} serves
 * through `/size` and `/rows`.
 *
 * @example
 * ```ts ignore
 * import { startHubsim, writeSn37Datasets } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await writeSn37Datasets(root);
 * await using hub = await startHubsim({ root });
 * // datasets-server base URL for the loaders: hub.url
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { CODEFORCES_CONFIGS, codeforcesRows } from "./_codeforces_rows.ts";
import { sftRows } from "./_sft_rows.ts";

export { CODEFORCES_CONFIGS };

/** The repositories of the two datasets. */
export const SN37_DATASET_REPOS = {
  synthetic1Sft: "PrimeIntellect/SYNTHETIC-1-SFT-Data",
  codeforcesCots: "open-r1/codeforces-cots",
} as const;

/** Options of {@linkcode writeSn37Datasets}. */
export interface Sn37DatasetsOptions {
  /** Seed of the generated text. @default 37 */
  readonly seed?: number;
  /** Rows of the SFT dataset. @default 3000 */
  readonly sftRows?: number;
  /** Rows of the first codeforces config; each next config has 100 more. @default 2000 */
  readonly codeforcesRows?: number;
  /**
   * Include the rows of about 65,000 code points (around the codeforces length limit, and two in the
   * SFT set). Tiny demo models may want them off. @default true
   */
  readonly longRows?: boolean;
}

/** One written split file. */
export interface WrittenSplit {
  readonly repo: string;
  readonly config: string;
  readonly split: string;
  readonly rows: number;
  readonly bytes: number;
  readonly path: string;
}

async function writeJsonl(path: string, rows: readonly unknown[]): Promise<number> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  const text = rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
  const bytes = new TextEncoder().encode(text);
  await Deno.writeFile(path, bytes);
  return bytes.length;
}

/**
 * Generates and writes both datasets under `root` (replacing earlier files of the same splits).
 *
 * @returns the files written, SFT first
 */
export async function writeSn37Datasets(root: string, options: Sn37DatasetsOptions = {}): Promise<WrittenSplit[]> {
  const seed = options.seed ?? 37;
  const longRows = options.longRows ?? true;
  const written: WrittenSplit[] = [];
  const write = async (repo: string, config: string, rows: readonly unknown[]) => {
    const path = join(root, "datasets", repo, config, "train.jsonl");
    written.push({ repo, config, split: "train", rows: rows.length, bytes: await writeJsonl(path, rows), path });
  };
  await write(
    SN37_DATASET_REPOS.synthetic1Sft,
    "default",
    sftRows({ seed, rows: options.sftRows ?? 3000, longRows }),
  );
  const base = options.codeforcesRows ?? 2000;
  for (const [k, config] of CODEFORCES_CONFIGS.entries()) {
    await write(
      SN37_DATASET_REPOS.codeforcesCots,
      config,
      codeforcesRows(config, { seed: seed * 1000 + k + 1, rows: base + 100 * k, longRows }),
    );
  }
  return written;
}
