/**
 * Weights: `set_weights` / `set_mechanism_weights` with every rule of
 * subtensor HEAD's `internal_set_weights`, the timelocked commits of
 * commit-reveal v4 (`commit_timelocked_weights` / `_mechanism_weights`), their
 * reveal once a drand pulse for the round is stored, and the transaction-pool
 * guards of `SubtensorTransactionExtension` (custom errors 1, 6, 15).
 *
 * @module
 */
import type { Bytes, Vec } from "@polkadot/types";
import type { Call } from "@polkadot/types/interfaces";
import type { Codec } from "@polkadot/types/types";
import { u8aEq, u8aToHex } from "@polkadot/util";
import { blake2AsU8a, decodeAddress } from "@polkadot/util-crypto";
import { customInvalid } from "../extrinsic.ts";
import type { State } from "../state.ts";
import { timelockDecrypt } from "../timelock.ts";
import { big, type BlockContext, DispatchError, fail, num, storageIndex, SUBTENSOR } from "./context.ts";
import { isMaxLimited, maxUpscaleToU16 } from "./fixed.ts";
import {
  epochIndex,
  ownerUid,
  readVector,
  setVectorEntry,
  stakeOf,
  subnetExists,
  subnets,
  uidOf,
} from "./subtensor.ts";

/** `MAX_CRV3_COMMIT_SIZE_BYTES`. */
export const MAX_COMMIT_BYTES = 5000;

const WEIGHT_CALLS = new Set([
  "setWeights",
  "setMechanismWeights",
  "commitTimelockedWeights",
  "commitTimelockedMechanismWeights",
]);

/** The arguments of a weights call, whichever variant. */
interface WeightsArgs {
  netuid: number;
  mecid: number;
  uids?: number[];
  values?: number[];
  versionKey?: bigint;
  commit?: Uint8Array;
  revealRound?: bigint;
  commitRevealVersion?: number;
}

function u16s(codec: Codec | undefined): number[] {
  return (codec as Vec<Codec>).map((v) => num(v));
}

/** Reads a weights call's arguments, or `undefined` for other calls. */
export function weightsArgs(call: Call): WeightsArgs | undefined {
  if (call.section !== "subtensorModule" || !WEIGHT_CALLS.has(call.method)) return undefined;
  const a = call.args;
  switch (call.method) {
    case "setWeights":
      return { netuid: num(a[0]), mecid: 0, uids: u16s(a[1]), values: u16s(a[2]), versionKey: big(a[3]) };
    case "setMechanismWeights":
      return { netuid: num(a[0]), mecid: num(a[1]), uids: u16s(a[2]), values: u16s(a[3]), versionKey: big(a[4]) };
    case "commitTimelockedWeights":
      return {
        netuid: num(a[0]),
        mecid: 0,
        commit: (a[1] as Bytes).toU8a(true),
        revealRound: big(a[2]),
        commitRevealVersion: num(a[3]),
      };
    default:
      return {
        netuid: num(a[0]),
        mecid: num(a[1]),
        commit: (a[2] as Bytes).toU8a(true),
        revealRound: big(a[3]),
        commitRevealVersion: num(a[4]),
      };
  }
}

function commitRevealEnabled(state: State, netuid: number): boolean {
  return state.bool(SUBTENSOR, "CommitRevealWeightsEnabled", netuid);
}

/** `check_weights_min_stake`: the owner's hotkey, or stake ≥ `StakeThreshold`. */
function meetsMinStake(state: State, hotkey: string, netuid: number): boolean {
  const owner = ownerUid(state, netuid);
  if (owner !== undefined && uidOf(state, netuid, hotkey) === owner) return true;
  return stakeOf(state, hotkey, netuid) >= big(state.read(SUBTENSOR, "StakeThreshold"));
}

