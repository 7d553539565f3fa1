/**
 * ONNX Runtime 1.29 on Linux starts Microsoft's telemetry client when it
 * creates its environment (the first session): it writes `mat-debug-<pid>.log`
 * and `.ses` into `$TMPDIR` (else `/tmp`) and would upload events, whatever
 * Deno's permissions say (native code). `ORT_DISABLE_TELEMETRY=1` turns it
 * off; it is read when the environment is created, so setting it before the
 * first session is enough. The launcher and the scoring worker's parent set
 * it for the whole process; this covers a process started otherwise.
 *
 * @module
 */

/** The variable ONNX Runtime reads. */
export const ORT_TELEMETRY_VARIABLE = "ORT_DISABLE_TELEMETRY";

/**
 * Sets `ORT_DISABLE_TELEMETRY=1` unless it is set already or the process may
 * not set it (the permission sets that load ONNX Runtime grant it).
 */
export function disableOrtTelemetry(): void {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: ORT_TELEMETRY_VARIABLE }).state !== "granted") return;
    if (Deno.env.get(ORT_TELEMETRY_VARIABLE) === undefined) Deno.env.set(ORT_TELEMETRY_VARIABLE, "1");
  } catch {
    // Not permitted: the launcher or the parent process set it, or nothing can.
  }
}
