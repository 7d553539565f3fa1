/**
 * The scoring device: `cpu`, `cuda`, `cuda:N`, or `auto` (CUDA when a session
 * actually runs on it, otherwise CPU with a warning that says why).
 *
 * @module
 */
import { getLog } from "../log/mod.ts";
import { probeExecutionProviders } from "./execution_providers.ts";
import { ScoreRuntimeError } from "./score_error.ts";

/** A resolved device. */
export interface Device {
  /** `cpu` or `cuda:N`. */
  readonly name: string;
  /** ONNX Runtime execution providers for it. */
  readonly executionProviders: readonly ("cpu" | { readonly name: "cuda"; readonly deviceId: number })[];
}

/** The CPU device. */
export const CPU: Device = { name: "cpu", executionProviders: ["cpu"] };

/**
 * Parses a device string (`auto`, `cpu`, `cuda`, `cuda:N`).
 *
 * @throws {TypeError} for anything else
 */
export function parseDevice(text: string): { kind: "auto" | "cpu" | "cuda"; deviceId: number } {
  const t = text.trim().toLowerCase();
  if (t === "auto" || t === "cpu") return { kind: t, deviceId: 0 };
  const m = /^cuda(?::(\d+))?$/.exec(t);
  if (m) return { kind: "cuda", deviceId: Number(m[1] ?? 0) };
  throw new TypeError(`Unknown device "${text}": use auto, cpu, cuda or cuda:N`);
}

function cuda(deviceId: number): Device {
  return { name: `cuda:${deviceId}`, executionProviders: [{ name: "cuda", deviceId }, "cpu"] };
}

/**
 * Resolves a device string by probing ONNX Runtime.
 *
 * @throws {TypeError} for a bad device string
 * @throws {ScoreRuntimeError} when CUDA was asked for explicitly and does not work
 */
export async function resolveDevice(text = "auto"): Promise<Device> {
  const { kind, deviceId } = parseDevice(text);
  if (kind === "cpu") return CPU;
  const report = await probeExecutionProviders({ providers: ["cuda"], deviceId });
  const status = report.providers[0];
  if (status?.ok) return cuda(deviceId);
  const reason = status?.reason ?? "not probed";
  if (kind === "cuda") {
    throw new ScoreRuntimeError(`Cannot use CUDA device ${deviceId}: ${reason}`, {
      hint: 'Run "deno task setup:cuda" and "deno task doctor", or score with --device cpu',
    });
  }
  getLog("score").warn(`CUDA is not available, scoring on the CPU: ${reason}`);
  return CPU;
}
