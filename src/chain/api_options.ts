/**
 * What `@polkadot/api` must be told about subtensor: the custom transaction
 * extensions (without `ChargeTransactionPaymentWrapper` polkadot.js would
 * silently drop the tip field and every signature would be rejected), and,
 * for chains serving metadata V14 (no runtime-API descriptions), the runtime
 * APIs and their types in the live (HEAD) layouts. Against V15+ metadata
 * polkadot.js takes the runtime APIs from the metadata and ignores these.
 *
 * Struct fields are camelCase, as metadata-derived types are, so one code
 * path reads both.
 *
 * @module
 */
import type { ApiPromise } from "@polkadot/api";
import type { ApiOptions } from "@polkadot/api/types";
import { allExtensions } from "@polkadot/types/extrinsic/signedExtensions";
import type { ExtDef } from "@polkadot/types/extrinsic/signedExtensions/types";
import type { DefinitionsCall, Registry, RegistryTypes } from "@polkadot/types/types";

const NOTHING = { extrinsic: {}, payload: {} } as const;

/** Subtensor's transaction extensions polkadot.js does not know by name. */
export const SIGNED_EXTENSIONS: ExtDef = {
  /** HEAD: wraps ChargeTransactionPayment and carries the tip. */
  ChargeTransactionPaymentWrapper: { extrinsic: { tip: "Compact<Balance>" }, payload: {} },
  SudoTransactionExtension: NOTHING,
  CheckShieldedTxValidity: NOTHING,
  SubtensorTransactionExtension: NOTHING,
  DrandPriority: NOTHING,
  /** Older runtimes (spec ≤ 2xx). */
  SubtensorSignedExtension: NOTHING,
  CommitmentsSignedExtension: NOTHING,
};

/** An extension of the chain's metadata that carries data polkadot.js will not put in the transaction. */
export interface UnsignableExtension {
  /** The extension's identifier (`ChargeTransactionPaymentV2`). */
  readonly identifier: string;
  /** Its extra data type (in the transaction), as the metadata names it. */
  readonly extra: string;
  /** Its additional signed data type (signed, not sent). */
  readonly additionalSigned: string;
}

/** Whether a metadata type carries nothing (`()`, an empty struct or tuple). */
function isEmptyType(registry: Registry, id: { toNumber(): number }): boolean {
  const def = registry.lookup.getSiType(id.toNumber()).def;
  return (def.isTuple && def.asTuple.length === 0) || (def.isComposite && def.asComposite.fields.length === 0);
}

/**
 * The transaction extensions of the connected runtime that subvalid cannot
 * sign for: polkadot.js neither knows them by name nor were they declared in
 * {@linkcode SIGNED_EXTENSIONS}, and their metadata says they carry data. For
 * such an extension polkadot.js silently leaves the data out, so every
 * signature would be refused (or the transaction mis-decoded). Both of
 * subtensor's lists (today's and the spec-233 one) give none. Metadata other
 * than V14 and V15 gives none (nothing to compare with).
 */
export function unsignableExtensions(api: ApiPromise): UnsignableExtension[] {
  const metadata = api.runtimeMetadata;
  const version = metadata.version;
  if (version !== 14 && version !== 15) return [];
  const extensions = (version === 14 ? metadata.asV14 : metadata.asV15).extrinsic.signedExtensions;
  const registry = api.registry;
  const out: UnsignableExtension[] = [];
  for (const extension of extensions) {
    const identifier = extension.identifier.toString();
    if (Object.hasOwn(allExtensions, identifier) || Object.hasOwn(SIGNED_EXTENSIONS, identifier)) continue;
    if (isEmptyType(registry, extension.type) && isEmptyType(registry, extension.additionalSigned)) continue;
    out.push({
      identifier,
      extra: registry.lookup.getTypeDef(extension.type).type,
      additionalSigned: registry.lookup.getTypeDef(extension.additionalSigned).type,
    });
  }
  return out;
}

