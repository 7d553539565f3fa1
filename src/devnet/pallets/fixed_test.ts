import assert from "node:assert/strict";
import { isMaxLimited, maxUpscaleToU16 } from "./fixed.ts";

Deno.test("maxUpscaleToU16() scales the largest weight to 65535 and rounds half away from zero", () => {
  assert.deepEqual(maxUpscaleToU16([100, 200]), [32768, 65535]); // 32767.5 rounds up
  assert.deepEqual(maxUpscaleToU16([1, 2, 3]), [21845, 43690, 65535]);
  assert.deepEqual(maxUpscaleToU16([0, 0]), [0, 0]);
  assert.deepEqual(maxUpscaleToU16([65535, 1]), [65535, 1]);
  assert.deepEqual(maxUpscaleToU16([]), []);
});

Deno.test("maxUpscaleToU16() truncates 65535/max to 32 fractional bits when max exceeds 32768", () => {
  // floor(65535 * 2^32 / 40000) * 20000 / 2^32 = 32767.49999986..., so 32767 (exact arithmetic would give 32768)
  assert.deepEqual(maxUpscaleToU16([20000, 40000]), [32767, 65535]);
});

Deno.test("isMaxLimited() compares the largest normalized weight with limit / 65535", () => {
  assert.equal(isMaxLimited([65535, 65535], 32768), true); // 0.5 <= 0.50000763
  assert.equal(isMaxLimited([65535, 65535], 32767), false); // 0.5 > 0.49999237
  assert.equal(isMaxLimited([65535], 65534), false);
  assert.equal(isMaxLimited([], 1), true);
});
