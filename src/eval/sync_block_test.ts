import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { nextSyncBlock, seedFromBlockHash, syncBlock } from "./sync_block.ts";

/** [block, sync block, next sync block], computed by Python with the reference's formulas (genesis 3_138_611, cadence 360). */
const SN37_VECTORS = [
  [0, -229, 131],
  [1, -229, 131],
  [3138610, 3138251, 3138611],
  [3138611, 3138611, 3138971],
  [3138612, 3138611, 3138971],
  [3138970, 3138611, 3138971],
  [3138971, 3138971, 3139331],
  [3138972, 3138971, 3139331],
  [5158632, 5158571, 5158931],
  [5499971, 5499851, 5500211],
  [5500000, 5499851, 5500211],
  [6000000, 5999891, 6000251],
  [-1, -229, 131],
  [-360, -589, -229],
  [7000000000, 6999999971, 7000000331],
];

/** The same with genesis 0, cadence 4 (a local chain). */
const LOCAL_VECTORS = [
  [0, 0, 4],
  [1, 0, 4],
  [3, 0, 4],
  [4, 4, 8],
  [5, 4, 8],
  [7, 4, 8],
  [8, 8, 12],
  [-1, -4, 0],
  [-4, -4, 0],
  [-5, -8, -4],
];

Deno.test("syncBlock() floors like Python's // (below genesis too) and nextSyncBlock() is strictly after", () => {
  for (const [block, sync, next] of SN37_VECTORS) {
    assert.equal(syncBlock(block!), sync, `syncBlock(${block})`);
    assert.equal(nextSyncBlock(block!), next, `nextSyncBlock(${block})`);
    assert.ok(nextSyncBlock(block!) > block!);
  }
  for (const [block, sync, next] of LOCAL_VECTORS) {
    assert.equal(syncBlock(block!, { genesis: 0, cadence: 4 }), sync, `local syncBlock(${block})`);
    assert.equal(nextSyncBlock(block!, { genesis: 0, cadence: 4 }), next, `local nextSyncBlock(${block})`);
  }
  assert.throws(() => syncBlock(1.5), TypeError);
  assert.throws(() => syncBlock(1, { cadence: 0 }), RangeError);
});

Deno.test("seedFromBlockHash() is int(sha256(hash string).hexdigest(), 16), checked against python3", () => {
  const hash = "0x" + "11".repeat(32);
  assert.equal(seedFromBlockHash(hash), 99707213387532522805047265518171547922337399156784143484050966736368402234225n);
  assert.equal(seedFromBlockHash(hash.toUpperCase().replace("0X", "0x")), seedFromBlockHash(hash));
  const hashes = ["0x" + "ab".repeat(32), "0x00", "0x" + "0123456789abcdef".repeat(4)];
  const py = spawnSync("python3", [
    "-c",
    "import hashlib,sys\nfor h in sys.argv[1:]: print(int(hashlib.sha256(h.encode('utf-8')).hexdigest(), 16))",
    ...hashes,
  ], { encoding: "utf8" });
  assert.equal(py.status, 0, py.stderr);
  assert.deepEqual(hashes.map((h) => String(seedFromBlockHash(h))), py.stdout.trim().split("\n"));
  assert.throws(() => seedFromBlockHash("11".repeat(32)), TypeError);
  assert.throws(() => seedFromBlockHash("0xzz"), TypeError);
});