/** Types of the runtime-API results (HEAD field order). */
export const RUNTIME_TYPES: RegistryTypes = {
  SubtensorAxonInfo: {
    block: "u64",
    version: "u32",
    ip: "u128",
    port: "u16",
    ipType: "u8",
    protocol: "u8",
    placeholder1: "u8",
    placeholder2: "u8",
  },
  SubtensorPrometheusInfo: { block: "u64", version: "u32", ip: "u128", port: "u16", ipType: "u8" },
  SubtensorNeuronInfoLite: {
    hotkey: "AccountId32",
    coldkey: "AccountId32",
    uid: "Compact<u16>",
    netuid: "Compact<u16>",
    active: "bool",
    axonInfo: "SubtensorAxonInfo",
    prometheusInfo: "SubtensorPrometheusInfo",
    stake: "Vec<(AccountId32, Compact<u64>)>",
    rank: "Compact<u16>",
    emission: "Compact<u64>",
    incentive: "Compact<u16>",
    consensus: "Compact<u16>",
    trust: "Compact<u16>",
    validatorTrust: "Compact<u16>",
    dividends: "Compact<u16>",
    lastUpdate: "Compact<u64>",
    validatorPermit: "bool",
    pruningScore: "Compact<u16>",
  },
  SubtensorSubnetState: {
    netuid: "Compact<u16>",
    hotkeys: "Vec<AccountId32>",
    coldkeys: "Vec<AccountId32>",
    active: "Vec<bool>",
    validatorPermit: "Vec<bool>",
    pruningScore: "Vec<Compact<u16>>",
    lastUpdate: "Vec<Compact<u64>>",
    emission: "Vec<Compact<u64>>",
    dividends: "Vec<Compact<u16>>",
    incentives: "Vec<Compact<u16>>",
    consensus: "Vec<Compact<u16>>",
    trust: "Vec<Compact<u16>>",
    rank: "Vec<Compact<u16>>",
    blockAtRegistration: "Vec<Compact<u64>>",
    alphaStake: "Vec<Compact<u64>>",
    taoStake: "Vec<Compact<u64>>",
    totalStake: "Vec<Compact<u64>>",
    emissionHistory: "Vec<Vec<Compact<u64>>>",
  },
  SubtensorI32F32: { bits: "i64" },
  SubtensorSubnetHyperparamsV2: {
    rho: "Compact<u16>",
    kappa: "Compact<u16>",
    immunityPeriod: "Compact<u16>",
    minAllowedWeights: "Compact<u16>",
    maxWeightsLimit: "Compact<u16>",
    tempo: "Compact<u16>",
    minDifficulty: "Compact<u64>",
    maxDifficulty: "Compact<u64>",
    weightsVersion: "Compact<u64>",
    weightsRateLimit: "Compact<u64>",
    adjustmentInterval: "Compact<u16>",
    activityCutoff: "Compact<u64>",
    registrationAllowed: "bool",
    targetRegsPerInterval: "Compact<u16>",
    minBurn: "Compact<u64>",
    maxBurn: "Compact<u64>",
    bondsMovingAvg: "Compact<u64>",
    maxRegsPerBlock: "Compact<u16>",
    servingRateLimit: "Compact<u64>",
    maxValidators: "Compact<u16>",
    adjustmentAlpha: "Compact<u64>",
    difficulty: "Compact<u64>",
    commitRevealPeriod: "Compact<u64>",
    commitRevealWeightsEnabled: "bool",
    alphaHigh: "Compact<u16>",
    alphaLow: "Compact<u16>",
    liquidAlphaEnabled: "bool",
    alphaSigmoidSteepness: "SubtensorI32F32",
    yumaVersion: "Compact<u16>",
    subnetIsActive: "bool",
    transfersEnabled: "bool",
    bondsResetEnabled: "bool",
    userLiquidityEnabled: "bool",
  },
};

const NETUID = { name: "netuid", type: "u16" };

const SUBNET_INFO_METHODS = {
  "get_subnet_state": {
    description: "Per-uid state of a subnet, with stakes",
    params: [NETUID],
    type: "Option<SubtensorSubnetState>",
  },
  "get_subnet_hyperparams_v2": {
    description: "Hyperparameters of a subnet",
    params: [NETUID],
    type: "Option<SubtensorSubnetHyperparamsV2>",
  },
  "get_next_epoch_start_block": {
    description: "The block the next epoch of a subnet runs at",
    params: [NETUID],
    type: "Option<u64>",
  },
};

const NEURON_INFO_METHODS = {
  "get_neurons_lite": {
    description: "Every neuron of a subnet, without weights and bonds",
    params: [NETUID],
    type: "Vec<SubtensorNeuronInfoLite>",
  },
  "get_neuron_lite": {
    description: "One neuron of a subnet",
    params: [NETUID, { name: "uid", type: "u16" }],
    type: "Option<SubtensorNeuronInfoLite>",
  },
};

/** Runtime-API definitions for chains serving metadata V14 (versions 1 and 2 of each API). */
export const RUNTIME_APIS: DefinitionsCall = {
  NeuronInfoRuntimeApi: [{ methods: NEURON_INFO_METHODS, version: 1 }],
  SubnetInfoRuntimeApi: [
    { methods: SUBNET_INFO_METHODS, version: 2 },
    { methods: SUBNET_INFO_METHODS, version: 1 },
  ],
};

/** The `ApiPromise` options every subvalid connection uses (add `provider`). */
export function apiOptions(): ApiOptions {
  return {
    noInitWarn: true,
    signedExtensions: SIGNED_EXTENSIONS,
    runtime: RUNTIME_APIS,
    types: RUNTIME_TYPES,
  };
}
