/**
 * Garbage collection of the model cache: deletes snapshots no current (hotkey, commit) references once
 * their newest entry is older than a grace period, unless a scoring process holds them; then the blobs
 * nothing links to any more, stale partial downloads, old quarantines, dangling refs, and repository
 * folders left empty. Only `models--*` folders are touched.
 *
 * @module
 */
import { join } from "node:path";
import { getLog } from "../log/mod.ts";
import { readRef, repoCachePaths, repoOfFolder } from "./hf_cache.ts";
import { defaultCacheDir, isHeld, listHeldDirs } from "./hold_model.ts";
import { isCommitSha } from "../mechanism/model_id.ts";

/** A model something still needs: a miner's current commitment, or one the operator names. */
export interface ModelReference {
  /** The miner's hotkey (informational). */
  readonly hotkey?: string | undefined;
  /** `namespace/name`. */
  readonly repo: string;
  /** The committed revision (a sha, or a branch that `refs/` resolves). */
  readonly commit: string;
}

/** Options of {@linkcode collectGarbage}. */
export interface GcOptions {
  /** The model cache. */
  modelDir: string;
  /** The scoring cache holding `holds/`. @default `<model_dir>/../subvalid-score` */
  cacheDir?: string | undefined;
  /** What is still needed. */
  references: readonly ModelReference[];
  /** Unreferenced models younger than this are kept. @default 300000 */
  graceMs?: number | undefined;
  /** Quarantines older than this are deleted. @default 86400000 */
  quarantineRetentionMs?: number | undefined;
  /** Plan only: report what would go and the bytes freed, delete nothing. @default false */
  dryRun?: boolean | undefined;
  /** The current time in ms. @default Date.now() */
  now?: number | undefined;
  /** Cancels between repositories. */
  signal?: AbortSignal | undefined;
}

/** Something GC deletes (or would delete). */
export interface GcItem {
  readonly kind: "snapshot" | "blob" | "incomplete" | "quarantine" | "ref" | "manifest" | "repo";
  readonly repo: string;
  /** The commit of a snapshot, quarantine, manifest or ref. */
  readonly commit?: string | undefined;
  readonly path: string;
  /** Bytes this deletion frees (files whose every link goes). */
  readonly bytes: number;
}

/** A snapshot GC keeps, and why. */
export interface GcKept {
  readonly repo: string;
  readonly commit: string;
  readonly reason: "referenced" | "held" | "fresh";
}

/** What GC did (or would do). */
export interface GcReport {
  readonly dryRun: boolean;
  readonly deleted: readonly GcItem[];
  readonly kept: readonly GcKept[];
  /** Σ bytes freed. */
  readonly freedBytes: number;
}

interface FileEntry {
  path: string;
  key: string;
  size: number;
  nlink: number;
}

