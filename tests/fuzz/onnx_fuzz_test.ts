/**
 * Fuzzing the ONNX protobuf codec and checks (`src/onnx/_wire.ts`, `decode_model.ts`,
 * `check_model.ts`, `model_source.ts`): random bytes, real models mutated (flips, overwrites,
 * insertions, deletions, truncation) and protobuf fields with absurd declared lengths. Decoding gives a
 * model or a `SyntaxError`; a decoded model re-encodes to the same model; the checks give the external
 * tensors or an `UnsafeModelError`; opening a model directory gives a source or a `ModelError` naming
 * the graph file. Declared sizes beyond the input are refused before anything of that size exists.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { checkExternalSizes, checkModel, UnsafeModelError } from "../../src/onnx/check_model.ts";
import { decodeModel } from "../../src/onnx/decode_model.ts";
import { encodeModel } from "../../src/onnx/encode_model.ts";
import { openOnnxModel } from "../../src/onnx/model_source.ts";
import { DataType, type Model } from "../../src/onnx/types.ts";
import { ModelError } from "../../src/errors/mod.ts";
import { fuzzParameters, mutatedBytes, valueOrTypedError, valueOrTypedErrorAsync } from "./fuzz.ts";

const SMALL = await Deno.readFile(new URL("../fixtures/models/slow/model.onnx", import.meta.url));
const LLAMA_DIR = new URL("../fixtures/models/tiny-llama/", import.meta.url);
const LLAMA = await Deno.readFile(new URL("onnx/model.onnx", LLAMA_DIR));

/** Decodes, and for a decoded model: re-encoding round-trips, and the checks only throw UnsafeModelError. */
function decodeAndCheck(bytes: Uint8Array): void {
  const decoded = valueOrTypedError(() => decodeModel(bytes), [SyntaxError], ["Cannot decode ONNX model"]);
  if (!("value" in decoded)) return;
  const model = decoded.value;
  assert.deepEqual(decodeModel(encodeModel(model)), model, "encodeModel(decodeModel(x)) decodes to the same model");
  const checked = valueOrTypedError(() => checkModel(model), [UnsafeModelError]);
  if ("value" in checked) {
    const sizes = new Map(checked.value.map((ref) => [ref.location, 1 << 20]));
    valueOrTypedError(() => checkExternalSizes(checked.value, sizes), [UnsafeModelError]);
  }
}

/** A protobuf varint. */
function varint(value: bigint): number[] {
  const out: number[] = [];
  do {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    out.push(value > 0n ? byte | 0x80 : byte);
  } while (value > 0n);
  return out;
}

/** Protobuf fields of any wire type with random field numbers, lengths (possibly absurd) and payloads. */
const field = fc.record({
  field: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 2 ** 29 })),
  wire: fc.integer({ min: 0, max: 7 }),
  length: fc.oneof(fc.bigInt({ min: 0n, max: 40n }), fc.constantFrom(2n ** 31n, 2n ** 40n, 2n ** 53n, 2n ** 64n - 1n)),
  payload: fc.uint8Array({ maxLength: 24 }),
}).map(({ field, wire, length, payload }) => [
  ...varint(BigInt(field) * 8n + BigInt(wire)),
  ...(wire === 2 ? varint(length) : []),
  ...payload,
]);
const fields = fc.array(field, { maxLength: 6 }).map((list) => Uint8Array.from(list.flat()));

function lengthDelimited(tag: number, inner: Uint8Array): Uint8Array {
  const prefix = [tag, ...varint(BigInt(inner.length))];
  const out = new Uint8Array(prefix.length + inner.length);
  out.set(prefix);
  out.set(inner, prefix.length);
  return out;
}

/** A model whose graph holds a node whose attribute holds a graph ..., `depth` subgraphs deep. */
function nestedModel(depth: number, innermost: Uint8Array = new Uint8Array()): Uint8Array {
  let graph = innermost;
  for (let i = 0; i < depth; i++) {
    graph = lengthDelimited(0x0a, lengthDelimited(0x2a, lengthDelimited(0x32, graph)));
  }
  return lengthDelimited(0x3a, graph);
}

