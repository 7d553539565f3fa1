/**
 * What a miner does before committing: upload a model directory to a hub
 * (here: copy it into the local hub's root), ask the hub which commit it made,
 * and compute the model hash over the files a validator will fetch.
 *
 * @module
 */
import { join, relative } from "node:path";
import { computeModelHash, selectModelFiles } from "../hub/mod.ts";

/** A model as published. */
export interface PublishedModel {
  readonly namespace: string;
  readonly name: string;
  /** The commit the hub reports for `main`. */
  readonly commit: string;
  /** The hotkey-independent model hash (bind it with `secureHashOf`). */
  readonly modelHash: string;
}

/** Options of {@linkcode publishModel}. */
export interface PublishModelOptions {
  /** The local hub's root directory (`<root>/<namespace>/<name>/`). */
  hubRoot: string;
  /** The local hub's URL, asked for the commit. */
  hubUrl: string;
  namespace: string;
  name: string;
  signal?: AbortSignal | undefined;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) await copyTree(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await listFiles(path, base));
    else if (entry.isFile) files.push(relative(base, path));
  }
  return files;
}

/** Publishes a local model directory to the local hub and returns its commit and model hash. */
export async function publishModel(source: string, options: PublishModelOptions): Promise<PublishedModel> {
  const repoDir = join(options.hubRoot, options.namespace, options.name);
  await Deno.remove(repoDir, { recursive: true }).catch(() => {});
  await copyTree(source, repoDir);
  const url = `${options.hubUrl}/api/models/${options.namespace}/${options.name}/revision/main`;
  const response = await fetch(url, { signal: options.signal ?? AbortSignal.timeout(10_000) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Cannot publish "${options.namespace}/${options.name}": the hub answered ${response.status}`);
  }
  const { sha } = await response.json() as { sha: string };
  const selection = await selectModelFiles(await listFiles(repoDir), {
    readJson: async (path) => JSON.parse(await Deno.readTextFile(join(repoDir, path))),
  });
  const modelHash = await computeModelHash(repoDir, selection.files);
  return { namespace: options.namespace, name: options.name, commit: sha, modelHash };
}
