/**
 * Reads, at one block, everything the weight pre-checks and the submission
 * need: the hotkey's uid and permit, the subnet's weight hyperparameters, the
 * rate-limit state, the commit-reveal mode and the drand state.
 *
 * @module
 */
import type { ApiPromise } from "@polkadot/api";
import type { Codec } from "@polkadot/types/types";
import type { ChainClient } from "./connect_chain.ts";

/** The chain state a weight submission depends on, read at one block. */
export interface WeightsChainState {
  /** The block read (the best block when read). */
  readonly block: number;
  /** Its hash. */
  readonly blockHash: string;
  /** The subnet. */
  readonly netuid: number;
  /** The hotkey (SS58). */
  readonly hotkey: string;
  /** Whether the subnet exists (`NetworksAdded`). */
  readonly subnetExists: boolean;
  /** The hotkey's uid, if registered. */
  readonly uid: number | undefined;
  /** Number of uids on the subnet (`SubnetworkN`). */
  readonly subnetN: number;
  /** Whether the uid has a validator permit. */
  readonly validatorPermit: boolean;
  /** Whether the hotkey is the subnet owner's (exempt from the permit rule). */
  readonly isSubnetOwner: boolean;
  /** The block the uid last set weights at (`LastUpdate`), 0 if never. */
  readonly lastUpdate: number;
  /** `WeightsSetRateLimit` in blocks. */
  readonly weightsRateLimit: number;
  /** `WeightsVersionKey`: the minimum version key (0 = any). */
  readonly weightsVersionKey: bigint;
  /** `MinAllowedWeights`. */
  readonly minAllowedWeights: number;
  /** `MaxWeightsLimit` (65535 = no limit). */
  readonly maxWeightsLimit: number;
  /** `CommitRevealWeightsEnabled`. */
  readonly commitRevealEnabled: boolean;
  /** `CommitRevealWeightsVersion` (4 when the runtime has no such item). */
  readonly commitRevealVersion: number;
  /** `RevealPeriodEpochs`. */
  readonly revealPeriodEpochs: number;
  /** `Tempo`. */
  readonly tempo: number;
  /** `Drand.LastStoredRound` (0 when none). */
  readonly lastStoredRound: number;
  /** Whether the runtime has the mechanism calls (`set_mechanism_weights`, 119; `commit_timelocked_mechanism_weights`, 118). */
  readonly hasMechanismCalls: boolean;
}

/** Options of {@linkcode readWeightsState}. */
export interface ReadWeightsStateOptions {
  /** Read at this block hash. @default the best block */
  blockHash?: string;
  /** Cancels the read. */
  signal?: AbortSignal | undefined;
  /** Deadline of the whole read (ms). @default the client's timeout */
  timeoutMs?: number | undefined;
}

/** A pallet's storage queries, by camelCase item name. */
type StorageModule = Readonly<Record<string, ((...args: unknown[]) => Promise<Codec>) | undefined>>;

function num(codec: Codec): number {
  return Number((codec as unknown as { toString(): string }).toString());
}

function big(codec: Codec): bigint {
  return BigInt((codec as unknown as { toString(): string }).toString());
}

/**
 * Reads the weights-relevant state for `hotkey` on `netuid` at one block,
 * under the client's deadline.
 *
 * @throws {ChainTimeoutError} / {ChainConnectionError} / {ChainError} as every chain call
 */
export function readWeightsState(
  client: ChainClient,
  hotkey: string,
  options: ReadWeightsStateOptions & { netuid: number },
): Promise<WeightsChainState> {
  return client.call(
    `read the weights state of ${hotkey} on subnet ${options.netuid}`,
    (api) => readState(api, hotkey, options),
    { signal: options.signal, timeoutMs: options.timeoutMs },
  );
}

