import assert from "node:assert/strict";
import { join } from "node:path";
import { computeModelHash, secureHashOf } from "./secure_hash.ts";

Deno.test("secureHashOf() binds a model hash to a hotkey as b64(sha256(modelHash + hotkey))", () => {
  // printf 'abc5Hotkey' | openssl dgst -sha256 -binary | base64
  assert.equal(secureHashOf("abc", "5Hotkey"), "q3Qe2tZkbRomNB3EPaUu19A6u2QoovGAFaYLn6AMiNM=");
  assert.notEqual(secureHashOf("abc", "5Hotkez"), secureHashOf("abc", "5Hotkey"));
});

Deno.test("computeModelHash() walks files before subdirectories, names sorted by code point, without hashing names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "a"));
    await Deno.mkdir(join(dir, "B"));
    await Deno.writeTextFile(join(dir, "z.txt"), "z");
    await Deno.writeTextFile(join(dir, "a", "x.txt"), "x");
    await Deno.writeTextFile(join(dir, "B", "y.txt"), "y");
    // Expected order: root files (z.txt), then dirs sorted by code point: "B" < "a".
    const b64 = async (text: string) =>
      btoa(
        String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))),
      );
    const expected = await b64((await b64("z")) + (await b64("y")) + (await b64("x")));
    assert.equal(await computeModelHash(dir), expected);
    assert.equal(await computeModelHash(dir, ["a/x.txt", "z.txt", "B/y.txt"]), expected);
    // Renaming a file does not change the hash; changing bytes does.
    await Deno.rename(join(dir, "z.txt"), join(dir, "0.txt"));
    assert.equal(await computeModelHash(dir), expected);
    await Deno.writeTextFile(join(dir, "0.txt"), "Z");
    assert.notEqual(await computeModelHash(dir), expected);
    const known = new Map([["0.txt", "0".repeat(64)]]);
    assert.notEqual(await computeModelHash(dir, undefined, { sha256: known }), await computeModelHash(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
