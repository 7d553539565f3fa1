/**
 * The SubtensorModule logic the devnet models besides weights: subnets,
 * neuron registration (`burned_register`), axons (`serve_axon`), and the part
 * of the epoch a validator observes (validator permits and activity).
 * Storage layouts are the metadata's; rules follow subtensor HEAD.
 *
 * @module
 */
import type { Call } from "@polkadot/types/interfaces";
import type { Vec } from "@polkadot/types";
import type { AccountId32 } from "@polkadot/types/interfaces";
import type { State } from "../state.ts";
import { big, type BlockContext, fail, num, SUBTENSOR } from "./context.ts";
import { withdraw } from "./system.ts";

/** Epoch index of a block: `(block + netuid + 1) / (tempo + 1)` (the pre-`SubnetEpochIndex` formula). */
export function epochIndex(netuid: number, tempo: number, block: number): number {
  return Math.floor((block + netuid + 1) / (tempo + 1));
}

/** Whether the subnet's epoch runs at this block. */
export function isEpochBlock(netuid: number, tempo: number, block: number): boolean {
  return tempo > 0 && (block + netuid + 1) % (tempo + 1) === 0;
}

/** The first block at which the next epoch runs after `block`. */
export function nextEpochBlock(netuid: number, tempo: number, block: number): number {
  let next = block + 1;
  while (!isEpochBlock(netuid, tempo, next)) next++;
  return next;
}

/** Netuids of every added subnet, ascending. */
export function subnets(state: State): number[] {
  const prefix = state.runtime.prefix(SUBTENSOR, "NetworksAdded");
  return state.keysWithPrefix(prefix)
    .filter((key) => state.getRaw(key)?.[0] === 1)
    .map((key) => Number.parseInt(key.slice(-4, -2), 16) + Number.parseInt(key.slice(-2), 16) * 256)
    .sort((a, b) => a - b);
}

/** Whether a subnet exists. */
export function subnetExists(state: State, netuid: number): boolean {
  return state.bool(SUBTENSOR, "NetworksAdded", netuid);
}

/** The uid of a hotkey on a subnet, or `undefined`. */
export function uidOf(state: State, netuid: number, hotkey: string | Uint8Array): number | undefined {
  const uid = state.readOptional(SUBTENSOR, "Uids", netuid, hotkey);
  return uid === undefined ? undefined : num(uid);
}

/** The hotkey at a uid. */
export function hotkeyAt(state: State, netuid: number, uid: number): string {
  return (state.read<AccountId32>(SUBTENSOR, "Keys", netuid, uid)).toString();
}

/** The coldkey owning a hotkey. */
export function ownerOf(state: State, hotkey: string): string {
  return (state.read<AccountId32>(SUBTENSOR, "Owner", hotkey)).toString();
}

/** A hotkey's alpha stake on a subnet (rao). */
export function stakeOf(state: State, hotkey: string, netuid: number): bigint {
  return big(state.read(SUBTENSOR, "TotalHotkeyAlpha", hotkey, netuid));
}

/** Reads a per-uid vector (`Vec<bool>` or `Vec<uN>`) as JS values. */
export function readVector<T extends number | boolean | bigint>(state: State, item: string, netuid: number): T[] {
  const values = state.read<Vec<never>>(SUBTENSOR, item, netuid);
  return values.map((v: unknown) => {
    const codec = v as { toBigInt?: () => bigint; isTrue?: boolean };
    if (codec.isTrue !== undefined) return codec.isTrue as T;
    return (item === "LastUpdate" || item === "Emission" ? codec.toBigInt!() : Number(codec.toBigInt!())) as T;
  });
}

/** Sets one entry of a per-uid vector, growing it with defaults if needed. */
export function setVectorEntry(
  state: State,
  item: string,
  netuid: number,
  uid: number,
  value: number | boolean | bigint,
): void {
  const values: (number | boolean | bigint)[] = readVector(state, item, netuid);
  const fill = typeof value === "boolean" ? false : typeof value === "bigint" ? 0n : 0;
  while (values.length <= uid) values.push(fill);
  values[uid] = value;
  state.write(SUBTENSOR, item, [netuid], values);
}

/** Whether a hotkey is registered on any subnet. */
export function isRegisteredAnywhere(state: State, hotkey: string): boolean {
  return subnets(state).some((netuid) => uidOf(state, netuid, hotkey) !== undefined);
}

/** The uid of the subnet owner's hotkey, if registered. */
export function ownerUid(state: State, netuid: number): number | undefined {
  const raw = state.getRaw(state.runtime.key(SUBTENSOR, "SubnetOwnerHotkey", netuid));
  return raw === undefined ? undefined : uidOf(state, netuid, raw);
}

