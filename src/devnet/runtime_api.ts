/**
 * `state_call` runtime APIs. Results are SCALE-encoded by hand in the field
 * order of subtensor HEAD's Rust structs (`NeuronInfoLite`, `SubnetState`,
 * `SubnetHyperparamsV2`), from the devnet's storage.
 *
 * @module
 */
import type { Codec } from "@polkadot/types/types";
import { compactToU8a, u8aConcat } from "@polkadot/util";
import { big, SUBTENSOR } from "./pallets/context.ts";
import { hotkeyAt, nextEpochBlock, ownerOf, readVector, stakeOf, subnetExists, subnets } from "./pallets/subtensor.ts";
import { nonceOf } from "./pallets/system.ts";
import { ScaleWriter } from "./scale.ts";
import type { State } from "./state.ts";

/** A runtime API call the devnet does not implement (the node's "Execution failed" error). */
export class RuntimeApiError extends Error {}

function u16Arg(data: Uint8Array, offset = 0): number {
  if (data.length < offset + 2) throw new RangeError("Cannot decode the call arguments: too short");
  return data[offset]! + data[offset + 1]! * 256;
}

/** Runs `method` with SCALE `data` against `state`; returns the SCALE result. */
export function stateCall(state: State, method: string, data: Uint8Array): Uint8Array {
  const runtime = state.runtime;
  switch (method) {
    case "Core_version":
      return runtime.versionBytes;
    case "Metadata_metadata":
      return u8aConcat(compactToU8a(runtime.metadataBytes.length), runtime.metadataBytes);
    case "Metadata_metadata_versions":
      return new ScaleWriter().vec([14], (w, v) => w.uint(v, 32)).finish();
    case "Metadata_metadata_at_version": {
      const version = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
      return version === 14
        ? u8aConcat(new Uint8Array([1]), compactToU8a(runtime.metadataBytes.length), runtime.metadataBytes)
        : new Uint8Array([0]);
    }
    case "AccountNonceApi_account_nonce":
      return new ScaleWriter().uint(nonceOf(state, data.subarray(0, 32)), 32).finish();
    case "NeuronInfoRuntimeApi_get_neurons_lite": {
      const netuid = u16Arg(data);
      const n = subnetExists(state, netuid) ? state.number(SUBTENSOR, "SubnetworkN", netuid) : 0;
      const w = new ScaleWriter().compact(n);
      const vectors = neuronVectors(state, netuid);
      for (let uid = 0; uid < n; uid++) writeNeuronLite(w, state, netuid, uid, vectors);
      return w.finish();
    }
    case "NeuronInfoRuntimeApi_get_neuron_lite": {
      const netuid = u16Arg(data);
      const uid = u16Arg(data, 2);
      const exists = subnetExists(state, netuid) && uid < state.number(SUBTENSOR, "SubnetworkN", netuid);
      const w = new ScaleWriter();
      if (!exists) return w.option(undefined, () => {}).finish();
      w.raw(new Uint8Array([1]));
      writeNeuronLite(w, state, netuid, uid, neuronVectors(state, netuid));
      return w.finish();
    }
    case "SubnetInfoRuntimeApi_get_subnet_state":
      return subnetState(state, u16Arg(data));
    case "SubnetInfoRuntimeApi_get_subnet_hyperparams_v2":
      return hyperparamsV2(state, u16Arg(data));
    case "SubnetInfoRuntimeApi_get_next_epoch_start_block": {
      const netuid = u16Arg(data);
      const block = state.number("System", "Number");
      const next = subnetExists(state, netuid)
        ? nextEpochBlock(netuid, state.number(SUBTENSOR, "Tempo", netuid), block)
        : undefined;
      return new ScaleWriter().option(next, (w, v) => w.uint(v, 64)).finish();
    }
    default:
      throw new RuntimeApiError(`Exported method ${method} is not found`);
  }
}

interface NeuronVectors {
  active: boolean[];
  permit: boolean[];
  lastUpdate: bigint[];
  emission: bigint[];
  incentive: number[];
  consensus: number[];
  validatorTrust: number[];
  dividends: number[];
}

function neuronVectors(state: State, netuid: number): NeuronVectors {
  return {
    active: readVector(state, "Active", netuid),
    permit: readVector(state, "ValidatorPermit", netuid),
    lastUpdate: readVector(state, "LastUpdate", netuid),
    emission: readVector(state, "Emission", netuid),
    incentive: readVector(state, "Incentive", netuid),
    consensus: readVector(state, "Consensus", netuid),
    validatorTrust: readVector(state, "ValidatorTrust", netuid),
    dividends: readVector(state, "Dividends", netuid),
  };
}

function writeAxon(w: ScaleWriter, axon: Codec | undefined): void {
  // deno-lint-ignore no-explicit-any
  const a = axon as any;
  w.uint(a ? big(a.block) : 0n, 64).uint(a ? big(a.version) : 0n, 32).uint(a ? big(a.ip) : 0n, 128)
    .uint(a ? big(a.port) : 0n, 16).uint(a ? big(a.ipType) : 0n, 8).uint(a ? big(a.protocol) : 0n, 8)
    .uint(a ? big(a.placeholder1) : 0n, 8).uint(a ? big(a.placeholder2) : 0n, 8);
}

