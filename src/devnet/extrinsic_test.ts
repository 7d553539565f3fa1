import assert from "node:assert/strict";
import { hexToU8a } from "@polkadot/util";
import { decodeEra, eraBirth } from "./extrinsic.ts";

Deno.test("decodeEra() reads the eras polkadot.js sends (period 32, phases 0 and 1)", () => {
  assert.deepEqual(decodeEra(hexToU8a("0x0400")), [{ period: 32, phase: 0 }, 2]);
  assert.deepEqual(decodeEra(hexToU8a("0x1400")), [{ period: 32, phase: 1 }, 2]);
  assert.deepEqual(decodeEra(hexToU8a("0x00")), [{ period: 0, phase: 0 }, 1]);
  assert.throws(() => decodeEra(new Uint8Array([1])), /truncated/);
  assert.throws(() => decodeEra(new Uint8Array([0x01, 0xf0])), /Invalid era/);
});

Deno.test("eraBirth() is the latest block at or before `current` in the era's phase", () => {
  const era = { period: 32, phase: 5 };
  assert.equal(eraBirth(era, 5), 5);
  assert.equal(eraBirth(era, 36), 5);
  assert.equal(eraBirth(era, 37), 37);
  assert.equal(eraBirth(era, 2), 5, "a birth after current: the runtime then reports an ancient birth block");
  assert.equal(eraBirth({ period: 0, phase: 0 }, 1000), 0);
});
