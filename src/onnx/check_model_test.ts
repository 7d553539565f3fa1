import assert from "node:assert/strict";
import {
  checkExternalSizes,
  checkLocation,
  checkModel,
  DataType,
  externalTensor,
  floatTensor,
  type Model,
  node,
  UnsafeModelError,
  valueInfo,
} from "./mod.ts";

function model(extra: Partial<Model["graph"]> = {}): Model {
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "g",
      node: [node("MatMul", ["x", "w"], ["y"])],
      initializer: [floatTensor("w", [1, 2, 3, 4], [2, 2])],
      input: [valueInfo("x", DataType.FLOAT, [1, 2])],
      output: [valueInfo("y", DataType.FLOAT, [1, 2])],
      valueInfo: [],
      ...extra,
    },
  };
}

Deno.test("checkLocation() accepts plain relative paths and names what is wrong with the others", () => {
  checkLocation("model.onnx_data", "w");
  checkLocation("weights/part-1.bin", "w");
  assert.throws(() => checkLocation("/etc/passwd", "w"), /"\/etc\/passwd" of tensor "w" is absolute/);
  assert.throws(() => checkLocation("C:/x", "w"), /is absolute/);
  assert.throws(() => checkLocation("a/../../b", "w"), /contains "\.\."/);
  assert.throws(() => checkLocation("a\\b", "w"), /backslash/);
  assert.throws(() => checkLocation("", "w"), /is empty/);
});

Deno.test("checkModel() lists external tensors and checkExternalSizes() bounds them by the file sizes", () => {
  const m = model({ initializer: [externalTensor("w", [2, 2], DataType.FLOAT, "data.bin", 8, 16)] });
  const refs = checkModel(m);
  assert.deepEqual(refs.map((r) => [r.location, r.offset, r.byteSize]), [["data.bin", 8, 16]]);
  checkExternalSizes(refs, new Map([["data.bin", 24]]));
  assert.throws(
    () => checkExternalSizes(refs, new Map([["data.bin", 23]])),
    /"w" declares dims \[2, 2\] \(16 bytes at offset 8\) but "data.bin" has 23 bytes/,
  );
  assert.throws(() => checkExternalSizes(refs, new Map()), /"data.bin" was not found/);
  const lying = model({ initializer: [externalTensor("w", [4, 4], DataType.FLOAT, "data.bin", 0, 16)] });
  assert.throws(() => checkModel(lying), /declares dims \[4, 4\] \(64 bytes\) but external length 16/);
});

Deno.test("checkModel() refuses foreign domains, local functions, sparse initializers and short inline data", () => {
  const cases: [Model, RegExp][] = [
    [{ ...model(), opsetImport: [{ domain: "custom", version: 1 }] }, /imports operator domain "custom"/],
    [model({ node: [node("Foo", ["x"], ["y"], {}, { domain: "ai.onnx.ml" })] }), /domain "ai.onnx.ml"/],
    [{ ...model(), unknown: [new Uint8Array([0xca, 0x01, 0])] }, /model-local functions/],
    [model({ unknown: [new Uint8Array([122, 0])] }), /sparse initializers/],
    [
      model({ initializer: [{ ...floatTensor("w", [1, 2, 3, 4], [2, 2]), dims: [2, 3] }] }),
      /declares dims \[2, 3\] \(24 bytes\) but holds 16/,
    ],
    [model({ initializer: [{ ...floatTensor("w", [1], [1]), dims: [-1] }] }), /bad dimension -1/],
  ];
  for (const [m, pattern] of cases) {
    assert.throws(() => checkModel(m), (e: unknown) => e instanceof UnsafeModelError && pattern.test(e.message));
  }
  assert.deepEqual(
    checkModel({ ...model(), opsetImport: [{ domain: "", version: 17 }, { domain: "com.microsoft", version: 1 }] }),
    [],
  );
});
