/**
 * One-off evaluation, as miners use it before they commit (`deno task
 * eval`): a local model directory or a Hub repository, checked against the
 * competition's limits (size, parameters, architecture, norms: reported,
 * not skipped), scored on the competition's real data exactly as a
 * validator scores it, side by side with the current leaders (from the
 * chain) or with given repositories, each model in its own worker.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  checkModelConstraints,
  constraintsFor,
  hasSafetensorsCheckpoint,
  ModelCheckError,
  ModelFormatError,
  openCheckpoint,
  UnsupportedModelError,
} from "../../checkpoint/mod.ts";
import { ConfigError } from "../../errors/mod.ts";
import type { Competition } from "../../eval/mod.ts";
import { fetchModel, MinerModelError } from "../../hub/mod.ts";
import { getLog } from "../../log/mod.ts";
import { type ModelId, parseRepoId } from "../../mechanism/mod.ts";
import { scoreInSubprocess } from "../../score/score_in_subprocess.ts";
import type { ChainReader } from "../ports.ts";
import { leadingUids } from "../compare_models.ts";

/** What a model's checks found: each check's verdict, with the numbers. */
export interface ModelChecks {
  /** Σ size of the repository's files (local: the directory's), and the competition's limit. */
  readonly size: { readonly bytes: number; readonly limit: number; readonly ok: boolean };
  /** Parameters, architecture and weight norms (safetensors checkpoints; an ONNX export has none). */
  readonly weights:
    | { readonly ok: true; readonly architecture: string; readonly parameters: number }
    | { readonly ok: false; readonly check: string; readonly reason: string }
    | { readonly ok: "skipped"; readonly reason: string };
}

/** A model to score: where it is and who it is. */
export interface ResolvedModel {
  /** How the model is named in tables (`ns/name@commit`, a directory, `uid 3`). */
  readonly label: string;
  readonly dir: string;
  /** The uid, for a leader from the chain. */
  readonly uid?: number | undefined;
  /** The commit block, for a model committed on chain. */
  readonly block?: number | undefined;
  /** The Hub repository and commit, when fetched. */
  readonly repo?: string | undefined;
  readonly commit?: string | undefined;
}

/** Options of the fetches. */
export interface FetchOptions {
  modelDir: string;
  hubUrl?: string | undefined;
  token?: string | undefined;
  offline?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Where a relative model directory is found. @default Deno.cwd() */
  cwd?: string | undefined;
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) total += await directorySize(path);
    else if (entry.isFile) total += (await stat(path)).size;
  }
  return total;
}

/** Parses `ns/name[@revision]`; `undefined` when the text is not a repository id. */
export function parseModelArgument(text: string): { namespace: string; name: string; revision: string } | undefined {
  const [repo, revision = "main", ...rest] = text.split("@");
  if (rest.length > 0 || repo === undefined) return undefined;
  try {
    return { ...parseRepoId(repo), revision };
  } catch {
    return undefined;
  }
}

/**
 * The model a `--model` argument names: an existing directory, else a Hub
 * repository fetched at its revision (default `main`) into the HF cache.
 *
 * @throws {TypeError} when it is neither
 * @throws {MinerModelError} when the Hub refuses it (missing, too large, …)
 */
export async function resolveModel(
  text: string,
  options: FetchOptions,
): Promise<{ model: ResolvedModel; totalBytes: number }> {
  // A directory (relative to `options.cwd`) keeps the name it was given as its label.
  const dir = resolve(options.cwd ?? Deno.cwd(), text);
  const isDir = await Deno.stat(dir).then((s) => s.isDirectory, () => false);
  if (isDir) return { model: { label: text, dir }, totalBytes: await directorySize(dir) };
  const ref = parseModelArgument(text);
  if (ref === undefined) {
    throw new ConfigError(`Cannot find the model "${text}": it is not a directory, nor "namespace/name[@revision]"`, {
      hint: "Pass an existing model directory, or a Hub repository as namespace/name or namespace/name@revision",
    });
  }
  const fetched = await fetchModel({ namespace: ref.namespace, name: ref.name, commit: ref.revision }, {
    modelDir: options.modelDir,
    hubUrl: options.hubUrl,
    token: options.token,
    offline: options.offline,
    // The size is checked and reported by the caller, not refused here: a miner wants to see it.
    maxBytes: Number.MAX_SAFE_INTEGER,
    signal: options.signal,
  });
  return {
    model: {
      label: `${ref.namespace}/${ref.name}@${fetched.commit.slice(0, 12)}`,
      dir: fetched.dir,
      repo: fetched.repo,
      commit: fetched.commit,
    },
    totalBytes: fetched.totalBytes || fetched.bytes,
  };
}

