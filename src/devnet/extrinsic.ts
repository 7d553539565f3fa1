/**
 * Decoding and checking signed extrinsics the way the runtime does, from the
 * devnet's own metadata: the transaction extensions' extra data are decoded
 * by their metadata types, the signed payload is rebuilt from the devnet's own
 * chain (spec version, genesis hash, the era's birth block hash), and the
 * sr25519 / ed25519 signature is verified against it. Nothing here trusts the
 * client's extension declarations.
 *
 * @module
 */
import type { Call } from "@polkadot/types/interfaces";
import { compactFromU8a, u8aConcat, u8aToHex, u8aToU8a } from "@polkadot/util";
import { blake2AsU8a, ed25519Verify, encodeAddress, sr25519Verify } from "@polkadot/util-crypto";
import type { DevnetRuntime } from "./runtime.ts";

/** A JSON-RPC error a node returns for a refused transaction. */
export class PoolError extends Error {
  /** The JSON-RPC error code (1001 bad format, 1010 invalid, 1013 already imported, 1014 priority too low). */
  readonly code: number;
  /** The JSON-RPC error message (without the data). */
  readonly rpcMessage: string;
  /** The JSON-RPC error data. */
  readonly data: string | undefined;

  constructor(code: number, message: string, data?: string) {
    super(data === undefined ? message : `${message}: ${data}`);
    this.code = code;
    this.rpcMessage = message;
    this.data = data;
  }
}

/** `1010 Invalid Transaction` with the node's text for an `InvalidTransaction` variant. */
export function invalid(data: string): PoolError {
  return new PoolError(1010, "Invalid Transaction", data);
}

/** `1010 Invalid Transaction: Custom error: N` (subtensor's `CustomTransactionError`). */
export function customInvalid(code: number): PoolError {
  return invalid(`Custom error: ${code}`);
}

/** The node's texts for `InvalidTransaction` variants. */
export const INVALID = {
  call: "Transaction call is not expected",
  payment: "Inability to pay some fees (e.g. account balance too low)",
  future: "Transaction will be valid in the future",
  stale: "Transaction is outdated",
  badProof: "Transaction has a bad signature",
  ancientBirthBlock: "Transaction has an ancient birth block",
  badSigner: "Invalid signing address",
} as const;

/** A mortal or immortal era as encoded in an extrinsic. */
export interface Era {
  /** 0 for immortal. */
  readonly period: number;
  readonly phase: number;
}

/** Decodes an era (1 byte immortal, 2 bytes mortal). Returns the era and its length. */
export function decodeEra(bytes: Uint8Array): [Era, number] {
  if (bytes[0] === 0) return [{ period: 0, phase: 0 }, 1];
  if (bytes.length < 2) throw new RangeError("Era is truncated");
  const encoded = bytes[0]! + (bytes[1]! << 8);
  const period = 2 << (encoded % (1 << 4));
  const quantizeFactor = Math.max(period >> 12, 1);
  const phase = (encoded >> 4) * quantizeFactor;
  if (period < 4 || phase >= period) throw new RangeError(`Invalid era period ${period} phase ${phase}`);
  return [{ period, phase }, 2];
}

/** The first block of the era's window that contains `current` (the birth block). */
export function eraBirth(era: Era, current: number): number {
  if (era.period === 0) return 0;
  return Math.floor((Math.max(current, era.phase) - era.phase) / era.period) * era.period + era.phase;
}

/** A decoded signed extrinsic, not yet checked. */
export interface SignedExtrinsic {
  /** `0x` hash of the extrinsic bytes (with the length prefix), as the pool and RPC name it. */
  readonly hash: string;
  /** The extrinsic bytes (with the length prefix). */
  readonly bytes: Uint8Array;
  /** Signer public key. */
  readonly signer: Uint8Array;
  /** Signer SS58 address (prefix 42). */
  readonly address: string;
  readonly signatureType: "ed25519" | "sr25519" | "ecdsa";
  readonly signature: Uint8Array;
  readonly era: Era;
  readonly nonce: number;
  readonly tip: bigint;
  /** CheckMetadataHash mode (0 disabled, 1 enabled). */
  readonly metadataHashMode: number;
  /** The raw extension extra bytes, in order. */
  readonly extra: Uint8Array;
  /** The call bytes. */
  readonly callBytes: Uint8Array;
  /** The decoded call. */
  readonly call: Call;
}

const SIGNATURE_TYPES = ["ed25519", "sr25519", "ecdsa"] as const;
const SIGNATURE_LENGTHS = [64, 64, 65];

function badFormat(reason: string): PoolError {
  return new PoolError(1001, `Extrinsic has invalid format: ${reason}`);
}

/**
 * Decodes a signed version-4 extrinsic. Unsigned extrinsics are refused
 * (the devnet accepts no unsigned transactions from outside).
 *
 * @throws {PoolError} 1001 when the bytes do not decode, 1010 for unsigned or unsupported ones
 */