/** `check_rate_limit`: the uid exists and never set weights, or `WeightsSetRateLimit` blocks passed. */
function passesRateLimit(state: State, netuid: number, index: number, uid: number, block: number): boolean {
  if (uid >= state.number(SUBTENSOR, "SubnetworkN", netuid)) return false;
  const last = readVector<bigint>(state, "LastUpdate", index)[uid] ?? 0n;
  if (last === 0n) return true;
  return BigInt(block) - last >= big(state.read(SUBTENSOR, "WeightsSetRateLimit", netuid));
}

/**
 * The pool-level guards of HEAD's `SubtensorTransactionExtension` for weights
 * calls (`CheckWeights`, then `CheckRateLimits`), evaluated for the block `block`.
 *
 * @throws {PoolError} `1010 Custom error: N`
 */
export function guardWeightsCall(state: State, who: string, call: Call, block: number): void {
  const args = weightsArgs(call);
  if (args === undefined) return;
  if (args.commit !== undefined && args.commit.length > MAX_COMMIT_BYTES) {
    throw customInvalid(255);
  }
  if (!meetsMinStake(state, who, args.netuid)) throw customInvalid(1);
  if (args.revealRound !== undefined && args.revealRound < big(state.read("Drand", "LastStoredRound"))) {
    throw customInvalid(15);
  }
  if (args.uids !== undefined && !commitRevealEnabled(state, args.netuid)) {
    const uid = uidOf(state, args.netuid, who);
    if (uid !== undefined && !passesRateLimit(state, args.netuid, storageIndex(args.netuid, args.mecid), uid, block)) {
      throw customInvalid(6);
    }
  }
}

function ensureMechanism(state: State, netuid: number, mecid: number): void {
  if (!subnetExists(state, netuid) || mecid >= state.number(SUBTENSOR, "MechanismCountCurrent", netuid)) {
    fail(SUBTENSOR, "MechanismDoesNotExist");
  }
}

function isSelfWeight(uid: number, uids: readonly number[], values: readonly number[]): boolean {
  return values.length === 1 && uids[0] === uid;
}

/** HEAD `internal_set_weights`: every check in order, then `Weights`, `LastUpdate` and `WeightsSet`. */
export function setWeights(
  ctx: BlockContext,
  hotkey: string,
  args: { netuid: number; mecid: number; uids: number[]; values: number[]; versionKey: bigint },
): void {
  const { state, number: block } = ctx;
  const { netuid, mecid, uids, values } = args;
  const index = storageIndex(netuid, mecid);
  if (netuid === 0) fail(SUBTENSOR, "CanNotSetRootNetworkWeights");
  if (uids.length !== values.length) fail(SUBTENSOR, "WeightVecNotEqualSize");
  ensureMechanism(state, netuid, mecid);
  const n = state.number(SUBTENSOR, "SubnetworkN", netuid);
  if (uids.length > n) fail(SUBTENSOR, "UidsLengthExceedUidsInSubNet");
  const uid = uidOf(state, netuid, hotkey);
  if (uid === undefined) fail(SUBTENSOR, "HotKeyNotRegisteredInSubNet");
  if (!meetsMinStake(state, hotkey, netuid)) fail(SUBTENSOR, "NotEnoughStakeToSetWeights");
  const networkKey = big(state.read(SUBTENSOR, "WeightsVersionKey", netuid));
  if (!(networkKey === 0n || args.versionKey >= networkKey)) fail(SUBTENSOR, "IncorrectWeightVersionKey");
  const commitReveal = commitRevealEnabled(state, netuid);
  if (!commitReveal && !passesRateLimit(state, netuid, index, uid, block)) fail(SUBTENSOR, "SettingWeightsTooFast");
  const permitted = isSelfWeight(uid, uids, values) || ownerUid(state, netuid) === uid ||
    readVector<boolean>(state, "ValidatorPermit", netuid)[uid] === true;
  if (!permitted) fail(SUBTENSOR, "NeuronNoValidatorPermit");
  if (new Set(uids).size !== uids.length) fail(SUBTENSOR, "DuplicateUids");
  if (uids.some((u) => u >= n)) fail(SUBTENSOR, "UidVecContainInvalidOne");
  const minAllowed = Math.min(state.number(SUBTENSOR, "MinAllowedWeights", netuid), n);
  if (!isSelfWeight(uid, uids, values) && values.length < minAllowed) fail(SUBTENSOR, "WeightVecLengthIsLow");
  const upscaled = maxUpscaleToU16(values);
  const limit = state.number(SUBTENSOR, "MaxWeightsLimit", netuid);
  if (!isSelfWeight(uid, uids, values) && limit !== 65535 && !isMaxLimited(upscaled, limit)) {
    fail(SUBTENSOR, "MaxWeightExceeded");
  }
  state.write(SUBTENSOR, "Weights", [index, uid], uids.map((u, i) => [u, upscaled[i]!]));
  if (!commitReveal) setVectorEntry(state, "LastUpdate", index, uid, BigInt(block));
  ctx.events.emit(SUBTENSOR, "WeightsSet", [index, uid]);
}

