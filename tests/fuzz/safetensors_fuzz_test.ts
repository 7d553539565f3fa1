/**
 * Fuzzing safetensors headers (`src/checkpoint/safetensors.ts`): random bytes, headers of random
 * tensors with random dtypes, shapes, offsets and declared lengths, JSON of any shape, and a real
 * fixture's header mutated. A header parses into tensors that tile the data exactly, or the parser
 * throws a {@linkcode ModelFormatError} naming the file; a declared length far beyond the file is
 * refused before anything of that size is allocated.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import {
  MAX_SAFETENSORS_HEADER_BYTES,
  parseSafetensorsHeader,
  readSafetensorsHeader,
  SAFETENSORS_DTYPE_BYTES,
  type SafetensorsHeader,
} from "../../src/checkpoint/safetensors.ts";
import { ModelFormatError } from "../../src/checkpoint/errors.ts";
import { fuzzParameters, mutatedBytes, valueOrTypedError, valueOrTypedErrorAsync } from "./fuzz.ts";

const NAME = "model-00001-of-00002.safetensors";
const FIXTURE = new URL("../fixtures/safetensors/llama/model.safetensors", import.meta.url);

function file(header: unknown, dataBytes: number, declared?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** What a successful parse guarantees. */
function checkHeader(header: SafetensorsHeader, fileSize: number): void {
  let covered = 0;
  for (const t of header.tensors.values()) {
    assert.ok(t.fileOffset >= header.dataStart && t.fileOffset + t.byteLength <= fileSize, t.name);
    assert.equal(t.byteLength, t.elements * SAFETENSORS_DTYPE_BYTES[t.dtype]!);
    assert.equal(t.elements, t.shape.reduce((a, b) => a * b, 1));
    covered += t.byteLength;
  }
  assert.equal(covered, fileSize - header.dataStart, "the tensors tile the data buffer");
  for (const value of Object.values(header.metadata)) assert.equal(typeof value, "string");
}

function parse(bytes: Uint8Array) {
  const result = valueOrTypedError(() => parseSafetensorsHeader(bytes, bytes.length, NAME), [ModelFormatError], [
    `"${NAME}"`,
  ]);
  if ("value" in result) checkHeader(result.value, bytes.length);
  return result;
}

const dtype = fc.oneof(fc.constantFrom(...Object.keys(SAFETENSORS_DTYPE_BYTES)), fc.string({ maxLength: 6 }));
const count = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: -3, max: 1 << 20 }),
  fc.constantFrom(2 ** 31, 2 ** 53 - 1, 2 ** 53, 2 ** 64, 1.5, -0, Number.NaN),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const entry = fc.record({
  dtype: fc.oneof({ weight: 4, arbitrary: dtype }, { weight: 1, arbitrary: anyJson }),
  shape: fc.oneof({ weight: 4, arbitrary: fc.array(count, { maxLength: 4 }) }, { weight: 1, arbitrary: anyJson }),
  data_offsets: fc.oneof(
    { weight: 4, arbitrary: fc.tuple(count, count) },
    { weight: 1, arbitrary: fc.array(count, { maxLength: 3 }) },
    { weight: 1, arbitrary: anyJson },
  ),
}, { requiredKeys: [] });

/** A header of consistent tensors (dtype, shape, offsets laid end to end), optionally with a broken entry. */
const consistent = fc.record({
  tensors: fc.array(
    fc.record({
      dtype: fc.constantFrom(...Object.keys(SAFETENSORS_DTYPE_BYTES)),
      shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
    }),
    { maxLength: 5 },
  ),
  metadata: fc.option(
    fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof({ weight: 9, arbitrary: fc.string() }, anyJson)),
    { nil: undefined },
  ),
  broken: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, fc.tuple(fc.string({ maxLength: 8 }), entry)),
  slack: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: -2, max: 2 })),
}).map(({ tensors, metadata, broken, slack }) => {
  const header: Record<string, unknown> = {};
  let offset = 0;
  tensors.forEach((t, i) => {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[t.dtype]!;
    header[`t${i}`] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  });
  if (metadata !== undefined) header.__metadata__ = metadata;
  if (broken !== undefined) header[broken[0]] = broken[1];
  return file(header, Math.max(0, offset + slack));
});