export function decodeSignedExtrinsic(runtime: DevnetRuntime, hex: string): SignedExtrinsic {
  let bytes: Uint8Array;
  try {
    bytes = u8aToU8a(hex);
  } catch {
    throw badFormat("not hex");
  }
  const [prefix, length] = compactFromU8a(bytes);
  let offset = prefix;
  if (bytes.length !== prefix + length.toNumber()) badFormatThrow("length prefix does not match the data");
  const version = bytes[offset++];
  if (version === 0x04) throw invalid(INVALID.call);
  if (version !== 0x84) badFormatThrow(`unsupported extrinsic version 0x${(version ?? 0).toString(16)}`);
  if (bytes[offset] !== 0) throw invalid(INVALID.badSigner);
  const signer = bytes.slice(offset + 1, offset + 33);
  offset += 33;
  const signatureIndex = bytes[offset++]!;
  const signatureType = SIGNATURE_TYPES[signatureIndex];
  if (signatureType === undefined) badFormatThrow(`unknown signature variant ${signatureIndex}`);
  const signature = bytes.slice(offset, offset + SIGNATURE_LENGTHS[signatureIndex]!);
  offset += SIGNATURE_LENGTHS[signatureIndex]!;
  if (signer.length !== 32 || offset > bytes.length) badFormatThrow("truncated signature");

  const extraStart = offset;
  let era: Era = { period: 0, phase: 0 };
  let nonce = 0;
  let tip = 0n;
  let metadataHashMode = 0;
  const { registry } = runtime;
  for (const extension of runtime.metadata.asV14.extrinsic.signedExtensions) {
    const identifier = extension.identifier.toString();
    const rest = bytes.subarray(offset);
    try {
      if (identifier === "CheckMortality") {
        const [decoded, used] = decodeEra(rest);
        era = decoded;
        offset += used;
        continue;
      }
      const value = registry.createTypeUnsafe(registry.createLookupType(extension.type), [rest]);
      const used = value.encodedLength;
      if (used > rest.length) throw new RangeError("truncated");
      if (identifier === "CheckNonce") nonce = Number(compactFromU8a(rest)[1].toString());
      if (identifier === "ChargeTransactionPaymentWrapper" || identifier === "ChargeTransactionPayment") {
        tip = BigInt(compactFromU8a(rest)[1].toString());
      }
      if (identifier === "CheckMetadataHash") metadataHashMode = rest[0]!;
      offset += used;
    } catch (error) {
      badFormatThrow(`cannot decode extension ${identifier}: ${(error as Error).message}`);
    }
  }
  const extra = bytes.slice(extraStart, offset);
  const callBytes = bytes.slice(offset);
  let call: Call;
  try {
    call = registry.createType("Call", callBytes);
  } catch (error) {
    throw badFormat(`cannot decode the call: ${(error as Error).message}`);
  }
  if (call.encodedLength !== callBytes.length) badFormatThrow("trailing bytes after the call");
  return {
    hash: u8aToHex(blake2AsU8a(bytes)),
    bytes,
    signer,
    address: encodeAddress(signer, 42),
    signatureType: signatureType!,
    signature,
    era,
    nonce,
    tip,
    metadataHashMode,
    extra,
    callBytes,
    call,
  };
}

function badFormatThrow(reason: string): never {
  throw badFormat(reason);
}

/** What the signed payload's "additional signed" data is built from. */
export interface PayloadContext {
  readonly specVersion: number;
  readonly transactionVersion: number;
  readonly genesisHash: Uint8Array;
  /** The hash of a block by number, if the chain still knows it. */
  readonly blockHash: (number: number) => Uint8Array | undefined;
  /** The number of the block being validated or built (best + 1). */
  readonly current: number;
}

/**
 * Rebuilds the signed payload and verifies the signature, as the runtime's
 * `UncheckedExtrinsic::check` does.
 *
 * @throws {PoolError} 1010 "ancient birth block" when the era's birth block is
 * unknown, "bad signature" when the signature does not verify
 */
export function verifySignature(runtime: DevnetRuntime, xt: SignedExtrinsic, context: PayloadContext): void {
  const additional: Uint8Array[] = [];
  for (const extension of runtime.metadata.asV14.extrinsic.signedExtensions) {
    switch (extension.identifier.toString()) {
      case "CheckSpecVersion":
        additional.push(u32(context.specVersion));
        break;
      case "CheckTxVersion":
        additional.push(u32(context.transactionVersion));
        break;
      case "CheckGenesis":
        additional.push(context.genesisHash);
        break;
      case "CheckMortality": {
        const birth = eraBirth(xt.era, context.current);
        const hash = birth > context.current ? undefined : context.blockHash(birth);
        if (hash === undefined) throw invalid(INVALID.ancientBirthBlock);
        additional.push(hash);
        break;
      }
      case "CheckMetadataHash":
        // Mode 1 signs over the metadata's merkle hash, which the devnet cannot compute.
        if (xt.metadataHashMode !== 0) throw invalid(INVALID.badProof);
        additional.push(new Uint8Array([0]));
        break;
      default:
        break;
    }
  }
  const payload = u8aConcat(xt.callBytes, xt.extra, ...additional);
  const message = payload.length > 256 ? blake2AsU8a(payload) : payload;
  let ok = false;
  try {
    ok = xt.signatureType === "sr25519"
      ? sr25519Verify(message, xt.signature, xt.signer)
      : xt.signatureType === "ed25519"
      ? ed25519Verify(message, xt.signature, xt.signer)
      : false;
  } catch {
    ok = false; // not a valid point or scalar encoding
  }
  if (!ok) throw invalid(INVALID.badProof);
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}
