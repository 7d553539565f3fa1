import assert from "node:assert/strict";
import { parseDevice, resolveDevice } from "./device.ts";
import { CUDA_PROVIDER_LIBS, ortBinaryDir, probeExecutionProviders } from "./execution_providers.ts";
import { ScoreRuntimeError } from "./score_error.ts";

const cudaInstalled = CUDA_PROVIDER_LIBS.every((lib) => {
  try {
    return Deno.statSync(`${ortBinaryDir()}/${lib}`).isFile;
  } catch {
    return false;
  }
});

Deno.test("parseDevice() accepts auto, cpu, cuda and cuda:N and names the bad value otherwise", () => {
  assert.deepEqual(parseDevice("auto"), { kind: "auto", deviceId: 0 });
  assert.deepEqual(parseDevice("CPU"), { kind: "cpu", deviceId: 0 });
  assert.deepEqual(parseDevice("cuda"), { kind: "cuda", deviceId: 0 });
  assert.deepEqual(parseDevice("cuda:3"), { kind: "cuda", deviceId: 3 });
  assert.throws(() => parseDevice("gpu"), /Unknown device "gpu": use auto, cpu, cuda or cuda:N/);
});

Deno.test({
  name: "probeExecutionProviders() says which CUDA provider libraries are missing and how to install them",
  ignore: cudaInstalled,
  fn: async () => {
    const report = await probeExecutionProviders();
    assert.equal(report.ortVersion, "1.29.0");
    assert.deepEqual(report.providers[0], { name: "cpu", ok: true });
    const cuda = report.providers[1]!;
    assert.equal(cuda.ok, false);
    assert.match(
      cuda.reason ?? "",
      /libonnxruntime_providers_shared\.so and libonnxruntime_providers_cuda\.so are missing/,
    );
    assert.match(cuda.reason ?? "", /deno task setup:cuda/);
  },
});

Deno.test({
  name: "resolveDevice() falls back to the CPU on auto and refuses an explicit CUDA that does not work",
  ignore: cudaInstalled,
  fn: async () => {
    assert.equal((await resolveDevice("auto")).name, "cpu");
    assert.equal((await resolveDevice("cpu")).name, "cpu");
    await assert.rejects(resolveDevice("cuda:1"), (e: unknown) => {
      assert.ok(e instanceof ScoreRuntimeError);
      assert.match(e.message, /Cannot use CUDA device 1: .*setup:cuda/);
      return true;
    });
  },
});