/** `set_weights` / `set_mechanism_weights`: refused with `CommitRevealEnabled` when commit-reveal is on. */
export function dispatchSetWeights(ctx: BlockContext, hotkey: string, call: Call): void {
  const args = weightsArgs(call)!;
  if (commitRevealEnabled(ctx.state, args.netuid)) fail(SUBTENSOR, "CommitRevealEnabled");
  setWeights(ctx, hotkey, { ...args, uids: args.uids!, values: args.values!, versionKey: args.versionKey! });
}

type Commit = [string, bigint, Uint8Array, bigint];

function readCommits(state: State, index: number, epoch: number): Commit[] {
  const queue = state.read<Vec<Codec>>(SUBTENSOR, "TimelockedWeightCommits", index, epoch);
  return queue.map((entry) => {
    const [who, block, commit, round] = entry as unknown as [Codec, Codec, Bytes, Codec];
    return [who.toString(), big(block), commit.toU8a(true), big(round)];
  });
}

function writeCommits(state: State, index: number, epoch: number, commits: Commit[]): void {
  if (commits.length === 0) state.remove(SUBTENSOR, "TimelockedWeightCommits", index, epoch);
  else {
    const encoded = commits.map(([who, block, commit, round]) => [who, block, u8aToHex(commit), round]);
    state.write(SUBTENSOR, "TimelockedWeightCommits", [index, epoch], encoded);
  }
}

/** HEAD `internal_commit_timelocked_weights`. */
export function dispatchCommitTimelocked(ctx: BlockContext, hotkey: string, call: Call): void {
  const { state, number: block } = ctx;
  const args = weightsArgs(call)!;
  const { netuid, mecid } = args;
  ensureMechanism(state, netuid, mecid);
  const index = storageIndex(netuid, mecid);
  if (!commitRevealEnabled(state, netuid)) fail(SUBTENSOR, "CommitRevealDisabled");
  if (args.commitRevealVersion !== state.number(SUBTENSOR, "CommitRevealWeightsVersion")) {
    fail(SUBTENSOR, "IncorrectCommitRevealVersion");
  }
  const uid = uidOf(state, netuid, hotkey);
  if (uid === undefined) fail(SUBTENSOR, "HotKeyNotRegisteredInSubNet");
  if (!passesRateLimit(state, netuid, index, uid, block)) fail(SUBTENSOR, "CommittingWeightsTooFast");
  const epoch = epochIndex(netuid, state.number(SUBTENSOR, "Tempo", netuid), block);
  const commits = readCommits(state, index, epoch);
  if (commits.filter(([who]) => who === hotkey).length >= 10) fail(SUBTENSOR, "TooManyUnrevealedCommits");
  commits.push([hotkey, BigInt(block), args.commit!, args.revealRound!]);
  writeCommits(state, index, epoch, commits);
  ctx.events.emit(SUBTENSOR, "TimelockedWeightsCommitted", [
    hotkey,
    index,
    blake2AsU8a(args.commit!),
    args.revealRound!,
  ]);
  setVectorEntry(state, "LastUpdate", index, uid, BigInt(block));
}