Deno.test("fuzz: decodeModel() on random bytes and random protobuf fields gives a model or a SyntaxError", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), decodeAndCheck), fuzzParameters(500));
  fc.assert(fc.property(fields, decodeAndCheck), fuzzParameters(500));
  // Random fields nested as a graph (field 7) inside a model, where the graph reader sees them.
  const nested = fields.map((inner) => Uint8Array.from([0x3a, ...varint(BigInt(inner.length)), ...inner]));
  fc.assert(fc.property(nested, decodeAndCheck), fuzzParameters(300));
  // Subgraphs nested at any depth up to thousands (where recursion overflowed before the depth limit).
  const deep = fc.tuple(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(100, 2500)), fields);
  fc.assert(fc.property(deep, ([depth, inner]) => decodeAndCheck(nestedModel(depth, inner))), fuzzParameters(40));
});

Deno.test("fuzz: mutated real models decode, re-encode and check, or fail with SyntaxError / UnsafeModelError", () => {
  fc.assert(fc.property(mutatedBytes(SMALL), decodeAndCheck), fuzzParameters(400));
  fc.assert(fc.property(mutatedBytes(LLAMA, 2), decodeAndCheck), fuzzParameters(150));
});

Deno.test("fuzz: openOnnxModel() on a mutated graph gives a source or a ModelError naming the graph file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-fuzz-onnx-" });
  try {
    await Deno.mkdir(join(dir, "onnx"));
    await Deno.copyFile(new URL("onnx/model.onnx_data", LLAMA_DIR), join(dir, "onnx", "model.onnx_data"));
    await Deno.copyFile(new URL("config.json", LLAMA_DIR), join(dir, "config.json"));
    const graph = join(dir, "onnx", "model.onnx");
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(mutatedBytes(LLAMA, 2), async (bytes) => {
        await Deno.writeFile(graph, bytes);
        const result = await valueOrTypedErrorAsync(() => openOnnxModel(dir), [ModelError]);
        if ("error" in result) {
          assert.ok(
            result.error.message.includes(graph) || result.error.message.includes("External data"),
            `The error names neither the graph nor the data file: ${result.error.message}`,
          );
        } else {
          opened++;
        }
      }),
      fuzzParameters(120),
    );
    assert.ok(opened > 0, "some mutations keep the model valid (the generator is not all noise)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("onnx: absurd declared sizes are refused from the declaration, before allocating", () => {
  // A bytes field (the graph) declaring 2^40 bytes in a 9-byte input.
  assert.throws(() => decodeModel(Uint8Array.from([0x3a, ...varint(2n ** 40n), 1, 2])), /runs past the end/);
  // A varint of 2^64 - 1 as a length: refused as beyond 2^53.
  assert.throws(() => decodeModel(Uint8Array.from([0x3a, ...varint(2n ** 64n - 1n)])), /varint beyond 2\^53/);
  // Tensors declaring dims far beyond their bytes: refused from the dims, whatever holds them.
  const model = (dims: number[], external?: Record<string, string>): Model => ({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "g",
      node: [],
      input: [],
      output: [],
      valueInfo: [],
      initializer: [{
        name: "w",
        dims,
        dataType: DataType.FLOAT,
        ...(external
          ? { dataLocation: 1, externalData: Object.entries(external).map(([key, value]) => ({ key, value })) }
          : { rawData: new Uint8Array(4) }),
      }],
    },
  });
  const huge = [2 ** 20, 2 ** 20, 2 ** 20];
  assert.throws(() => checkModel(decodeModel(encodeModel(model(huge)))), /declares dims \[.*\], far too large/);
  assert.throws(
    () => checkModel(model([2 ** 20], { location: "w.bin", length: String(2 ** 40) })),
    /\(4194304 bytes\) but external length 1099511627776/,
  );
  const refs = checkModel(model([2 ** 20], { location: "w.bin", offset: String(2 ** 40) }));
  assert.throws(
    () => checkExternalSizes(refs, new Map([["w.bin", 4]])),
    /at offset 1099511627776\) but "w.bin" has 4 bytes/,
  );
});
