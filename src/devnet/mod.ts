/**
 * The embedded local subtensor chain: real spec-233 runtime metadata (patched
 * toward the live runtime), storage under real keys, signed extrinsics
 * verified and dispatched, runtime APIs, JSON-RPC over WebSocket that
 * `@polkadot/api` connects to unchanged, a ready subnet fixture and fault
 * injection.
 *
 * @module
 */
export * from "./chain.ts";
export * from "./genesis.ts";
export * from "./metadata_patches.ts";
export * from "./runtime.ts";
export * from "./runtime_profiles.ts";
export * from "./start_devnet.ts";
export * from "./state.ts";
export * from "./timelock.ts";
export { epochIndex, isEpochBlock, nextEpochBlock } from "./pallets/subtensor.ts";
export type { ReplyMangler, RpcResponse } from "./rpc.ts";