const APPENDED: readonly [string, number | boolean][] = [
  ["Active", true],
  ["Emission", 0],
  ["Consensus", 0],
  ["Incentive", 0],
  ["Dividends", 0],
  ["ValidatorTrust", 0],
  ["ValidatorPermit", false],
];

/**
 * Registers a hotkey (owned by `coldkey`) on a subnet: appends a uid or, when
 * the subnet is full, replaces the prunable neuron (HEAD `register_neuron`).
 * Returns the uid.
 */
export function registerNeuron(ctx: BlockContext, netuid: number, hotkey: string, coldkey: string): number {
  const { state, number: block } = ctx;
  const n = state.number(SUBTENSOR, "SubnetworkN", netuid);
  if (n < state.number(SUBTENSOR, "MaxAllowedUids", netuid)) return appendNeurons(ctx, netuid, [[hotkey, coldkey]])[0]!;
  const uid = neuronToPrune(state, netuid, block);
  if (uid === undefined) fail(SUBTENSOR, "NoNeuronIdAvailable");
  const old = hotkeyAt(state, netuid, uid);
  state.remove(SUBTENSOR, "Uids", netuid, old);
  state.remove(SUBTENSOR, "IsNetworkMember", old, netuid);
  state.remove(SUBTENSOR, "Axons", netuid, old);
  state.remove(SUBTENSOR, "Weights", netuid, uid);
  for (const [item, value] of APPENDED) setVectorEntry(state, item, netuid, uid, value);
  setVectorEntry(state, "LastUpdate", netuid, uid, BigInt(block));
  writeMembership(state, netuid, uid, hotkey, coldkey, block);
  return uid;
}

/** HEAD `append_neuron` for several hotkeys at once (the per-uid vectors are written once). */
export function appendNeurons(
  ctx: BlockContext,
  netuid: number,
  keys: readonly (readonly [string, string])[],
): number[] {
  const { state, number: block } = ctx;
  const n = state.number(SUBTENSOR, "SubnetworkN", netuid);
  if (n + keys.length > state.number(SUBTENSOR, "MaxAllowedUids", netuid)) fail(SUBTENSOR, "NoNeuronIdAvailable");
  state.write(SUBTENSOR, "SubnetworkN", [netuid], n + keys.length);
  for (const [item, value] of [...APPENDED, ["LastUpdate", BigInt(block)] as const]) {
    const values: (number | boolean | bigint)[] = readVector(state, item, netuid);
    const fill = typeof value === "boolean" ? false : typeof value === "bigint" ? 0n : 0;
    while (values.length < n) values.push(fill);
    values.length = n;
    for (let i = 0; i < keys.length; i++) values.push(value);
    state.write(SUBTENSOR, item, [netuid], values);
  }
  return keys.map(([hotkey, coldkey], i) => {
    writeMembership(state, netuid, n + i, hotkey, coldkey, block);
    return n + i;
  });
}

function writeMembership(state: State, netuid: number, uid: number, hotkey: string, coldkey: string, block: number) {
  state.write(SUBTENSOR, "Keys", [netuid, uid], hotkey);
  state.write(SUBTENSOR, "Uids", [netuid, hotkey], uid);
  state.write(SUBTENSOR, "BlockAtRegistration", [netuid, uid], block);
  state.write(SUBTENSOR, "IsNetworkMember", [hotkey, netuid], true);
  if (!state.has(SUBTENSOR, "Owner", hotkey)) {
    state.write(SUBTENSOR, "Owner", [hotkey], coldkey);
    const owned = (state.read<Vec<AccountId32>>(SUBTENSOR, "OwnedHotkeys", coldkey)).map((a) => a.toString());
    state.write(SUBTENSOR, "OwnedHotkeys", [coldkey], [...owned, hotkey]);
  }
}

/** The non-immune uid with the lowest emission (lowest uid on ties), skipping the owner's hotkey. */
function neuronToPrune(state: State, netuid: number, block: number): number | undefined {
  const immunity = state.number(SUBTENSOR, "ImmunityPeriod", netuid);
  const emission = readVector<bigint>(state, "Emission", netuid);
  const owner = ownerUid(state, netuid);
  let best: number | undefined;
  for (let uid = 0; uid < emission.length; uid++) {
    if (uid === owner) continue;
    const registered = state.number(SUBTENSOR, "BlockAtRegistration", netuid, uid);
    if (block - registered < immunity) continue;
    if (best === undefined || emission[uid]! < emission[best]!) best = uid;
  }
  return best;
}

