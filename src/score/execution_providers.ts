/**
 * Which ONNX Runtime execution providers actually work on this machine:
 * each is tried by creating a session on a tiny graph and running it, so a
 * provider that is listed but cannot load (CUDA without its libraries) is
 * reported with the reason.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { decodeBase64 } from "../util/base64.ts";
import { disableOrtTelemetry } from "./ort_telemetry.ts";

/** A tiny ONNX graph `y = x + x` (float[2]), opset 17, made with python onnx. */
const PROBE_MODEL = decodeBase64(
  "CAgSCHN1YnZhbGlkOjkKDgoBeAoBeBIBeSIDQWRkEgVwcm9iZVoPCgF4EgoKCAgBEgQKAggCYg8KAXkSCgoICAESBAoCCAJCBAoAEBE=",
);

/** Whether one execution provider works, and why not. */
export interface ProviderStatus {
  /** Provider name as ORT knows it (`cpu`, `cuda`). */
  readonly name: string;
  /** Whether a session ran on it. */
  readonly ok: boolean;
  /** Why it does not work (the ORT error), when `ok` is false. */
  readonly reason?: string;
}

/** The probe result. */
export interface ProviderReport {
  /** The onnxruntime-node version loaded. */
  readonly ortVersion: string;
  /** Providers ORT lists as supported by this build. */
  readonly listed: readonly string[];
  /** Each probed provider. */
  readonly providers: readonly ProviderStatus[];
}

/** Options of {@linkcode probeExecutionProviders}. */
export interface ProbeOptions {
  /** Providers to try. @default ["cpu", "cuda"] */
  providers?: readonly string[];
  /** CUDA device id for `cuda`. @default 0 */
  deviceId?: number;
}

/**
 * Loads onnxruntime-node and tries each provider on a tiny graph.
 *
 * @throws {Error} when onnxruntime-node itself cannot be loaded (missing
 * `--allow-ffi`, broken install)
 */
export async function probeExecutionProviders(options: ProbeOptions = {}): Promise<ProviderReport> {
  disableOrtTelemetry();
  const ort = await import("onnxruntime-node");
  // The native logger would print the provider-load failure on stderr; the reason is reported instead.
  ort.env.logLevel = "fatal";
  const listed = ort.listSupportedBackends?.().map((backend) => backend.name) ?? [];
  const providers: ProviderStatus[] = [];
  for (const name of options.providers ?? ["cpu", "cuda"]) {
    try {
      const executionProviders = name === "cuda"
        ? [{ name: "cuda", deviceId: options.deviceId ?? 0 } as const]
        : [name];
      const session = await ort.InferenceSession.create(PROBE_MODEL, {
        executionProviders,
        logSeverityLevel: 3,
      });
      try {
        const x = new ort.Tensor("float32", new Float32Array([1, 2]), [2]);
        const out = await session.run({ x });
        const y = out.y?.data as Float32Array | undefined;
        if (!y || y[0] !== 2 || y[1] !== 4) throw new Error("probe graph returned a wrong result");
      } finally {
        await session.release();
      }
      providers.push({ name, ok: true });
    } catch (error) {
      providers.push({ name, ok: false, reason: await explainFailure(name, firstLine(error)) });
    }
  }
  return { ortVersion: ort.env.versions.common, listed, providers };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").map((line) => line.trim()).filter(Boolean).slice(0, 2).join(" ");
}

/** The directory of `libonnxruntime.so.1` in the installed onnxruntime-node. */
export function ortBinaryDir(): string {
  const index = fileURLToPath(import.meta.resolve("onnxruntime-node"));
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "x64";
  return index.replace(/\/dist\/[^/]*$/, `/bin/napi-v6/${Deno.build.os}/${arch}`);
}

/** The provider libraries ORT loads from its own directory for CUDA. */
export const CUDA_PROVIDER_LIBS: readonly string[] = [
  "libonnxruntime_providers_shared.so",
  "libonnxruntime_providers_cuda.so",
];

/** Adds what is missing and what to do to a CUDA failure message. */
async function explainFailure(name: string, reason: string): Promise<string> {
  if (name !== "cuda" || Deno.build.os !== "linux") return reason;
  let dir: string;
  try {
    dir = ortBinaryDir();
  } catch {
    return reason;
  }
  const missing: string[] = [];
  for (const lib of CUDA_PROVIDER_LIBS) {
    try {
      await Deno.stat(`${dir}/${lib}`);
    } catch {
      missing.push(lib);
    }
  }
  if (missing.length > 0) {
    return `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing next to libonnxruntime.so.1 in ` +
      `"${dir}"; run "deno task setup:cuda" to install them (ORT said: ${reason})`;
  }
  const lib = /(lib[\w.+-]+\.so[.\d]*): cannot open shared object file/.exec(reason)?.[1];
  const what = lib === undefined
    ? "a CUDA 13 host library is most likely missing from the loader path (libcublasLt.so.13, libcublas.so.13, " +
      "libcudart.so.13, libcurand.so.10, cuDNN 9) or the NVIDIA driver is older than 580; ORT's log line names the file"
    : `the host library ${lib} is not on the loader path`;
  return `the CUDA provider libraries are installed but do not load: ${what}; install CUDA 13 (cuBLAS 13, ` +
    `cuDNN 9, driver >= 580) and set LD_LIBRARY_PATH (ORT said: ${reason})`;
}
