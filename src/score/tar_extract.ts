/**
 * Extracts chosen regular files from a (gzipped) tar stream, without
 * unpacking anything else: ustar headers, GNU long names and pax `path`
 * records are understood; entries are matched by their full path.
 *
 * @module
 */

/** Options of {@linkcode extractTarFiles}. */
export interface ExtractTarOptions {
  /** Decompress with gzip first. @default true */
  gzip?: boolean;
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function octal(bytes: Uint8Array): number {
  const s = text(bytes).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

/** Buffers a byte stream and hands out exact-size chunks. */
class Reader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  async #fill(n: number): Promise<boolean> {
    while (this.#buffered < n && !this.#done) {
      const { value, done } = await this.#reader.read();
      if (done) this.#done = true;
      else if (value.length > 0) {
        this.#chunks.push(value);
        this.#buffered += value.length;
      }
    }
    return this.#buffered >= n;
  }

  /** Reads exactly n bytes, or undefined at the end of the stream. */
  async read(n: number): Promise<Uint8Array | undefined> {
    if (!(await this.#fill(n))) return undefined;
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.#chunks[0]!;
      const take = Math.min(head.length, n - filled);
      out.set(head.subarray(0, take), filled);
      filled += take;
      if (take === head.length) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(take);
    }
    this.#buffered -= n;
    return out;
  }

  /** Passes n bytes to `sink` chunk by chunk. */
  async pipe(n: number, sink: (chunk: Uint8Array) => Promise<void> | void): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.#fill(1))) throw new SyntaxError("Cannot extract tar: the archive is truncated");
      const head = this.#chunks[0]!;
      const take = Math.min(head.length, left);
      await sink(head.subarray(0, take));
      left -= take;
      this.#buffered -= take;
      if (take === head.length) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(take);
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

/**
 * Streams a tar archive and writes the wanted entries to the files that
 * `targets` maps their paths to. Returns the paths that were found.
 *
 * @throws {SyntaxError} for a truncated or malformed archive
 */
export async function extractTarFiles(
  stream: ReadableStream<Uint8Array>,
  targets: ReadonlyMap<string, string>,
  options: ExtractTarOptions = {},
): Promise<string[]> {
  const source = (options.gzip ?? true)
    ? stream.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
    : stream;
  const reader = new Reader(source);
  const found: string[] = [];
  let longName: string | undefined;
  try {
    while (found.length < targets.size) {
      const header = await reader.read(512);
      if (header === undefined || header.every((b) => b === 0)) break;
      const size = octal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156]!);
      const prefix = text(header.subarray(345, 500));
      let name = longName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
      longName = undefined;
      const padded = Math.ceil(size / 512) * 512;
      if (type === "L" || type === "x") {
        const body = (await reader.read(padded))?.subarray(0, size);
        if (body === undefined) throw new SyntaxError("Cannot extract tar: the archive is truncated");
        if (type === "L") longName = text(body);
        else longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(body))?.[1];
        continue;
      }
      name = name.replace(/^\.\//, "");
      const target = (type === "0" || type === "\0") ? targets.get(name) : undefined;
      if (target === undefined) {
        await reader.pipe(padded, () => {});
        continue;
      }
      const file = await Deno.open(target, { write: true, create: true, truncate: true, mode: 0o755 });
      try {
        await reader.pipe(size, async (chunk) => {
          let written = 0;
          while (written < chunk.length) written += await file.write(chunk.subarray(written));
        });
      } finally {
        file.close();
      }
      await reader.pipe(padded - size, () => {});
      found.push(name);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return found;
}
