import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeSafetensors, rawSafetensors } from "./_testing.ts";
import { ModelFormatError } from "./errors.ts";
import { MAX_SAFETENSORS_HEADER_BYTES, parseSafetensorsHeader, readSafetensorsHeader } from "./safetensors.ts";

const parse = (bytes: Uint8Array) => parseSafetensorsHeader(bytes, bytes.length, "test.safetensors");

function rejects(bytes: Uint8Array, pattern: RegExp, size = bytes.length): void {
  assert.throws(() => parseSafetensorsHeader(bytes, size, "test.safetensors"), (error: unknown) => {
    assert.ok(error instanceof ModelFormatError, `a ModelFormatError, got ${error}`);
    assert.match(error.message, /^Cannot read safetensors file "test\.safetensors": /);
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("parseSafetensorsHeader() gives each tensor's dtype, shape and absolute file offset", () => {
  const bytes = encodeSafetensors({
    a: { dtype: "BF16", shape: [2, 3], values: 1 },
    b: { dtype: "F32", shape: [4], values: [1, 2, 3, 4] },
    empty: { dtype: "F16", shape: [0, 5], values: [] },
  }, { format: "pt" });
  const header = parse(bytes);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(header.headerLength, headerLength);
  assert.equal(header.dataStart, 8 + headerLength);
  assert.deepEqual(header.metadata, { format: "pt" });
  assert.deepEqual([...header.tensors.keys()], ["a", "b", "empty"]);
  const b = header.tensors.get("b")!;
  assert.deepEqual([b.dtype, b.shape, b.elements, b.byteLength], ["F32", [4], 4, 16]);
  assert.equal(b.fileOffset, 8 + headerLength + 12);
  assert.deepEqual([...new Float32Array(bytes.slice(b.fileOffset, b.fileOffset + 16).buffer)], [1, 2, 3, 4]);
  assert.equal(header.tensors.get("empty")!.byteLength, 0);
});

Deno.test("parseSafetensorsHeader() rejects a file shorter than the length prefix", () => {
  rejects(new Uint8Array(5), /the file has 5 bytes, fewer than the 8-byte header length/);
});

Deno.test("parseSafetensorsHeader() rejects an oversized header length and one beyond the file", () => {
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, BigInt(MAX_SAFETENSORS_HEADER_BYTES + 1), true);
  rejects(huge, /header length is 100000001 bytes, limit is 100000000 bytes/, 10 ** 9);
  const beyond = rawSafetensors("{}");
  new DataView(beyond.buffer).setBigUint64(0, 50n, true);
  rejects(beyond, /header length is 50 bytes but the file has only 2 bytes after it/);
});

Deno.test("parseSafetensorsHeader() rejects malformed JSON, non-objects and invalid UTF-8", () => {
  rejects(rawSafetensors('{"a": {"dtype": "F32",'), /not valid UTF-8 JSON/);
  rejects(rawSafetensors("[1, 2]"), /the header is not a JSON object/);
  rejects(rawSafetensors(' {"a": 1}'), /the header is not a JSON object/);
  const bad = rawSafetensors('{"x":"  "}');
  bad[14] = 0xff;
  rejects(bad, /not valid UTF-8 JSON/);
  rejects(rawSafetensors('{"a": 5}'), /tensor "a" is not an object/);
  rejects(rawSafetensors('{"__metadata__": {"k": 1}}'), /"__metadata__\.k" is not a string/);
});

Deno.test("parseSafetensorsHeader() rejects unknown dtypes, bad shapes and extra fields", () => {
  const entry = (fields: string) => rawSafetensors(`{"w": {${fields}}}`, new Uint8Array(8));
  rejects(entry('"dtype": "F12", "shape": [2], "data_offsets": [0, 8]'), /tensor "w" has unknown dtype "F12"/);
  rejects(entry('"shape": [2], "data_offsets": [0, 8]'), /tensor "w" has no "dtype" string/);
  rejects(entry('"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]'), /invalid "shape"/);
  rejects(entry('"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]'), /invalid "shape"/);
  rejects(entry('"dtype": "F32", "shape": [2], "data_offsets": [0]'), /invalid "data_offsets"/);
  rejects(entry('"dtype": "F32", "shape": [2], "data_offsets": [8, 0]'), /end before they begin/);
  rejects(entry('"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "x": 1'), /unknown field "x"/);
});

Deno.test("parseSafetensorsHeader() rejects a shape whose byte length differs from its data_offsets", () => {
  rejects(
    rawSafetensors('{"w": {"dtype": "BF16", "shape": [3, 2], "data_offsets": [0, 8]}}', new Uint8Array(8)),
    /tensor "w" of dtype BF16 and shape \[3,2\] needs 12 bytes, its data_offsets span 8/,
  );
});

Deno.test("parseSafetensorsHeader() rejects overlapping ranges, holes, offsets beyond the file and trailing bytes", () => {
  const two = (a: string, b: string, data: number) =>
    rawSafetensors(
      `{"a": {"dtype": "F32", "shape": [2], "data_offsets": ${a}}, "b": {"dtype": "F32", "shape": [2], "data_offsets": ${b}}}`,
      new Uint8Array(data),
    );
  rejects(two("[0, 8]", "[4, 12]", 12), /tensor "b" overlaps the tensor before it \(data offset 4\)/);
  rejects(two("[0, 8]", "[12, 20]", 20), /the data bytes 8\.\.12 belong to no tensor/);
  rejects(two("[0, 8]", "[8, 16]", 12), /tensor "b" ends at data offset 16, beyond the 12 data bytes of the file/);
  rejects(two("[0, 8]", "[8, 16]", 20), /the tensors cover 16 data bytes but the file has 20 after the header/);
  assert.equal(parse(two("[8, 16]", "[0, 8]", 16)).tensors.size, 2, "any order of a perfect tiling is fine");
});

Deno.test("readSafetensorsHeader() reads only the header of a file on disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "model.safetensors");
    await Deno.writeFile(path, encodeSafetensors({ w: { dtype: "F16", shape: [3, 4], values: 0.5 } }));
    const header = await readSafetensorsHeader(path, { name: "model.safetensors" });
    assert.deepEqual(header.tensors.get("w")?.shape, [3, 4]);
    await Deno.writeFile(path, rawSafetensors('{"w": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]}}'));
    await assert.rejects(
      readSafetensorsHeader(path, { name: "model.safetensors" }),
      /"model\.safetensors": tensor "w" ends/,
    );
    await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
    await assert.rejects(readSafetensorsHeader(path), ModelFormatError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
