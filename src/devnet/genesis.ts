/**
 * The devnet's genesis: one subnet with registered validators (stake and
 * permits) and miners, keys derived deterministically from a seed string.
 *
 * @module
 */
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { stringToU8a } from "@polkadot/util";
import { blake2AsU8a, cryptoWaitReady } from "@polkadot/util-crypto";
import { EventSink } from "./events.ts";
import type { BlockContext } from "./pallets/context.ts";
import { SUBTENSOR } from "./pallets/context.ts";
import { appendNeurons } from "./pallets/subtensor.ts";
import { deposit } from "./pallets/system.ts";
import type { DevnetRuntime } from "./runtime.ts";
import { State } from "./state.ts";

/** 1 TAO (or 1 alpha) in rao. */
export const RAO_PER_TAO = 1_000_000_000n;

/** Subnet hyperparameters the fixture sets. */
export interface SubnetParams {
  /** Blocks per epoch. @default 360 */
  tempo?: number;
  /** `WeightsSetRateLimit` (blocks). @default 100 */
  weightsRateLimit?: number;
  /** `WeightsVersionKey`. @default 0 */
  weightsVersionKey?: number;
  /** `CommitRevealWeightsEnabled`. @default false */
  commitReveal?: boolean;
  /** `RevealPeriodEpochs`. @default 1 */
  revealPeriodEpochs?: number;
  /** `MinAllowedWeights`. @default 1 */
  minAllowedWeights?: number;
  /** `MaxWeightsLimit` (65535 disables the check). @default 65535 */
  maxWeightsLimit?: number;
  /** `MaxAllowedValidators`. @default 64 */
  maxAllowedValidators?: number;
  /** `MaxAllowedUids`. @default 256, or more when more neurons are registered */
  maxAllowedUids?: number;
  /** `ImmunityPeriod` (blocks). @default 4096 */
  immunityPeriod?: number;
  /** `ActivityCutoff` (blocks). @default 5000 */
  activityCutoff?: number;
  /** `StakeThreshold` (rao, global). @default 0 */
  stakeThreshold?: bigint;
}

/** What the genesis registers. */
export interface GenesisOptions extends SubnetParams {
  /** The subnet. @default 37 */
  netuid?: number;
  /** Validators (uids 0..validators-1, with stake and permits). @default 2 */
  validators?: number;
  /** Miners (the next uids, no stake). @default 8 */
  miners?: number;
  /** Alpha stake of each validator (rao). @default 1000 alpha */
  validatorStake?: bigint;
  /** Free balance of every coldkey (rao). @default 1000 TAO */
  coldkeyBalance?: bigint;
  /** Keys are derived from this string. @default "subvalid-devnet" */
  seed?: string;
}

/** A registered neuron of the fixture. */
export interface DevnetNeuron {
  readonly uid: number;
  readonly role: "validator" | "miner";
  /** Its wallet name in the wallet directory (`validator-0`, `miner-3`, ...); the hotkey is `default`. */
  readonly wallet: string;
  readonly hotkey: KeyringPair;
  /** The 32-byte mini-secret the hotkey derives from. */
  readonly hotkeySeed: Uint8Array;
  readonly coldkey: KeyringPair;
  /** Alpha stake (rao). */
  readonly stake: bigint;
}

/** A key pair derived from `seed/label`. */
export function deriveKey(seed: string, label: string): { pair: KeyringPair; miniSecret: Uint8Array } {
  const miniSecret = blake2AsU8a(stringToU8a(`${seed}/${label}`));
  const pair = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromSeed(miniSecret);
  return { pair, miniSecret };
}

