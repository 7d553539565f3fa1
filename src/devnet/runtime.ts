/**
 * The devnet's runtime description: the spec-233 metadata extracted from
 * `@bitgo/sdk-coin-tao` (see `metadata/subtensor_spec233.json`), patched by
 * the patches of a runtime profile ({@linkcode DEVNET_PROFILES}), decoded once
 * per process and profile and shared by every devnet of that profile.
 *
 * @module
 */
import { TypeRegistry } from "@polkadot/types";
import { Metadata } from "@polkadot/types/metadata";
import { expandMetadata } from "@polkadot/types/metadata/decorate";
import type { DecoratedMeta } from "@polkadot/types/metadata/decorate/types";
import type { StorageEntry } from "@polkadot/types/primitive/types";
import type { RuntimeVersion } from "@polkadot/types/interfaces";
import type { Codec } from "@polkadot/types/types";
import { unwrapStorageType } from "@polkadot/types/util";
import { compactStripLength, stringCamelCase, u8aToHex } from "@polkadot/util";
import { type MetadataPatch, PATCHES, type V14Json } from "./metadata_patches.ts";
import { DEFAULT_DEVNET_PROFILE, devnetProfile, type DevnetProfileName } from "./runtime_profiles.ts";
import source from "./metadata/subtensor_spec233.json" with { type: "json" };

/** The runtime version as `state_getRuntimeVersion` returns it. */
export interface RuntimeVersionJson {
  specName: string;
  implName: string;
  authoringVersion: number;
  specVersion: number;
  implVersion: number;
  apis: [string, number][];
  transactionVersion: number;
  stateVersion: number;
}

/** Where the metadata came from (the extraction record). */
export type MetadataSource = typeof source;

/** Decoded, patched runtime metadata with helpers for keys, values, events and errors. */
export class DevnetRuntime {
  /** The registry with the patched metadata set. */
  readonly registry: TypeRegistry;
  /** The patched metadata. */
  readonly metadata: Metadata;
  /** The patched metadata's SCALE bytes (served by `state_getMetadata`). */
  readonly metadataBytes: Uint8Array;
  /** Storage, calls, events and errors decorated from the metadata. */
  readonly decorated: DecoratedMeta;
  /** The runtime version (from the metadata's `System.Version` constant). */
  readonly version: RuntimeVersionJson;
  /** `Core_version` result bytes. */
  readonly versionBytes: Uint8Array;
  /** The extraction record of the unpatched metadata. */
  readonly source: MetadataSource = source;
  /** The runtime profile the metadata was patched for. */
  readonly profile: DevnetProfileName;
  readonly #entries = new Map<string, StorageEntry>();
  readonly #valueTypes = new Map<string, string>();

  constructor(metadataBytes: Uint8Array, profile: DevnetProfileName = DEFAULT_DEVNET_PROFILE) {
    this.metadataBytes = metadataBytes;
    this.profile = profile;
    this.registry = new TypeRegistry();
    this.metadata = new Metadata(this.registry, metadataBytes);
    this.registry.setMetadata(this.metadata, undefined, NULL_EXTENSIONS);
    this.decorated = expandMetadata(this.registry, this.metadata);
    const version = this.registry.createType<RuntimeVersion>(
      "RuntimeVersion",
      this.decorated.consts.system!.version!.toU8a(),
    );
    this.versionBytes = version.toU8a();
    const json = version.toJSON() as unknown as RuntimeVersionJson;
    this.version = { ...json, apis: version.apis.map(([id, v]) => [id.toHex(), v.toNumber()] as [string, number]) };
  }

