/**
 * The scorer's view of the cache: a fetched model's snapshot directory and its verified file list.
 * Snapshot files are hard links to blobs (real files, not symlinks), so ONNX Runtime, which refuses
 * external data reached through symlinks, reads the weights right there.
 *
 * @module
 */
import { join } from "node:path";
import { type ManifestFile, readManifest, readRef, repoCachePaths } from "./hf_cache.ts";
import type { ModelLayout } from "./file_selection.ts";
import type { ModelRef } from "./model_ref.ts";
import { missingSnapshotFiles } from "./_snapshot_files.ts";

/** A fetched model on disk. */
export interface ModelSnapshot {
  /** `namespace/name`. */
  readonly repo: string;
  /** The exact commit. */
  readonly commit: string;
  /** The snapshot directory. */
  readonly dir: string;
  readonly layout: ModelLayout;
  /** The model's files, relative to `dir`, with sizes and sha256. */
  readonly files: readonly ManifestFile[];
  /** The hotkey-independent model hash. */
  readonly modelHash: string;
}

/**
 * The snapshot of a model fetched by {@linkcode fetchModel}, or `undefined` when it is not (completely)
 * in the cache. `ref.commit` may be a sha or a revision the cache has a ref for.
 */
export async function getModelSnapshot(
  ref: Pick<ModelRef, "namespace" | "name" | "commit">,
  options: { modelDir: string },
): Promise<ModelSnapshot | undefined> {
  const repo = `${ref.namespace}/${ref.name}`;
  if (ref.commit === null) return undefined;
  const commit = await readRef(options.modelDir, repo, ref.commit);
  if (commit === undefined) return undefined;
  const manifest = await readManifest(options.modelDir, repo, commit);
  if (manifest === undefined) return undefined;
  const dir = join(repoCachePaths(options.modelDir, repo).snapshots, commit);
  if ((await missingSnapshotFiles(dir, manifest.files)).length > 0) return undefined;
  return { repo, commit, dir, layout: manifest.layout, files: manifest.files, modelHash: manifest.modelHash };
}
