#!/usr/bin/env -S deno run -P=setup-cuda
/**
 * Installs ONNX Runtime's CUDA provider libraries next to onnxruntime-node's
 * `libonnxruntime.so.1`: `libonnxruntime_providers_cuda.so` and
 * `libonnxruntime_providers_shared.so` of ORT 1.29.0 (CUDA 13), taken from the
 * npm package `com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9`
 * (`Plugins/Linux/x64/`). The tarball is fetched from registry.npmjs.org,
 * checked against the registry's sha512 integrity, and only those two files
 * are extracted. The host still needs the NVIDIA driver (>= 580) and the
 * CUDA 13 libraries (cuBLAS/cuBLASLt 13, cudart 13, cuRAND 10, cuDNN 9) on
 * the loader path. Never approve onnxruntime-node's postinstall instead.
 *
 * ```sh
 * deno task setup:cuda            # install
 * deno task setup:cuda --remove   # uninstall (back to CPU only)
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { printOut, runTask } from "../src/cli/mod.ts";
import { ConfigError, ExitCode, SubvalidError } from "../src/errors/mod.ts";
import { createProgress } from "../src/log/mod.ts";
import { describeNetworkError } from "../src/util/mod.ts";
import { CUDA_PROVIDER_LIBS, ortBinaryDir } from "../src/score/execution_providers.ts";
import { extractTarFiles } from "../src/score/tar_extract.ts";
import { GPU_PACKAGE, GPU_PACKAGE_VERSION, ORT_VERSION, PACKAGE_DIR, spec } from "./specs/setup_cuda.ts";

/** The CUDA provider cannot be installed here: the scoring runtime stays CPU-only (exit code 8). */
class SetupCudaError extends SubvalidError {
  override readonly exitCode = ExitCode.Score;
}

export { GPU_PACKAGE, GPU_PACKAGE_VERSION, ORT_VERSION, PACKAGE_DIR, spec };

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** `fetch`, with a network failure said in words (DNS, refused, TLS, timeout). */
async function request(url: string, signal: AbortSignal, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (error) {
    const network = signal.aborted ? undefined : describeNetworkError(error, url);
    if (network === undefined) throw error;
    throw new SetupCudaError(`Cannot download "${url}": ${network.reason}`, {
      hint: "Check the network, DNS and --registry; setup:cuda needs registry.npmjs.org once",
      cause: error,
    });
  }
}

async function fetchJson(url: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  const response = await request(url, signal, 60_000);
  if (!response.ok) throw new SetupCudaError(`Cannot read "${url}": HTTP ${response.status}`);
  return await response.json();
}