/** Deletes (or plans to delete) what nothing needs. */
export async function collectGarbage(options: GcOptions): Promise<GcReport> {
  const log = getLog("gc");
  const now = options.now ?? Date.now();
  const grace = options.graceMs ?? 300_000;
  const retention = options.quarantineRetentionMs ?? 86_400_000;
  const dryRun = options.dryRun ?? false;
  const modelDir = options.modelDir;
  const held = await listHeldDirs(options.cacheDir ?? defaultCacheDir(modelDir), { removeStale: !dryRun });
  const deleted: GcItem[] = [];
  const kept: GcKept[] = [];
  /** Links removed per inode, to know which deletions free bytes. */
  const removedLinks = new Map<string, number>();
  const freed = (entries: readonly FileEntry[]) => {
    let bytes = 0;
    for (const entry of entries) {
      const count = (removedLinks.get(entry.key) ?? 0) + 1;
      removedLinks.set(entry.key, count);
      if (count === entry.nlink) bytes += entry.size;
    }
    return bytes;
  };
  // Plan first (every stat taken before any deletion), then delete in plan order.
  const remove = (item: GcItem) => {
    deleted.push(item);
    return Promise.resolve();
  };

  let folders: string[] = [];
  try {
    for await (const entry of Deno.readDir(modelDir)) {
      if (entry.isDirectory && repoOfFolder(entry.name) !== undefined) folders.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  folders = folders.sort();

  for (const folder of folders) {
    options.signal?.throwIfAborted();
    const repo = repoOfFolder(folder)!;
    const paths = repoCachePaths(modelDir, repo);
    const refRevisions = new Set<string>();
    const referenced = new Set<string>();
    for (const reference of options.references) {
      if (reference.repo !== repo) continue;
      refRevisions.add(reference.commit);
      const commit = await readRef(modelDir, repo, reference.commit);
      if (commit !== undefined) referenced.add(commit);
    }

    // Snapshots.
    const keptCommits = new Set<string>();
    const symlinkTargets = new Set<string>();
    let snapshotsLeft = 0;
    for (const commit of await dirNames(paths.snapshots)) {
      const dir = join(paths.snapshots, commit);
      const tree = await scanTree(dir);
      let reason: GcKept["reason"] | undefined;
      if (referenced.has(commit)) reason = "referenced";
      else if (isHeld(dir, held)) reason = "held";
      else if (now - tree.newest < grace) reason = "fresh";
      if (reason !== undefined) {
        kept.push({ repo, commit, reason });
        keptCommits.add(commit);
        snapshotsLeft++;
        for (const target of tree.symlinkTargets) symlinkTargets.add(target);
        continue;
      }
      await remove({ kind: "snapshot", repo, commit, path: dir, bytes: freed(tree.files) });
      const manifest = join(paths.manifests, `${commit}.json`);
      if (await exists(manifest)) await remove({ kind: "manifest", repo, commit, path: manifest, bytes: 0 });
    }

    // Quarantines.
    let quarantinesLeft = 0;
    for (const name of await dirNames(paths.quarantine)) {
      const dir = join(paths.quarantine, name);
      const tree = await scanTree(dir);
      if (isHeld(dir, held) || now - tree.newest < retention) {
        quarantinesLeft++;
        continue;
      }
      await remove({ kind: "quarantine", repo, commit: name.split("--")[0], path: dir, bytes: freed(tree.files) });
    }

    // Refs pointing at snapshots that are gone.
    for (const ref of await listRefs(paths.refs, "")) {
      const commit = (await Deno.readTextFile(join(paths.refs, ref)).catch(() => "")).trim();
      if (refRevisions.has(ref) || (isCommitSha(commit) && keptCommits.has(commit))) continue;
      await remove({ kind: "ref", repo, commit, path: join(paths.refs, ref), bytes: 0 });
    }

    // Blobs nothing links to any more.
    let blobsLeft = 0;
    const repoReferenced = referenced.size > 0 || refRevisions.size > 0;
    for (const name of await fileNames(paths.blobs)) {
      const path = join(paths.blobs, name);
      const stat = await Deno.lstat(path);
      const key = `${stat.dev}:${stat.ino}`;
      const links = (stat.nlink ?? 1) - (removedLinks.get(key) ?? 0);
      const old = now - (stat.mtime?.getTime() ?? 0) >= grace;
      const entry: FileEntry = { path, key, size: stat.size, nlink: stat.nlink ?? 1 };
      if (name.endsWith(".incomplete")) {
        if (old && !repoReferenced) {
          await remove({ kind: "incomplete", repo, path, bytes: freed([entry]) });
        } else blobsLeft++;
        continue;
      }
      if (links <= 1 && old && !symlinkTargets.has(path) && !isHeld(path, held)) {
        await remove({ kind: "blob", repo, path, bytes: freed([entry]) });
      } else blobsLeft++;
    }

    if (
      snapshotsLeft === 0 && quarantinesLeft === 0 && blobsLeft === 0 && !repoReferenced && !isHeld(paths.root, held)
    ) {
      await remove({ kind: "repo", repo, path: paths.root, bytes: 0 });
      if (await exists(paths.locks)) await remove({ kind: "repo", repo, path: paths.locks, bytes: 0 });
    }
  }
  if (!dryRun) {
    for (const item of deleted) {
      options.signal?.throwIfAborted();
      await Deno.remove(item.path, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  }
  const freedBytes = deleted.reduce((sum, item) => sum + item.bytes, 0);
  log.info(`${dryRun ? "Would delete" : "Deleted"} ${deleted.filter((d) => d.kind === "snapshot").length} snapshots`, {
    items: deleted.length,
    freedBytes,
    kept: kept.length,
  });
  return { dryRun, deleted, kept, freedBytes };
}

interface Tree {
  files: FileEntry[];
  /** Newest mtime of any file or directory in the tree (ms). */
  newest: number;
  /** Absolute targets of symlinks (snapshots written by huggingface_hub point into blobs/). */
  symlinkTargets: string[];
}

async function scanTree(dir: string): Promise<Tree> {
  const tree: Tree = { files: [], newest: 0, symlinkTargets: [] };
  const visit = async (path: string) => {
    const stat = await Deno.lstat(path);
    tree.newest = Math.max(tree.newest, stat.mtime?.getTime() ?? 0);
    if (stat.isDirectory) {
      for await (const entry of Deno.readDir(path)) await visit(join(path, entry.name));
    } else if (stat.isSymlink) {
      const target = await Deno.readLink(path);
      tree.symlinkTargets.push(target.startsWith("/") ? target : join(path, "..", target));
    } else {
      tree.files.push({ path, key: `${stat.dev}:${stat.ino}`, size: stat.size, nlink: stat.nlink ?? 1 });
    }
  };
  await visit(dir);
  return tree;
}

async function dirNames(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isDirectory) out.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

async function fileNames(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (!entry.isDirectory) out.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

async function listRefs(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await fileNames(join(dir, prefix))) out.push(prefix === "" ? name : `${prefix}/${name}`);
  for (const name of await dirNames(join(dir, prefix))) {
    out.push(...await listRefs(dir, prefix === "" ? name : `${prefix}/${name}`));
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
