/**
 * HTTP helpers of the local hub: JSON and error responses in the hub's shapes, `Range` parsing, and
 * bodies that count their bytes and carry body faults (slow, truncated, corrupted).
 *
 * @module
 */
import { delay } from "../util/mod.ts";
import type { FaultRule } from "./faults.ts";
import type { RequestRecord } from "./request_log.ts";

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** An error in the hub's shape: JSON `{error}` and an `X-Error-Code` when given. */
export function hubError(
  status: number,
  message: string,
  code?: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse({ error: message }, status, {
    ...(code === undefined ? {} : { "x-error-code": code, "x-error-message": message }),
    ...headers,
  });
}

/** A parsed byte range, inclusive. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses a single-range `Range` header against a size: `undefined` for no header (or one we ignore,
 * like a multi-range), `"unsatisfiable"` for a range outside the body.
 */
export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === null) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, a = "", b = ""] = match;
  if (a === "" && b === "") return undefined;
  if (a === "") {
    const suffix = Number(b);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

/** Where body bytes come from. */
export type BodySource = { bytes: Uint8Array } | { file: Deno.FsFile };

const CHUNK = 1 << 20;

/**
 * A body stream over `[start, start + length)` of a source that applies a body fault and counts the
 * bytes the client reads into the record.
 */
export function bodyStream(
  source: BodySource,
  start: number,
  length: number,
  record: RequestRecord,
  fault: FaultRule | undefined,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const limit = fault?.type === "truncate"
    ? Math.min(length, Math.max(0, fault.afterBytes ?? Math.floor(length / 2)))
    : length;
  const rate = fault?.type === "slow" ? fault.bytesPerSecond : undefined;
  const chunkSize = rate === undefined ? CHUNK : Math.max(1, Math.min(CHUNK, Math.floor(rate / 10)));
  let sent = 0;
  let seeked = false;
  const close = () => {
    if ("file" in source) {
      try {
        source.file.close();
      } catch { /* already closed */ }
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (signal?.aborted) {
        close();
        controller.error(new Error("The local hub is closing"));
        return;
      }
      if (sent >= limit) {
        close();
        controller.close();
        return;
      }
      const want = Math.min(chunkSize, limit - sent);
      let chunk: Uint8Array;
      if ("bytes" in source) {
        chunk = source.bytes.slice(start + sent, start + sent + want);
      } else {
        if (!seeked) {
          await source.file.seek(start, Deno.SeekMode.Start);
          seeked = true;
        }
        const buffer = new Uint8Array(want);
        const n = await source.file.read(buffer);
        if (n === null) {
          close();
          controller.close();
          return;
        }
        chunk = buffer.subarray(0, n);
      }
      if (fault?.type === "corrupt" && chunk.length > 0) {
        chunk = chunk.slice();
        for (let i = 0; i < chunk.length; i += 4096) chunk[i] = chunk[i]! ^ 0xff;
      }
      if (rate !== undefined) await delay((chunk.length / rate) * 1000, signal).catch(() => {});
      sent += chunk.length;
      record.bytes += chunk.length;
      controller.enqueue(chunk);
    },
    cancel() {
      close();
    },
  });
}