async function readState(
  api: ApiPromise,
  hotkey: string,
  options: ReadWeightsStateOptions & { netuid: number },
): Promise<WeightsChainState> {
  const { netuid } = options;
  const header = options.blockHash ? await api.rpc.chain.getHeader(options.blockHash) : await api.rpc.chain.getHeader();
  options.signal?.throwIfAborted();
  const blockHash = header.hash.toHex();
  const block = header.number.toNumber();
  const at = await api.at(blockHash);
  const sm = at.query.subtensorModule as StorageModule | undefined;
  const required = (item: string, ...args: unknown[]): Promise<Codec> => {
    const query = sm?.[item];
    if (!query) throw new Error(`Cannot read weights state: the runtime has no storage SubtensorModule.${item}`);
    return query(...args);
  };
  const optional = async (item: string, ...args: unknown[]): Promise<Codec | undefined> => {
    const query = sm?.[item];
    return query ? await query(...args) : undefined;
  };
  const [
    networksAdded,
    uidOption,
    subnetN,
    permits,
    lastUpdates,
    rateLimit,
    versionKey,
    minAllowed,
    maxLimit,
    crEnabled,
    revealPeriod,
    tempo,
    owner,
    crVersion,
  ] = await Promise.all([
    required("networksAdded", netuid),
    required("uids", netuid, hotkey),
    required("subnetworkN", netuid),
    required("validatorPermit", netuid),
    required("lastUpdate", netuid),
    required("weightsSetRateLimit", netuid),
    required("weightsVersionKey", netuid),
    required("minAllowedWeights", netuid),
    required("maxWeightsLimit", netuid),
    required("commitRevealWeightsEnabled", netuid),
    required("revealPeriodEpochs", netuid),
    required("tempo", netuid),
    optional("subnetOwnerHotkey", netuid),
    optional("commitRevealWeightsVersion"),
  ]);
  const drand = at.query.drand as StorageModule | undefined;
  const lastStored = drand?.lastStoredRound ? await drand.lastStoredRound() : undefined;
  options.signal?.throwIfAborted();
  const uidCodec = uidOption as unknown as { isSome: boolean; unwrap(): Codec };
  const uid = uidCodec.isSome ? num(uidCodec.unwrap()) : undefined;
  const permitList = (permits as unknown as { toJSON(): boolean[] }).toJSON();
  const lastList = (lastUpdates as unknown as { toJSON(): (number | string)[] }).toJSON();
  return {
    block,
    blockHash,
    netuid,
    hotkey,
    subnetExists: (networksAdded as unknown as { isTrue: boolean }).isTrue,
    uid,
    subnetN: num(subnetN),
    validatorPermit: uid !== undefined && permitList[uid] === true,
    isSubnetOwner: owner !== undefined && owner.toString() === hotkey,
    lastUpdate: uid === undefined ? 0 : Number(lastList[uid] ?? 0),
    weightsRateLimit: num(rateLimit),
    weightsVersionKey: big(versionKey),
    minAllowedWeights: num(minAllowed),
    maxWeightsLimit: num(maxLimit),
    commitRevealEnabled: (crEnabled as unknown as { isTrue: boolean }).isTrue,
    commitRevealVersion: crVersion === undefined ? 4 : num(crVersion),
    revealPeriodEpochs: num(revealPeriod),
    tempo: num(tempo),
    lastStoredRound: lastStored === undefined ? 0 : num(lastStored),
    hasMechanismCalls: api.tx.subtensorModule?.setMechanismWeights !== undefined &&
      api.tx.subtensorModule?.commitTimelockedMechanismWeights !== undefined,
  };
}

/** Reads the hotkeys of `uids` on `netuid` (for the dry-run table). Unknown uids map to undefined. */
export function readUidHotkeys(
  client: ChainClient,
  netuid: number,
  uids: readonly number[],
  blockHash?: string,
): Promise<Map<number, string | undefined>> {
  return client.call(`read the hotkeys of ${uids.length} uids`, (api) => uidHotkeys(api, netuid, uids, blockHash));
}

async function uidHotkeys(
  api: ApiPromise,
  netuid: number,
  uids: readonly number[],
  blockHash?: string,
): Promise<Map<number, string | undefined>> {
  const query = blockHash ? (await api.at(blockHash)).query : api.query;
  const keysOf = (query.subtensorModule as StorageModule | undefined)?.keys;
  if (!keysOf) throw new Error("Cannot read hotkeys: the runtime has no storage SubtensorModule.keys");
  const unique = [...new Set(uids)];
  const keys = await Promise.all(unique.map((uid) => keysOf(netuid, uid)));
  const out = new Map<number, string | undefined>();
  unique.forEach((uid, i) => {
    // Keys is a ValueQuery: an absent uid decodes as the all-zero account.
    out.set(uid, keys[i]!.isEmpty ? undefined : keys[i]!.toString());
  });
  return out;
}
