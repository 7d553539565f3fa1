/**
 * Doctor checks of the machine: Deno, ONNX Runtime and its execution
 * providers, the GPU, and the open-file limit (the model cache's disk is the hub's check).
 *
 * @module
 */
import { probeExecutionProviders } from "../score/execution_providers.ts";
import { type DoctorCheck, result } from "./check.ts";

/** The Deno version the project is tested with. */
export const TESTED_DENO_VERSION = "2.9.6";

/** Open-file soft limit under which the check warns. */
export const MIN_OPEN_FILES = 4096;

/** Deno's version against the tested one. */
export const denoVersionCheck: DoctorCheck = {
  name: "deno",
  run() {
    const version = Deno.version.deno;
    const [major, minor] = version.split(".").map(Number);
    const [tMajor, tMinor] = TESTED_DENO_VERSION.split(".").map(Number);
    if (major === tMajor && minor === tMinor) return Promise.resolve(result("deno", "ok", `Deno ${version}`));
    const older = major! < tMajor! || (major === tMajor && minor! < tMinor!);
    return Promise.resolve(result(
      "deno",
      older ? "fail" : "warn",
      `Deno ${version}; subvalid is tested with ${TESTED_DENO_VERSION}`,
      `Run through npx -y deno@${TESTED_DENO_VERSION} task …`,
    ));
  },
};

/** onnxruntime-node loads, and which providers run a graph. */
export const onnxRuntimeCheck: DoctorCheck = {
  name: "onnxruntime",
  async run() {
    let report;
    try {
      report = await probeExecutionProviders();
    } catch (error) {
      return result(
        "onnxruntime",
        "fail",
        `onnxruntime-node does not load: ${(error as Error).message}`,
        "Run `npx -y deno@2.9.6 install --frozen`; scoring needs --allow-ffi on ./node_modules",
      );
    }
    const lines = [
      result(
        "onnxruntime",
        "ok",
        `onnxruntime-node ${report.ortVersion} loads; built with ${report.listed.join(", ")}`,
      ),
    ];
    for (const provider of report.providers) {
      if (provider.ok) {
        lines.push(result(`provider ${provider.name}`, "ok", "runs a graph"));
      } else if (provider.name === "cuda") {
        lines.push(result(
          "provider cuda",
          "warn",
          `unavailable: ${provider.reason}`,
          'Scoring will use the CPU. For the GPU: `deno task setup:cuda`, and CUDA 13 cuBLAS/cuDNN 9 libraries with an NVIDIA driver >= 580 (README "GPU")',
        ));
      } else {
        lines.push(result(`provider ${provider.name}`, "fail", `unavailable: ${provider.reason}`));
      }
    }
    return lines;
  },
};

/** Whether an NVIDIA GPU is visible to this machine. */
export const gpuCheck: DoctorCheck = {
  name: "gpu",
  async run() {
    const smi = await runQuiet("nvidia-smi", [
      "--query-gpu=name,memory.total,driver_version",
      "--format=csv,noheader",
    ]);
    if (smi.ok && smi.stdout.trim() !== "") {
      return smi.stdout.trim().split("\n").map((line, i) => result(`gpu ${i}`, "ok", line.trim()));
    }
    const driver = await readQuiet("/proc/driver/nvidia/version");
    if (driver !== undefined) {
      return result(
        "gpu",
        "warn",
        `NVIDIA driver present (${driver.split("\n")[0]?.trim()}) but nvidia-smi failed: ${smi.reason}`,
      );
    }
    return result(
      "gpu",
      "warn",
      `no NVIDIA GPU visible (${smi.reason})`,
      "Scoring runs on the CPU, which is far slower for 3B models",
    );
  },
};

/** The open-file soft limit (read with util-linux `prlimit`; Deno denies /proc/self). */
export const ulimitCheck: DoctorCheck = {
  name: "ulimit -n",
  async run() {
    const out = await runQuiet("prlimit", [
      "--pid",
      String(Deno.pid),
      "--nofile",
      "--output",
      "SOFT,HARD",
      "--noheadings",
    ]);
    const match = out.stdout.trim().match(/^(\S+)\s+(\S+)/);
    if (!out.ok || !match) return result("ulimit -n", "skip", `cannot read the limit: ${out.reason || "no output"}`);
    const soft = match[1] === "unlimited" ? Infinity : Number(match[1]);
    const detail = `open files: soft ${match[1]}, hard ${match[2]}`;
    return soft < MIN_OPEN_FILES
      ? result(
        "ulimit -n",
        "warn",
        detail,
        `Raise it (e.g. \`ulimit -n 65536\`, or LimitNOFILE= in the systemd unit); at least ${MIN_OPEN_FILES}`,
      )
      : result("ulimit -n", "ok", detail);
  },
};

/** The machine checks in report order. */
export const RUNTIME_CHECKS: readonly DoctorCheck[] = [
  denoVersionCheck,
  onnxRuntimeCheck,
  gpuCheck,
  ulimitCheck,
];

async function readQuiet(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

async function runQuiet(command: string, args: string[]): Promise<{ ok: boolean; stdout: string; reason: string }> {
  try {
    const output = await new Deno.Command(command, {
      args,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(10_000),
    })
      .output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr).trim();
    return { ok: output.success, stdout, reason: output.success ? "" : stderr || `exit code ${output.code}` };
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? `${command} not found` : (error as Error).message;
    return { ok: false, stdout: "", reason };
  }
}