/** Runs the task and returns the exit code. */
export function main(args: readonly string[] = Deno.args): Promise<number> {
  return runTask(spec, args, async (config, { signal, log }) => {
    if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
      throw new SetupCudaError(
        `Cannot set up CUDA on ${Deno.build.os}/${Deno.build.arch}: only linux/x86_64 is packaged`,
      );
    }
    const dir = ortBinaryDir();
    if (!dir.includes(`onnxruntime-node@${ORT_VERSION}`)) {
      throw new SetupCudaError(`Cannot set up CUDA: onnxruntime-node at "${dir}" is not ${ORT_VERSION}`, {
        hint: `The provider libraries fit onnxruntime-node ${ORT_VERSION} exactly; keep the deno.json pin`,
      });
    }
    const targets = CUDA_PROVIDER_LIBS.map((lib) => join(dir, lib));
    if (config.flags.remove) {
      for (const target of targets) await Deno.remove(target).catch(() => {});
      printOut(`Removed ${CUDA_PROVIDER_LIBS.join(" and ")} from ${dir}`);
      return;
    }
    if (config.offline) {
      throw new ConfigError(
        `Cannot install the CUDA provider --offline: it downloads ${GPU_PACKAGE} from the registry`,
        {
          hint: "Drop --offline (--remove works offline)",
        },
      );
    }
    if (!config.flags.force && (await Promise.all(targets.map(exists))).every(Boolean)) {
      printOut(`Already installed in ${dir} (use --force to reinstall)`);
      return;
    }
    const registry = config.flags.registry.replace(/\/+$/, "");
    const meta = await fetchJson(`${registry}/${GPU_PACKAGE}/${GPU_PACKAGE_VERSION}`, signal);
    const dist = meta.dist as { tarball?: string; integrity?: string } | undefined;
    if (!dist?.tarball || !dist.integrity?.startsWith("sha512-")) {
      throw new SetupCudaError(`Cannot install: the registry gave no tarball or sha512 integrity for ${GPU_PACKAGE}`);
    }
    const cacheDir = join(Deno.cwd(), ".cache", "setup-cuda");
    await Deno.mkdir(cacheDir, { recursive: true });
    const tgz = join(cacheDir, `${GPU_PACKAGE}-${GPU_PACKAGE_VERSION}.tgz`);
    const expected = dist.integrity.slice("sha512-".length);
    if (!(await exists(tgz)) || (await sha512File(tgz)) !== expected) {
      log.info(`Downloading ${dist.tarball}`);
      const response = await request(dist.tarball, signal, 1_800_000);
      if (!response.ok || response.body === null) {
        throw new SetupCudaError(`Cannot download "${dist.tarball}": HTTP ${response.status}`);
      }
      const total = Number(response.headers.get("content-length") ?? 0);
      const progress = createProgress(`Downloading ${GPU_PACKAGE}`, { unit: "bytes", ...(total ? { total } : {}) });
      const temp = `${tgz}.incomplete`;
      const file = await Deno.open(temp, { write: true, create: true, truncate: true });
      const hash = createHash("sha512");
      try {
        for await (const chunk of response.body) {
          hash.update(chunk);
          let written = 0;
          while (written < chunk.length) written += await file.write(chunk.subarray(written));
          progress.advance(chunk.length);
        }
      } finally {
        file.close();
      }
      const got = hash.digest("base64");
      if (got !== expected) {
        await Deno.remove(temp);
        progress.fail();
        throw new SetupCudaError(`Cannot install: the tarball's sha512 is ${got}, the registry says ${expected}`);
      }
      await Deno.rename(temp, tgz);
      progress.done();
    }
    const wanted = new Map(
      CUDA_PROVIDER_LIBS.map((lib) => [`${PACKAGE_DIR}/${lib}`, join(dir, `${lib}.incomplete`)] as const),
    );
    const archive = await Deno.open(tgz, { read: true });
    const found = await extractTarFiles(archive.readable, wanted);
    const missing = [...wanted.keys()].filter((path) => !found.includes(path));
    if (missing.length > 0) {
      for (const temp of wanted.values()) await Deno.remove(temp).catch(() => {});
      throw new SetupCudaError(`Cannot install: the package has no ${missing.join(", ")}`);
    }
    for (const lib of CUDA_PROVIDER_LIBS) await Deno.rename(join(dir, `${lib}.incomplete`), join(dir, lib));
    await Deno.remove(tgz).catch(() => {});
    log.success(`Installed ${CUDA_PROVIDER_LIBS.join(" and ")} into ${dir}`);
    printOut(
      [
        `Installed ORT ${ORT_VERSION} CUDA provider libraries into ${dir}.`,
        "The host also needs: NVIDIA driver >= 580, and on the loader path (ldconfig or LD_LIBRARY_PATH)",
        "libcublas.so.13, libcublasLt.so.13, libcudart.so.13, libcurand.so.10 and cuDNN 9 for CUDA 13 (libcudnn.so.9).",
        'Check with "deno task doctor"; score with --device cuda (or auto).',
      ].join("\n"),
    );
  });
}

async function sha512File(path: string): Promise<string> {
  const hash = createHash("sha512");
  const file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("base64");
}

if (import.meta.main) Deno.exit(await main());
