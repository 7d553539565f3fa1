import assert from "node:assert/strict";
import { join } from "node:path";
import { extractTarFiles } from "./tar_extract.ts";

function header(name: string, size: number, type = "0"): Uint8Array {
  const h = new Uint8Array(512);
  const enc = new TextEncoder();
  h.set(enc.encode(name.slice(0, 100)), 0);
  h.set(enc.encode(size.toString(8).padStart(11, "0")), 124);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode("ustar\0"), 257);
  return h;
}

function entry(name: string, body: Uint8Array, type = "0"): Uint8Array[] {
  const padded = new Uint8Array(Math.ceil(body.length / 512) * 512);
  padded.set(body);
  return [header(name, body.length, type), padded];
}

function tar(...parts: Uint8Array[][]): Uint8Array<ArrayBuffer> {
  const all = [...parts.flat(), new Uint8Array(1024)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of all) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

Deno.test("extractTarFiles() writes only the wanted entries from a gzipped tar, long pax paths included", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const long = `package/${"deep/".repeat(30)}lib.so`;
    const pax = new TextEncoder().encode(`${long.length + 10} path=${long}\n`);
    const bytes = tar(
      entry("package/README.md", new TextEncoder().encode("skip me")),
      entry("package/Plugins/a.so", new Uint8Array(1000).fill(7)),
      entry("PaxHeader", pax, "x"),
      entry("ignored-name", new Uint8Array([1, 2, 3])),
    );
    const gz = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
    const targets = new Map([["package/Plugins/a.so", join(dir, "a.so")], [long, join(dir, "lib.so")]]);
    const found = await extractTarFiles(gz, targets);
    assert.deepEqual(found, ["package/Plugins/a.so", long]);
    assert.deepEqual(await Deno.readFile(join(dir, "a.so")), new Uint8Array(1000).fill(7));
    assert.deepEqual(await Deno.readFile(join(dir, "lib.so")), new Uint8Array([1, 2, 3]));
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(), ["a.so", "lib.so"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
