#!/usr/bin/env -S deno run --allow-net=registry.npmjs.org --allow-read=. --allow-write=src/devnet/metadata --allow-env=POLKADOTJS_DISABLE_ESM_CJS_WARNING,DEBUG,DEBUG_MAX
/**
 * Regenerates the devnet's runtime metadata from the npm package
 * `@bitgo/sdk-coin-tao`: downloads the package tarball from the npm registry,
 * checks it against the registry's published integrity, takes the metadata hex
 * of `dist/src/resources/testnet.js` (subtensor spec 233, metadata V14) and
 * writes it as raw SCALE bytes beside this file, with a JSON record of where it
 * came from (package, version, tarball and file hashes). The package itself is
 * never stored.
 *
 * ```sh
 * deno run --allow-net=registry.npmjs.org --allow-read=. --allow-write=src/devnet/metadata \
 *   --allow-env=POLKADOTJS_DISABLE_ESM_CJS_WARNING,DEBUG,DEBUG_MAX \
 *   src/devnet/metadata/extract_metadata.ts [--version 1.16.4]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { TypeRegistry } from "@polkadot/types";
import { Metadata } from "@polkadot/types/metadata";
import type { RuntimeVersion } from "@polkadot/types/interfaces";
import { hexToU8a, u8aToHex } from "@polkadot/util";

/** The package the metadata comes from. */
export const SOURCE_PACKAGE = "@bitgo/sdk-coin-tao";
/** The version the committed metadata was extracted from. */
export const SOURCE_VERSION = "1.16.4";
/** The file inside the package holding the spec-233 metadata. */
export const SOURCE_FILE = "package/dist/src/resources/testnet.js";

const REGISTRY = "https://registry.npmjs.org";
const OUT_DIR = new URL("./", import.meta.url);

/** The record written beside the metadata. */
export interface MetadataSource {
  package: string;
  version: string;
  tarball: string;
  /** The registry's `dist.integrity` (sha512, base64), checked against the download. */
  tarballIntegrity: string;
  tarballSha256: string;
  file: string;
  fileSha256: string;
  /** What the package labels the material. */
  label: { specVersion: string; genesisHash: string; atHeight: string; atHash: string };
  /** What the metadata itself says. */
  embedded: { metadataVersion: number; specName: string; specVersion: number; transactionVersion: number };
  metadataFile: string;
  metadataBytes: number;
  metadataSha256: string;
  extractedAt: string;
}

function sha(algorithm: string, bytes: Uint8Array, encoding: "hex" | "base64" = "hex"): string {
  return createHash(algorithm).update(bytes).digest(encoding);
}

async function fetchWithDeadline(url: string, timeoutMs = 60_000): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`Cannot fetch "${url}": HTTP ${response.status}`);
  return response;
}

/** Reads one file out of a (decompressed) ustar archive. */
export function readTarEntry(tar: Uint8Array, wanted: string): Uint8Array | undefined {
  const decoder = new TextDecoder();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, length: number) =>
      decoder.decode(header.subarray(start, start + length)).replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === "L") {
      longName = decoder.decode(body).replace(/\0.*$/s, "");
    } else if ((type === "0" || type === "") && name === wanted) {
      return body.slice();
    }
    name = "";
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function stringField(source: string, key: string): string {
  const match = source.match(new RegExp(`${key}:\\s*'([^']*)'`));
  if (!match) throw new Error(`Cannot find "${key}" in ${SOURCE_FILE}`);
  return match[1]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: Deno.args, options: { version: { type: "string" } } });
  const version = values.version ?? SOURCE_VERSION;
  const manifest = await (await fetchWithDeadline(`${REGISTRY}/${SOURCE_PACKAGE}/${version}`)).json() as {
    dist: { tarball: string; integrity: string };
  };
  const tarball = new Uint8Array(await (await fetchWithDeadline(manifest.dist.tarball)).arrayBuffer());
  const integrity = `sha512-${sha("sha512", tarball, "base64")}`;
  if (integrity !== manifest.dist.integrity) {
    throw new Error(
      `Cannot trust "${manifest.dist.tarball}": integrity ${integrity}, registry says ${manifest.dist.integrity}`,
    );
  }
  const tar = new Uint8Array(
    await new Response(new Blob([tarball]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer(),
  );
  const file = readTarEntry(tar, SOURCE_FILE);
  if (file === undefined) throw new Error(`Cannot find "${SOURCE_FILE}" in ${SOURCE_PACKAGE}@${version}`);
  const text = new TextDecoder().decode(file);
  const metadataHex = stringField(text, "metadata");
  const bytes = hexToU8a(metadataHex);

  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, bytes);
  registry.setMetadata(metadata);
  const v14 = metadata.asV14;
  const system = v14.pallets.find((p) => p.name.toString() === "System")!;
  const versionConstant = system.constants.find((c) => c.name.toString() === "Version")!;
  const runtimeVersion = registry.createType<RuntimeVersion>("RuntimeVersion", versionConstant.value.toU8a(true));

  const metadataFile = "subtensor_spec233.scale";
  await Deno.writeFile(new URL(metadataFile, OUT_DIR), bytes);
  const record: MetadataSource = {
    package: SOURCE_PACKAGE,
    version,
    tarball: manifest.dist.tarball,
    tarballIntegrity: manifest.dist.integrity,
    tarballSha256: sha("sha256", tarball),
    file: SOURCE_FILE,
    fileSha256: sha("sha256", file),
    label: {
      specVersion: stringField(text, "specVersion"),
      genesisHash: stringField(text, "genesisHash"),
      atHeight: stringField(text, "height"),
      atHash: stringField(text, "hash"),
    },
    embedded: {
      metadataVersion: metadata.version,
      specName: runtimeVersion.specName.toString(),
      specVersion: runtimeVersion.specVersion.toNumber(),
      transactionVersion: runtimeVersion.transactionVersion.toNumber(),
    },
    metadataFile,
    metadataBytes: bytes.length,
    metadataSha256: sha("sha256", bytes),
    extractedAt: new Date().toISOString(),
  };
  await Deno.writeTextFile(new URL("subtensor_spec233.json", OUT_DIR), `${JSON.stringify(record, null, 2)}\n`);
  // deno-lint-ignore no-console
  console.log(
    `Wrote ${metadataFile} (${bytes.length} bytes, sha256 ${record.metadataSha256}) ${u8aToHex(bytes.subarray(0, 4))}`,
  );
}

if (import.meta.main) await main();