Deno.test("fuzz: parseSafetensorsHeader() on random bytes gives a header or a ModelFormatError naming the file", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void parse(bytes)), fuzzParameters(500));
});

Deno.test("fuzz: parseSafetensorsHeader() on random headers: tensors tile the data or a ModelFormatError", () => {
  const header = fc.oneof(
    fc.dictionary(fc.string({ maxLength: 6 }), entry, { maxKeys: 4 }),
    anyJson,
    fc.string({ maxLength: 40 }),
  );
  const declared = fc.option(
    fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.constantFrom(2n ** 40n, 2n ** 63n, 2n ** 64n - 1n)),
    { nil: undefined },
  );
  fc.assert(
    fc.property(
      header,
      fc.integer({ min: 0, max: 64 }),
      declared,
      (h, data, length) => void parse(file(h, data, length)),
    ),
    fuzzParameters(1000),
  );
  let parsed = 0;
  fc.assert(
    fc.property(consistent, (bytes) => {
      if ("value" in parse(bytes)) parsed++;
    }),
    fuzzParameters(500),
  );
  assert.ok(parsed > 50, `only ${parsed} of the consistent headers parsed: the generator is too broken to be useful`);
});

Deno.test("fuzz: readSafetensorsHeader() on a mutated real checkpoint gives a header or a ModelFormatError naming the file", async () => {
  const base = await Deno.readFile(FIXTURE);
  const headerEnd = 8 + Number(new DataView(base.buffer).getBigUint64(0, true));
  // Mutate the length and the JSON header (mutations in the tensor bytes cannot change the verdict).
  const head = base.subarray(0, headerEnd + 64);
  const dir = await Deno.makeTempDir({ prefix: "subvalid-fuzz-st-" });
  try {
    const path = join(dir, NAME);
    await fc.assert(
      fc.asyncProperty(mutatedBytes(head, 3), async (mutated) => {
        await Deno.writeFile(path, mutated);
        const result = await valueOrTypedErrorAsync(() => readSafetensorsHeader(path), [ModelFormatError], [
          `"${path}"`,
        ]);
        if ("value" in result) checkHeader(result.value, mutated.length);
      }),
      fuzzParameters(200),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("safetensors: a declared header length of 2^40 or 2^64-1 is refused from the first 8 bytes, before allocating", async () => {
  for (const declared of [2n ** 40n, 2n ** 64n - 1n, BigInt(MAX_SAFETENSORS_HEADER_BYTES) + 1n]) {
    const bytes = file("{}", 0, declared);
    assert.throws(
      () => parseSafetensorsHeader(bytes.subarray(0, 8), bytes.length, NAME),
      (e: unknown) =>
        e instanceof ModelFormatError && /the header length is \d+ bytes, limit is 100000000/.test(e.message),
    );
  }
  // Under the limit but beyond the file: readSafetensorsHeader reads 8 bytes, then refuses (no 90 MB buffer).
  const dir = await Deno.makeTempDir({ prefix: "subvalid-fuzz-st-" });
  try {
    const path = join(dir, NAME);
    await Deno.writeFile(path, file("{}", 4, 90_000_000n));
    const before = Deno.memoryUsage().rss;
    await assert.rejects(
      readSafetensorsHeader(path),
      (e: unknown) =>
        e instanceof ModelFormatError && /90000000 bytes but the file has only 6 bytes after it/.test(e.message),
    );
    assert.ok(Deno.memoryUsage().rss - before < 50_000_000, "no buffer of the declared size was allocated");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
