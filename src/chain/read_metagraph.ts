/**
 * The metagraph of a subnet at one block: through the runtime APIs
 * (`NeuronInfoRuntimeApi.get_neurons_lite` for the neurons,
 * `SubnetInfoRuntimeApi.get_subnet_state` for the stake weights), falling back
 * to storage (`Keys`, `Owner`, `ValidatorPermit`, `LastUpdate`, `Active`,
 * `TotalHotkeyAlpha`) when a runtime API is missing or does not decode.
 *
 * @module
 */
import type { ApiDecoration } from "@polkadot/api/types";
import type { Codec } from "@polkadot/types/types";
import { ChainConnectionError, ChainError, ChainTimeoutError } from "./chain_error.ts";
import type { ChainClient } from "./connect_chain.ts";

/** One neuron. */
export interface Neuron {
  readonly uid: number;
  /** SS58 hotkey. */
  readonly hotkey: string;
  /** SS58 coldkey (owner). */
  readonly coldkey: string;
  /** Stake weight in TAO units (alpha + TaoWeight × root stake; rao / 1e9). */
  readonly stake: number;
  readonly validatorPermit: boolean;
  /** Block of the last weights (or commit) of this uid. */
  readonly lastUpdate: number;
  readonly active: boolean;
}

/** Where the metagraph came from. */
export type MetagraphSource = "runtime-api" | "storage";

/** Options of {@linkcode readMetagraph}. */
export interface ReadMetagraphOptions {
  /** The subnet. */
  netuid: number;
  /** Cancels the reads. */
  signal?: AbortSignal | undefined;
}

type Api = ApiDecoration<"promise">;
// deno-lint-ignore no-explicit-any
type Any = any;

const RAO = 1e9;

function toNumber(codec: Codec | undefined): number {
  return codec === undefined ? 0 : Number((codec as Any).toBigInt?.() ?? (codec as Any).toString());
}

/** A failure worth falling back to storage for (not a timeout or a lost connection). */
function fallbackWorthy(error: unknown): boolean {
  return error instanceof ChainError && !(error instanceof ChainTimeoutError) &&
    !(error instanceof ChainConnectionError);
}

/** Reads the neurons of a subnet at the block `apiAt` is pinned to. */
export async function readMetagraph(
  client: ChainClient,
  apiAt: Api,
  options: ReadMetagraphOptions,
): Promise<{ neurons: Neuron[]; source: MetagraphSource }> {
  const { netuid, signal } = options;
  const calls = (apiAt as Any).call;
  if (calls?.neuronInfoRuntimeApi?.getNeuronsLite !== undefined) {
    try {
      const [lite, state] = await Promise.all([
        client.call(
          "read the neurons (NeuronInfoRuntimeApi.get_neurons_lite)",
          () => calls.neuronInfoRuntimeApi.getNeuronsLite(netuid) as Promise<Codec[]>,
          { signal },
        ),
        calls.subnetInfoRuntimeApi?.getSubnetState === undefined ? Promise.resolve(undefined) : client.call(
          "read the subnet state (SubnetInfoRuntimeApi.get_subnet_state)",
          () => calls.subnetInfoRuntimeApi.getSubnetState(netuid) as Promise<Any>,
          { signal },
        ).catch((error: unknown) => {
          if (fallbackWorthy(error)) return undefined;
          throw error;
        }),
      ]);
      const totals: Codec[] | undefined = state?.isSome ? [...state.unwrap().totalStake] : undefined;
      const neurons = [...lite].map((n: Any, i): Neuron => {
        const uid = toNumber(n.uid);
        const alpha = [...n.stake].reduce((sum: number, [, amount]: Codec[]) => sum + toNumber(amount), 0);
        return {
          uid,
          hotkey: n.hotkey.toString(),
          coldkey: n.coldkey.toString(),
          stake: (totals !== undefined && totals.length === lite.length ? toNumber(totals[i]) : alpha) / RAO,
          validatorPermit: n.validatorPermit.isTrue,
          lastUpdate: toNumber(n.lastUpdate),
          active: n.active.isTrue,
        };
      });
      return { neurons: neurons.sort((a, b) => a.uid - b.uid), source: "runtime-api" };
    } catch (error) {
      if (!fallbackWorthy(error)) throw error;
    }
  }
  return { neurons: await readMetagraphFromStorage(client, apiAt, options), source: "storage" };
}

/** Reads the neurons from storage (a few batched reads, independent of the number of neurons). */
export async function readMetagraphFromStorage(
  client: ChainClient,
  apiAt: Api,
  options: ReadMetagraphOptions,
): Promise<Neuron[]> {
  const { netuid, signal } = options;
  const query = (apiAt.query as Any).subtensorModule;
  const read = <T>(what: string, fn: () => Promise<T>) => client.call(what, fn, { signal });
  const [keys, permits, lastUpdate, active] = await Promise.all([
    read(
      "read the subnet's hotkeys (SubtensorModule.Keys)",
      () => query.keys.entries(netuid) as Promise<[Any, Codec][]>,
    ),
    read("read validator permits", () => query.validatorPermit(netuid) as Promise<Codec[]>),
    read("read last updates", () => query.lastUpdate(netuid) as Promise<Codec[]>),
    read("read activity", () => query.active(netuid) as Promise<Codec[]>),
  ]);
  const byUid = keys.map(([key, hotkey]) => ({ uid: toNumber(key.args[1]), hotkey: hotkey.toString() }))
    .sort((a, b) => a.uid - b.uid);
  const hotkeys = byUid.map((n) => n.hotkey);
  const [owners, stakes] = await Promise.all([
    read("read coldkeys (SubtensorModule.Owner)", () => query.owner.multi(hotkeys) as Promise<Codec[]>),
    read(
      "read stakes (SubtensorModule.TotalHotkeyAlpha)",
      () => query.totalHotkeyAlpha.multi(hotkeys.map((h) => [h, netuid])) as Promise<Codec[]>,
    ),
  ]);
  const permitList = [...permits];
  const updateList = [...lastUpdate];
  const activeList = [...active];
  return byUid.map(({ uid, hotkey }, i) => ({
    uid,
    hotkey,
    coldkey: owners[i]!.toString(),
    stake: toNumber(stakes[i]) / RAO,
    validatorPermit: (permitList[uid] as Any)?.isTrue ?? false,
    lastUpdate: toNumber(updateList[uid]),
    active: (activeList[uid] as Any)?.isTrue ?? false,
  }));
}