/** `burned_register(netuid, hotkey)`, signed by the coldkey. */
export function burnedRegister(ctx: BlockContext, coldkey: string, call: Call): void {
  const { state } = ctx;
  const netuid = num(call.args[0]);
  const hotkey = call.args[1]!.toString();
  if (netuid === 0) fail(SUBTENSOR, "RegistrationNotPermittedOnRootSubnet");
  if (!subnetExists(state, netuid)) fail(SUBTENSOR, "SubnetNotExists");
  if (!state.bool(SUBTENSOR, "NetworkRegistrationAllowed", netuid)) fail(SUBTENSOR, "SubNetRegistrationDisabled");
  if (uidOf(state, netuid, hotkey) !== undefined) fail(SUBTENSOR, "HotKeyAlreadyRegisteredInSubNet");
  const burn = big(state.read(SUBTENSOR, "Burn", netuid));
  if (state.has(SUBTENSOR, "Owner", hotkey) && ownerOf(state, hotkey) !== coldkey) {
    fail(SUBTENSOR, "NonAssociatedColdKey");
  }
  if (!withdraw(state, coldkey, burn)) fail(SUBTENSOR, "NotEnoughBalanceToStake");
  const uid = registerNeuron(ctx, netuid, hotkey, coldkey);
  ctx.events.emit(SUBTENSOR, "NeuronRegistered", [netuid, uid, hotkey]);
}

/** `serve_axon(netuid, version, ip, port, ip_type, protocol, placeholder1, placeholder2)`, signed by the hotkey. */
export function serveAxon(ctx: BlockContext, hotkey: string, call: Call): void {
  const { state, number: block } = ctx;
  const [netuid, version, ip, port, ipType, protocol, placeholder1, placeholder2] = call.args.map((a) => big(a)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  if (!isRegisteredAnywhere(state, hotkey)) fail(SUBTENSOR, "HotKeyNotRegisteredInNetwork");
  if (ipType !== 4n && ipType !== 6n) fail(SUBTENSOR, "InvalidIpType");
  if (ip === 0n || (ipType === 4n && ip >= 1n << 32n)) fail(SUBTENSOR, "InvalidIpAddress");
  if (port === 0n) fail(SUBTENSOR, "InvalidPort");
  const previous = state.readOptional(SUBTENSOR, "Axons", Number(netuid), hotkey) as
    | { block: { toBigInt(): bigint } }
    | undefined;
  const limit = big(state.read(SUBTENSOR, "ServingRateLimit", Number(netuid)));
  if (previous !== undefined && previous.block.toBigInt() !== 0n && BigInt(block) - previous.block.toBigInt() < limit) {
    fail(SUBTENSOR, "ServingRateLimitExceeded");
  }
  state.write(SUBTENSOR, "Axons", [Number(netuid), hotkey], {
    block,
    version,
    ip,
    port,
    ipType,
    protocol,
    placeholder1,
    placeholder2,
  });
  ctx.events.emit(SUBTENSOR, "AxonServed", [Number(netuid), hotkey]);
}

/**
 * The part of an epoch a validator observes: activity (`LastUpdate +
 * ActivityCutoff >= block`) and validator permits (the top
 * `MaxAllowedValidators` uids by nonzero alpha stake). Incentive, dividends,
 * emission and bonds are not computed.
 */
export function runEpoch(ctx: BlockContext, netuid: number): void {
  const { state, number: block } = ctx;
  const n = state.number(SUBTENSOR, "SubnetworkN", netuid);
  const cutoff = BigInt(state.number(SUBTENSOR, "ActivityCutoff", netuid));
  const lastUpdate = readVector<bigint>(state, "LastUpdate", netuid);
  const active = Array.from({ length: n }, (_, uid) => (lastUpdate[uid] ?? 0n) + cutoff >= BigInt(block));
  state.write(SUBTENSOR, "Active", [netuid], active);
  const stakes = Array.from({ length: n }, (_, uid) => stakeOf(state, hotkeyAt(state, netuid, uid), netuid));
  const k = state.number(SUBTENSOR, "MaxAllowedValidators", netuid);
  const order = stakes.map((stake, uid) => ({ stake, uid }))
    .filter((entry) => entry.stake > 0n)
    .sort((a, b) => (a.stake === b.stake ? a.uid - b.uid : a.stake > b.stake ? -1 : 1))
    .slice(0, k);
  const permits = new Array<boolean>(n).fill(false);
  for (const { uid } of order) permits[uid] = true;
  state.write(SUBTENSOR, "ValidatorPermit", [netuid], permits);
}