  /** The decorated storage entry of `pallet.item` (names as in the metadata, e.g. `SubtensorModule`, `Keys`). */
  entry(pallet: string, item: string): StorageEntry {
    const id = `${pallet}.${item}`;
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = this.decorated.query[stringCamelCase(pallet)]?.[stringCamelCase(item)];
      if (entry === undefined) throw new RangeError(`Unknown storage item "${id}"`);
      this.#entries.set(id, entry);
    }
    return entry;
  }

  /** The storage key of `pallet.item(...keys)`, as hex. */
  key(pallet: string, item: string, ...keys: unknown[]): string {
    const entry = this.entry(pallet, item);
    const raw = entry(...keys);
    return u8aToHex(compactStripLength(raw)[1]);
  }

  /** The key prefix of `pallet.item` with its first `keys` given, as hex. */
  prefix(pallet: string, item: string, ...keys: unknown[]): string {
    const entry = this.entry(pallet, item);
    return u8aToHex(keys.length === 0 ? entry.keyPrefix() : entry.keyPrefix(...keys));
  }

  /** The type name of a storage item's value (without the Option of optional items). */
  valueType(pallet: string, item: string): string {
    const id = `${pallet}.${item}`;
    let type = this.#valueTypes.get(id);
    if (type === undefined) {
      type = unwrapStorageType(this.registry, this.entry(pallet, item).meta.type, false);
      this.#valueTypes.set(id, type);
    }
    return type;
  }

  /** Whether the item is an OptionQuery (absent means "none", not the default). */
  isOptional(pallet: string, item: string): boolean {
    return this.entry(pallet, item).meta.modifier.isOptional;
  }

  /** The value a ValueQuery item reads as when absent. */
  fallback(pallet: string, item: string): Uint8Array {
    return this.entry(pallet, item).meta.fallback.toU8a(true);
  }

  /** Decodes a storage value of `pallet.item`. */
  decodeValue<T extends Codec = Codec>(pallet: string, item: string, bytes: Uint8Array): T {
    return this.registry.createTypeUnsafe<T>(this.valueType(pallet, item), [bytes]);
  }

  /** SCALE-encodes a storage value of `pallet.item`. */
  encodeValue(pallet: string, item: string, value: unknown): Uint8Array {
    return this.registry.createTypeUnsafe(this.valueType(pallet, item), [value]).toU8a();
  }

  /** The index of a pallet. */
  palletIndex(pallet: string): number {
    const found = this.metadata.asV14.pallets.find((p) => p.name.toString() === pallet);
    if (found === undefined) throw new RangeError(`Unknown pallet "${pallet}"`);
    return found.index.toNumber();
  }

  /** The `[pallet index, error index]` of a module error. */
  errorIndex(pallet: string, name: string): [number, number] {
    const error = this.decorated.errors[stringCamelCase(pallet)]?.[name];
    if (error === undefined) throw new RangeError(`Unknown error "${pallet}.${name}"`);
    return [this.palletIndex(pallet), error.meta.index.toNumber()];
  }
}

/** The subtensor extensions polkadot.js does not know (both profiles'), declared so the registry does not warn. */
const NULL_EXTENSIONS = {
  ChargeTransactionPaymentWrapper: { extrinsic: { tip: "Compact<Balance>" }, payload: {} },
  SudoTransactionExtension: { extrinsic: {}, payload: {} },
  CheckShieldedTxValidity: { extrinsic: {}, payload: {} },
  SubtensorTransactionExtension: { extrinsic: {}, payload: {} },
  DrandPriority: { extrinsic: {}, payload: {} },
  SubtensorSignedExtension: { extrinsic: {}, payload: {} },
  CommitmentsSignedExtension: { extrinsic: {}, payload: {} },
};

const cached = new Map<DevnetProfileName, DevnetRuntime>();

/** Applies patches (by default {@linkcode PATCHES}, the `head` profile's) to unpatched V14 metadata bytes. */
export function patchMetadata(raw: Uint8Array, patches: readonly MetadataPatch[] = PATCHES): Uint8Array {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, raw);
  const v14 = metadata.asV14.toJSON() as unknown as V14Json;
  for (const patch of patches) patch.apply(v14);
  return new Metadata(registry, { magicNumber: 0x6174656d, metadata: { v14 } }).toU8a();
}

/** Reads the extracted spec-233 metadata (unpatched). */
export function readExtractedMetadata(): Uint8Array {
  return Deno.readFileSync(new URL(`./metadata/${source.metadataFile}`, import.meta.url));
}

/**
 * The devnet runtime of a profile, built once per process (reading, patching
 * and decoding the metadata takes a few hundred milliseconds).
 *
 * @throws {RangeError} for an unknown profile
 */
export function loadDevnetRuntime(profile: DevnetProfileName = DEFAULT_DEVNET_PROFILE): DevnetRuntime {
  let runtime = cached.get(profile);
  if (runtime === undefined) {
    runtime = new DevnetRuntime(patchMetadata(readExtractedMetadata(), devnetProfile(profile).patches), profile);
    cached.set(profile, runtime);
  }
  return runtime;
}