/** Builds the genesis storage and the neuron list. */
export async function buildGenesis(
  runtime: DevnetRuntime,
  options: GenesisOptions = {},
): Promise<{ state: State; neurons: DevnetNeuron[]; owner: { hotkey: KeyringPair; coldkey: KeyringPair } }> {
  await cryptoWaitReady();
  const netuid = options.netuid ?? 37;
  const seed = options.seed ?? "subvalid-devnet";
  const validators = options.validators ?? 2;
  const miners = options.miners ?? 8;
  const stake = options.validatorStake ?? 1000n * RAO_PER_TAO;
  const balance = options.coldkeyBalance ?? 1000n * RAO_PER_TAO;
  if (netuid < 1 || netuid > 4095) throw new RangeError(`Invalid netuid ${netuid}: give 1 to 4095`);
  const state = new State(runtime);
  const ctx: BlockContext = { runtime, state, number: 0, events: new EventSink(runtime) };
  const write = (item: string, value: unknown) => state.write(SUBTENSOR, item, [netuid], value);

  const owner = { hotkey: deriveKey(seed, "owner/hotkey").pair, coldkey: deriveKey(seed, "owner/coldkey").pair };
  state.write(SUBTENSOR, "NetworksAdded", [netuid], true);
  state.write(SUBTENSOR, "TotalNetworks", [], 1);
  state.write(SUBTENSOR, "StakeThreshold", [], options.stakeThreshold ?? 0n);
  write("Tempo", options.tempo ?? 360);
  write("WeightsSetRateLimit", options.weightsRateLimit ?? 100);
  write("WeightsVersionKey", options.weightsVersionKey ?? 0);
  write("CommitRevealWeightsEnabled", options.commitReveal ?? false);
  state.write(SUBTENSOR, "RevealPeriodEpochs", [netuid], options.revealPeriodEpochs ?? 1);
  write("MinAllowedWeights", options.minAllowedWeights ?? 1);
  write("MaxWeightsLimit", options.maxWeightsLimit ?? 65535);
  write("MaxAllowedValidators", options.maxAllowedValidators ?? 64);
  write("MaxAllowedUids", Math.max(options.maxAllowedUids ?? 256, validators + miners));
  write("ImmunityPeriod", options.immunityPeriod ?? 4096);
  write("ActivityCutoff", options.activityCutoff ?? 5000);
  write("NetworkRegistrationAllowed", true);
  write("SubnetOwner", owner.coldkey.address);
  write("SubnetOwnerHotkey", owner.hotkey.address);
  write("SubnetMechanism", 1);
  write("SubnetTAO", 1000n * RAO_PER_TAO);
  write("SubnetAlphaIn", 1000n * RAO_PER_TAO);
  deposit(state, owner.coldkey.address, balance);

  const neurons: DevnetNeuron[] = [];
  const roles = [
    ...Array.from({ length: validators }, (_, i) => ["validator", i] as const),
    ...Array.from({ length: miners }, (_, i) => ["miner", i] as const),
  ];
  const keys = roles.map(([role, i]) => ({
    role,
    i,
    hot: deriveKey(seed, `${netuid}/${role}/${i}/hotkey`),
    cold: deriveKey(seed, `${netuid}/${role}/${i}/coldkey`),
  }));
  const uids = appendNeurons(ctx, netuid, keys.map(({ hot, cold }) => [hot.pair.address, cold.pair.address] as const));
  keys.forEach(({ role, i, hot, cold }, index) => {
    deposit(state, cold.pair.address, balance);
    const neuronStake = role === "validator" ? stake : 0n;
    if (neuronStake > 0n) setStake(state, netuid, hot.pair.address, cold.pair.address, neuronStake);
    neurons.push({
      uid: uids[index]!,
      role,
      wallet: `${role}-${i}`,
      hotkey: hot.pair,
      hotkeySeed: hot.miniSecret,
      coldkey: cold.pair,
      stake: neuronStake,
    });
  });
  const permits = neurons.map((n) => n.role === "validator" && n.stake > 0n);
  write("ValidatorPermit", permits);
  return { state, neurons, owner };
}

/** Sets a hotkey's alpha stake on a subnet (all of it owned by `coldkey`, one share per rao). */
export function setStake(state: State, netuid: number, hotkey: string, coldkey: string, amount: bigint): void {
  state.write(SUBTENSOR, "TotalHotkeyAlpha", [hotkey, netuid], amount);
  state.write(SUBTENSOR, "TotalHotkeyShares", [hotkey, netuid], { bits: amount << 64n });
  state.write(SUBTENSOR, "Alpha", [hotkey, coldkey, netuid], { bits: amount << 64n });
  const staking = state.read(SUBTENSOR, "StakingHotkeys", coldkey) as unknown as { toString(): string }[];
  const list = staking.map((a) => a.toString());
  if (!list.includes(hotkey)) state.write(SUBTENSOR, "StakingHotkeys", [coldkey], [...list, hotkey]);
}