/** The epochs with stored timelocked commits of a storage index. */
function commitEpochs(state: State, index: number): number[] {
  const prefix = state.runtime.prefix(SUBTENSOR, "TimelockedWeightCommits", index);
  return state.keysWithPrefix(prefix).map((key) => {
    const le = key.slice(-16).match(/../g)!.reverse().join("");
    return Number.parseInt(le, 16);
  });
}

/**
 * HEAD `reveal_crv3_commits_for_subnet`, run at the start of every block:
 * commits of epoch `current − RevealPeriodEpochs` whose drand pulse is stored
 * are decrypted, checked (`payload.hotkey == committer`) and applied as
 * `set_mechanism_weights` would; those without a pulse wait for later blocks of
 * the epoch; older epochs are dropped.
 */
export function revealTimelockedCommits(ctx: BlockContext): void {
  const { state, number: block } = ctx;
  for (const netuid of subnets(state)) {
    if (netuid === 0) continue;
    const period = state.number(SUBTENSOR, "RevealPeriodEpochs", netuid);
    const current = epochIndex(netuid, state.number(SUBTENSOR, "Tempo", netuid), block);
    const revealEpoch = Math.max(0, current - period);
    const mechanisms = state.number(SUBTENSOR, "MechanismCountCurrent", netuid);
    for (let mecid = 0; mecid < mechanisms; mecid++) {
      const index = storageIndex(netuid, mecid);
      for (const epoch of commitEpochs(state, index)) {
        if (epoch < revealEpoch) state.remove(SUBTENSOR, "TimelockedWeightCommits", index, epoch);
      }
      if (current < period) continue;
      const waiting: Commit[] = [];
      for (const commit of readCommits(state, index, revealEpoch)) {
        const [who, , ciphertext, round] = commit;
        const pulse = state.readOptional("Drand", "Pulses", round) as unknown as { signature: Bytes } | undefined;
        if (pulse === undefined) {
          waiting.push(commit);
          continue;
        }
        const payload = decryptPayload(state, ciphertext, pulse.signature.toU8a(true), who);
        if (payload === undefined) continue;
        try {
          setWeights(ctx, who, { netuid, mecid, ...payload });
          ctx.events.emit(SUBTENSOR, "TimelockedWeightsRevealed", [index, who]);
        } catch (error) {
          if (!(error instanceof DispatchError)) throw error;
        }
      }
      writeCommits(state, index, revealEpoch, waiting);
    }
  }
}

/** Decrypts and decodes a `WeightsTlockPayload`; `undefined` when anything does not match (the commit is dropped). */
function decryptPayload(
  state: State,
  ciphertext: Uint8Array,
  signature: Uint8Array,
  who: string,
): { uids: number[]; values: number[]; versionKey: bigint } | undefined {
  let plain: Uint8Array;
  try {
    plain = timelockDecrypt(ciphertext, signature);
  } catch {
    return undefined;
  }
  const { registry } = state.runtime;
  try {
    const [hotkey, uids, values, versionKey] = registry.createType("(Bytes, Vec<u16>, Vec<u16>, u64)", plain);
    const key = hotkey.toU8a(true);
    if (key.length < 32) throw new RangeError("short hotkey");
    if (!u8aEq(key.subarray(0, 32), decodeAddress(who))) return undefined;
    return { uids: u16s(uids), values: u16s(values), versionKey: big(versionKey) };
  } catch {
    try {
      const [uids, values, versionKey] = registry.createType("(Vec<u16>, Vec<u16>, u64)", plain);
      return { uids: u16s(uids), values: u16s(values), versionKey: big(versionKey) };
    } catch {
      return undefined;
    }
  }
}