/** Runs the competition's checks on a model, reporting each instead of stopping at the first. */
export async function checkModel(
  model: ResolvedModel,
  totalBytes: number,
  competition: Competition,
  signal?: AbortSignal,
): Promise<ModelChecks> {
  const size = { bytes: totalBytes, limit: competition.maxBytes, ok: totalBytes <= competition.maxBytes };
  if (!await hasSafetensorsCheckpoint(model.dir)) {
    return { size, weights: { ok: "skipped", reason: "no safetensors checkpoint (an ONNX export is not checked)" } };
  }
  try {
    const report = await checkModelConstraints(await openCheckpoint(model.dir), constraintsFor(competition), {
      name: model.label,
      ...(signal ? { signal } : {}),
    });
    return { size, weights: { ok: true, architecture: report.architecture, parameters: report.parameterCount } };
  } catch (error) {
    if (error instanceof ModelCheckError) {
      return { size, weights: { ok: false, check: error.check, reason: error.message } };
    }
    if (error instanceof ModelFormatError || error instanceof UnsupportedModelError) {
      return { size, weights: { ok: false, check: "format", reason: error.message } };
    }
    throw error;
  }
}

/**
 * The leaders to compare with: `top[:K]` (the uids the stake-weighted
 * validators favour), a list of uids, or a list of `ns/name@rev`
 * repositories. Chain models are fetched as a validator fetches them (the
 * secure hash checked); a leader that cannot be fetched is left out with a
 * warning.
 *
 * @throws {TypeError} for a malformed `--compare`
 */
export async function resolveContenders(
  spec: string,
  chain: ChainReader | undefined,
  competition: Competition,
  options: FetchOptions,
): Promise<ResolvedModel[]> {
  const log = getLog("eval");
  const top = /^top(?::(\d+))?$/.exec(spec);
  const uids = /^\d+(,\d+)*$/.test(spec) ? spec.split(",").map(Number) : undefined;
  if (top || uids) {
    if (chain === undefined) throw new TypeError(`--compare ${spec} reads the chain: it cannot run --offline`);
    const view = await chain.snapshot(options.signal);
    const wanted = uids ?? leadingUids(view.neurons, await chain.subnetWeights(options.signal), Number(top![1] ?? 3))
      .map((l) => l.uid);
    const out: ResolvedModel[] = [];
    for (const uid of wanted) {
      const commitment = view.commitments.find((c) => c.uid === uid);
      if (commitment === undefined || "error" in commitment) {
        log.warn(`uid ${uid} has no model commitment: left out`);
        continue;
      }
      if (commitment.modelId.competitionId !== competition.id) {
        log.warn(`uid ${uid}'s model is for competition ${commitment.modelId.competitionId}: left out`);
        continue;
      }
      try {
        const fetched = await fetchModel(commitment.modelId as ModelId, {
          ...options,
          hotkey: commitment.hotkey,
          requireHash: true,
          maxBytes: competition.maxBytes,
        });
        out.push({
          label: `uid ${uid}`,
          dir: fetched.dir,
          uid,
          block: commitment.block,
          repo: fetched.repo,
          commit: fetched.commit,
        });
      } catch (error) {
        if (!(error instanceof MinerModelError)) throw error;
        log.warn(`uid ${uid}'s model cannot be fetched (${error.reason}): left out`);
      }
    }
    return out;
  }
  const repos = spec.split(",").map((s) => s.trim()).filter(Boolean);
  if (repos.length === 0 || repos.some((r) => parseModelArgument(r) === undefined)) {
    throw new TypeError(`Bad --compare "${spec}": give top[:K], uids (3,7,12) or repositories (ns/name@rev,…)`);
  }
  const out: ResolvedModel[] = [];
  for (const repo of repos) out.push((await resolveModel(repo, options)).model);
  return out;
}

/** Scores each model on the samples file, each in its own worker; the validator's own failures throw. */
export async function scoreModels(
  models: readonly ResolvedModel[],
  samplesFile: string,
  options: {
    cacheDir: string;
    device?: string | undefined;
    batchTokens?: number | undefined;
    timeoutMs?: number | undefined;
    tokenizerDir?: string | undefined;
    signal?: AbortSignal | undefined;
  },
) {
  const out = [];
  for (const model of models) {
    getLog("eval").info(`Scoring ${model.label}`);
    out.push(
      await scoreInSubprocess(model.dir, samplesFile, {
        cacheDir: options.cacheDir,
        ...(options.device === undefined ? {} : { device: options.device }),
        ...(options.batchTokens === undefined ? {} : { batchTokens: options.batchTokens }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.tokenizerDir === undefined ? {} : { tokenizerDir: options.tokenizerDir }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    );
  }
  return out;
}
