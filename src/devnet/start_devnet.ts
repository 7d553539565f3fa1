/**
 * `startDevnet()`: a local subtensor chain with a ready subnet, served over
 * JSON-RPC on a loopback port, with fixture controls (mining, drand pulses,
 * storage edits) and fault injection for tests.
 *
 * @module
 */
import { hexToU8a, u8aToHex, u8aToU8a } from "@polkadot/util";
import { sha256AsU8a } from "@polkadot/util-crypto";
import { VERSION } from "../cli/version.ts";
import { keyfileFromSeed } from "../wallet/keyfile.ts";
import { writeWallet } from "../wallet/write_keyfile.ts";
import { type Block, DevnetChain } from "./chain.ts";
import { buildGenesis, type DevnetNeuron, type GenesisOptions, setStake } from "./genesis.ts";
import { SUBTENSOR } from "./pallets/context.ts";
import { type ReplyMangler, RpcMethods } from "./rpc.ts";
import type { MetadataPatch } from "./metadata_patches.ts";
import { DevnetRuntime, loadDevnetRuntime, patchMetadata, readExtractedMetadata } from "./runtime.ts";
import { DEFAULT_DEVNET_PROFILE, devnetProfile, type DevnetProfileName } from "./runtime_profiles.ts";
import { DevnetServer } from "./server.ts";
import type { State } from "./state.ts";

/** How blocks are produced. */
export type BlockProduction =
  /** Only by {@linkcode Devnet.mine} or the `dev_newBlock` RPC. */
  | "manual"
  /** A block right after each accepted transaction (plus manual mining). */
  | "instant"
  /** A block every `intervalMs` milliseconds (plus manual mining). */
  | { readonly intervalMs: number };

/** Options of {@linkcode startDevnet}. */
export interface StartDevnetOptions extends GenesisOptions {
  /** The runtime served: its transaction extensions and commitment variants (see `DEVNET_PROFILES`). @default "head" */
  profile?: DevnetProfileName;
  /** Metadata patches applied after the profile's (tests model a future runtime). @default none */
  extraPatches?: readonly MetadataPatch[];
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. @default "127.0.0.1" */
  hostname?: string;
  /** Block production. @default "instant" */
  blockProduction?: BlockProduction;
  /** Write the neurons' wallets (hotkey files and `coldkeypub.txt`) here. @default no files */
  walletDir?: string;
  /** Blocks whose storage is kept (older `at` queries fail as on a pruned node). @default 256 */
  stateHistory?: number;
  /** Blocks finality lags behind the best block. @default 0 */
  finalityLag?: number;
  /** Closes the devnet when aborted. */
  signal?: AbortSignal;
}

/** Fault injection. */
export interface DevnetFaults {
  /** Closes every WebSocket connection; the server keeps listening. */
  dropConnections(): void;
  /** Holds every request unanswered, for `ms` milliseconds or until {@linkcode unstall}. */
  stall(ms?: number): void;
  /** Answers again (held requests first). */
  unstall(): void;
  /** Stops listening (dropping connections), waits `downMs`, and listens again on the same port with the same chain. */
  restart(downMs?: number): Promise<void>;
  /**
   * Answers these runtime APIs (`state_call` names such as
   * `NeuronInfoRuntimeApi_get_neurons_lite`, or `*` for all but Core and
   * Metadata) with "Exported method … is not found", as an older runtime
   * does; an empty list restores them.
   */
  missingRuntimeApis(methods: readonly string[]): void;
  /**
   * Passes every JSON-RPC response through `mangle` before it is sent, as a misbehaving node would
   * answer (wrong types, garbage bytes, errors, nothing); `undefined` answers correctly again.
   */
  mangleReplies(mangle: ReplyMangler | undefined): void;
}

/** A running devnet. */
export interface Devnet extends AsyncDisposable {
  /** `ws://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The runtime profile served. */
  readonly profile: DevnetProfileName;
  readonly port: number;
  readonly netuid: number;
  /** Genesis block hash. */
  readonly genesisHash: string;
  /** Registered neurons, by uid. */
  readonly neurons: readonly DevnetNeuron[];
  /** The subnet owner's keys (the hotkey is not registered). */
  readonly owner: { readonly hotkey: DevnetNeuron["hotkey"]; readonly coldkey: DevnetNeuron["coldkey"] };
  /** Where the wallets were written, if anywhere. */
  readonly walletDir: string | undefined;
  /** The chain (blocks, storage, pool) for assertions. */
  readonly chain: DevnetChain;
  /** The best block number. */
  readonly bestNumber: number;
  /** Produces `count` blocks; returns the last. */
  mine(count?: number): Block;
  /** Stores drand pulse `round` (quicknet signature, hex or bytes) and raises `Drand.LastStoredRound`. */
  addPulse(round: number, signature: string | Uint8Array): void;
  /**
   * Edits the best block's storage directly (a fixture step, no extrinsic, no
   * new block): e.g. `devnet.edit((state) => state.write("SubtensorModule", "Tempo", [37], 10))`.
   */
  edit(change: (state: State) => void): void;
  /** Sets a hotkey's alpha stake on the subnet (a fixture step). */
  setStake(hotkey: string, amount: bigint): void;
  /** JSON-RPC calls received so far, by method. */
  rpcCalls(): Map<string, number>;
  /** Forgets the counted RPC calls. */
  resetRpcCalls(): void;
  readonly faults: DevnetFaults;
  /** Stops the server and block production. */
  close(): Promise<void>;
}