/** `NeuronInfoLite` (HEAD field order; rank and trust 0, pruning score 65535 as HEAD reports them). */
function writeNeuronLite(w: ScaleWriter, state: State, netuid: number, uid: number, v: NeuronVectors): void {
  const hotkey = hotkeyAt(state, netuid, uid);
  const coldkey = ownerOf(state, hotkey);
  w.account(hotkey).account(coldkey).compact(uid).compact(netuid).bool(v.active[uid] ?? false);
  writeAxon(w, state.readOptional(SUBTENSOR, "Axons", netuid, hotkey));
  w.uint(0, 64).uint(0, 32).uint(0, 128).uint(0, 16).uint(0, 8); // prometheus: not modelled
  w.vec([[coldkey, stakeOf(state, hotkey, netuid)] as const], (x, [cold, stake]) => x.account(cold).compact(stake));
  w.compact(0).compact(v.emission[uid] ?? 0n).compact(v.incentive[uid] ?? 0).compact(v.consensus[uid] ?? 0)
    .compact(0).compact(v.validatorTrust[uid] ?? 0).compact(v.dividends[uid] ?? 0)
    .compact(v.lastUpdate[uid] ?? 0n).bool(v.permit[uid] ?? false).compact(65535);
}

/** `Option<SubnetState>`: the per-uid vectors plus stakes (alpha, root TAO is not modelled: 0). */
function subnetState(state: State, netuid: number): Uint8Array {
  const w = new ScaleWriter();
  if (!subnetExists(state, netuid)) return w.option(undefined, () => {}).finish();
  const n = state.number(SUBTENSOR, "SubnetworkN", netuid);
  const v = neuronVectors(state, netuid);
  const uids = Array.from({ length: n }, (_, uid) => uid);
  const hotkeys = uids.map((uid) => hotkeyAt(state, netuid, uid));
  const alpha = hotkeys.map((hotkey) => stakeOf(state, hotkey, netuid));
  const compact = (x: ScaleWriter, value: number | bigint) => x.compact(value);
  w.raw(new Uint8Array([1])).compact(netuid)
    .vec(hotkeys, (x, h) => x.account(h))
    .vec(hotkeys.map((h) => ownerOf(state, h)), (x, c) => x.account(c))
    .vec(uids.map((u) => v.active[u] ?? false), (x, b) => x.bool(b))
    .vec(uids.map((u) => v.permit[u] ?? false), (x, b) => x.bool(b))
    .vec([], compact)
    .vec(uids.map((u) => v.lastUpdate[u] ?? 0n), compact)
    .vec(uids.map((u) => v.emission[u] ?? 0n), compact)
    .vec(uids.map((u) => v.dividends[u] ?? 0), compact)
    .vec(uids.map((u) => v.incentive[u] ?? 0), compact)
    .vec(uids.map((u) => v.consensus[u] ?? 0), compact)
    .vec([], compact)
    .vec([], compact)
    .vec(uids.map((u) => state.number(SUBTENSOR, "BlockAtRegistration", netuid, u)), compact)
    .vec(alpha, compact)
    .vec(uids.map(() => 0n), compact)
    .vec(alpha, compact)
    .vec(subnets(state), (x) => x.vec(hotkeys.map(() => 0n), compact));
  return w.finish();
}

/** `Option<SubnetHyperparamsV2>` from storage (fields HEAD has and spec 233 lacks get HEAD's defaults). */
function hyperparamsV2(state: State, netuid: number): Uint8Array {
  const w = new ScaleWriter();
  if (!subnetExists(state, netuid)) return w.option(undefined, () => {}).finish();
  const get = (item: string) => state.number(SUBTENSOR, item, netuid);
  const bool = (item: string) => state.bool(SUBTENSOR, item, netuid);
  const [alphaLow, alphaHigh] = (state.read(SUBTENSOR, "AlphaValues", netuid) as unknown as Codec[]).map(big);
  w.raw(new Uint8Array([1]))
    .compact(get("Rho")).compact(get("Kappa")).compact(get("ImmunityPeriod")).compact(get("MinAllowedWeights"))
    .compact(get("MaxWeightsLimit")).compact(get("Tempo")).compact(get("MinDifficulty")).compact(get("MaxDifficulty"))
    .compact(get("WeightsVersionKey")).compact(get("WeightsSetRateLimit")).compact(get("AdjustmentInterval"))
    .compact(get("ActivityCutoff")).bool(bool("NetworkRegistrationAllowed"))
    .compact(get("TargetRegistrationsPerInterval")).compact(get("MinBurn")).compact(get("MaxBurn"))
    .compact(get("BondsMovingAverage")).compact(get("MaxRegistrationsPerBlock")).compact(get("ServingRateLimit"))
    .compact(get("MaxAllowedValidators")).compact(get("AdjustmentAlpha")).compact(get("Difficulty"))
    .compact(get("RevealPeriodEpochs")).bool(bool("CommitRevealWeightsEnabled"))
    .compact(alphaHigh!).compact(alphaLow!).bool(bool("LiquidAlphaOn"))
    .int(0, 64) // alpha_sigmoid_steepness (I32F32): not in spec 233
    .compact(2) // yuma_version
    .bool(true) // subnet_is_active
    .bool(bool("TransferToggle"))
    .bool(false) // bonds_reset_enabled
    .bool(false); // user_liquidity_enabled
  return w.finish();
}