/**
 * Starts a devnet: builds the genesis subnet, listens on a loopback port, and
 * (with `walletDir`) writes each neuron's wallet.
 *
 * @example
 * ```ts ignore
 * await using devnet = await startDevnet({ miners: 4, validators: 1 });
 * console.log(devnet.endpoint, devnet.neurons[0]!.hotkey.address);
 * ```
 */
export async function startDevnet(options: StartDevnetOptions = {}): Promise<Devnet> {
  const profile = options.profile ?? DEFAULT_DEVNET_PROFILE;
  const runtime = options.extraPatches === undefined || options.extraPatches.length === 0
    ? loadDevnetRuntime(profile)
    : new DevnetRuntime(
      patchMetadata(readExtractedMetadata(), [...devnetProfile(profile).patches, ...options.extraPatches]),
      profile,
    );
  const netuid = options.netuid ?? 37;
  const genesis = await buildGenesis(runtime, options);
  const chainOptions: ConstructorParameters<typeof DevnetChain>[2] = {};
  if (options.stateHistory !== undefined) chainOptions.stateHistory = options.stateHistory;
  if (options.finalityLag !== undefined) chainOptions.finalityLag = options.finalityLag;
  const chain = new DevnetChain(runtime, genesis.state, chainOptions);
  const mine = (count = 1): Block => {
    let block = chain.best;
    for (let i = 0; i < count; i++) block = chain.produceBlock();
    return block;
  };
  const addPulse = (round: number, signature: string | Uint8Array) => {
    const bytes = u8aToU8a(typeof signature === "string" ? hexToU8a(signature) : signature);
    editBest(chain, (state) => {
      state.write("Drand", "Pulses", [round], {
        round,
        randomness: u8aToHex(sha256AsU8a(bytes)),
        signature: u8aToHex(bytes),
      });
      const last = state.number("Drand", "LastStoredRound");
      if (round > last) state.write("Drand", "LastStoredRound", [], round);
    });
  };
  const rpc = new RpcMethods(
    chain,
    { mine: (n) => Array.from({ length: n }, () => chain.produceBlock()), addPulse },
    VERSION,
  );
  const server = new DevnetServer(rpc, {
    ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });

  let closed = false;
  const production = options.blockProduction ?? "instant";
  let timer: ReturnType<typeof setInterval> | undefined;
  let instantPending = false;
  if (production === "instant") {
    chain.onSubmit(() => {
      if (instantPending) return;
      instantPending = true;
      setTimeout(() => {
        instantPending = false;
        if (!closed && chain.pool.ready().length > 0) chain.produceBlock();
      }, 0);
    });
  } else if (typeof production === "object") {
    if (!(production.intervalMs > 0)) throw new RangeError(`Invalid block interval ${production.intervalMs} ms`);
    timer = setInterval(() => chain.produceBlock(), production.intervalMs);
  }

  if (options.walletDir !== undefined) {
    for (const neuron of genesis.neurons) {
      await writeWallet(
        options.walletDir,
        neuron.wallet,
        { name: "default", data: await keyfileFromSeed(neuron.hotkeySeed) },
        neuron.coldkey.address,
      );
    }
  }

  server.start();
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    options.signal?.removeEventListener("abort", onAbort);
    await server.close();
  };
  const onAbort = () => void close();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const devnet: Devnet = {
    endpoint: server.endpoint,
    profile: runtime.profile,
    port: server.port,
    netuid,
    genesisHash: chain.genesisHash,
    neurons: genesis.neurons,
    owner: genesis.owner,
    walletDir: options.walletDir,
    chain,
    get bestNumber() {
      return chain.best.number;
    },
    mine,
    addPulse,
    edit: (change) => editBest(chain, change),
    setStake: (hotkey, amount) =>
      editBest(chain, (state) => {
        const coldkey = state.read(SUBTENSOR, "Owner", hotkey).toString();
        setStake(state, netuid, hotkey, coldkey, amount);
      }),
    rpcCalls: () => new Map(rpc.calls),
    resetRpcCalls: () => rpc.calls.clear(),
    faults: {
      dropConnections: () => server.dropConnections(),
      stall: (ms) => server.stall(ms),
      unstall: () => server.unstall(),
      restart: (downMs) => server.restart(downMs),
      missingRuntimeApis: (methods) => {
        rpc.missingRuntimeApis.clear();
        for (const method of methods) rpc.missingRuntimeApis.add(method);
      },
      mangleReplies: (mangle) => {
        rpc.mangler = mangle;
      },
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return devnet;
}

/** Applies a fixture edit to the best block's storage in place. */
function editBest(chain: DevnetChain, change: (state: State) => void): void {
  change(chain.stateAt());
}
