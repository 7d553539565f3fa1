/**
 * Every miner's model commitment on a subnet at one block:
 * `Commitments.CommitmentOf(netuid, *)` in paged reads, the first field's
 * bytes decoded as UTF-8 (as the SDK's `decode_metadata` takes them) and
 * parsed as a model id. A bad commitment is recorded with its reason; it never
 * throws.
 *
 * @module
 */
import type { ApiDecoration } from "@polkadot/api/types";
import type { Codec } from "@polkadot/types/types";
import type { ChainClient } from "./connect_chain.ts";
import { type ModelId, parseModelId } from "../mechanism/model_id.ts";

/** One commitment of a registered hotkey. */
export type Commitment =
  & {
    readonly uid: number;
    readonly hotkey: string;
    /** The block the commitment was made at (the model's age). */
    readonly block: number;
    /** The first field as UTF-8 text, or `0x…` hex when it is not text. */
    readonly raw: string;
  }
  & ({ readonly modelId: ModelId } | { readonly error: string });

/** Options of {@linkcode readCommitments}. */
export interface ReadCommitmentsOptions {
  netuid: number;
  /** Hotkey → uid of the registered neurons; commitments of other hotkeys are skipped. */
  uids: ReadonlyMap<string, number>;
  /** Keys per page. @default 1000 */
  pageSize?: number;
  signal?: AbortSignal | undefined;
}

// deno-lint-ignore no-explicit-any
type Any = any;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes of a commitment field, or why there are none to read. */
export function fieldBytes(field: Any): { bytes: Uint8Array } | { error: string } {
  const variant: string = field.type;
  if (variant === "None") return { error: "the commitment is empty (Data::None)" };
  if (variant === "TimelockEncrypted") return { error: "the commitment is timelock-encrypted and not revealed" };
  if (variant === "ResetBondsFlag") return { error: "the first field is a ResetBondsFlag, not data" };
  if (variant === "BigRaw") return { bytes: field.asBigRaw.toU8a(true) };
  return { bytes: field.value.toU8a(true) };
}

/** Decodes one `Registration` value into a {@linkcode Commitment}. */
export function decodeCommitment(uid: number, hotkey: string, registration: Any): Commitment {
  const block = Number(registration.block.toString());
  const fields: Any[] = [...registration.info.fields];
  if (fields.length === 0) return { uid, hotkey, block, raw: "", error: "the commitment has no fields" };
  const data = fieldBytes(fields[0]);
  if ("error" in data) return { uid, hotkey, block, raw: "", error: data.error };
  let text: string;
  try {
    text = utf8.decode(data.bytes);
  } catch {
    const hex = `0x${Array.from(data.bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    return { uid, hotkey, block, raw: hex, error: "the commitment is not valid UTF-8" };
  }
  const parsed = parseModelId(text);
  return parsed.ok
    ? { uid, hotkey, block, raw: text, modelId: parsed.modelId }
    : { uid, hotkey, block, raw: text, error: `the model id ${parsed.error}` };
}

/** Reads every commitment on the subnet (in pages), keeping those of registered hotkeys, by uid. */
export async function readCommitments(
  client: ChainClient,
  apiAt: ApiDecoration<"promise">,
  options: ReadCommitmentsOptions,
): Promise<Commitment[]> {
  const { netuid, uids, signal } = options;
  const pageSize = options.pageSize ?? 1000;
  const entry = (apiAt.query as Any).commitments.commitmentOf;
  const commitments: Commitment[] = [];
  let startKey: string | undefined;
  for (let page = 0;; page++) {
    const entries = await client.call(
      `read commitments (page ${page + 1})`,
      () =>
        entry.entriesPaged(
          startKey === undefined ? { args: [netuid], pageSize } : { args: [netuid], pageSize, startKey },
        ) as Promise<[Any, Codec][]>,
      { signal },
    );
    for (const [key, value] of entries) {
      const hotkey = key.args[1].toString();
      const uid = uids.get(hotkey);
      const option = value as Any;
      if (uid === undefined || option.isNone) continue;
      commitments.push(decodeCommitment(uid, hotkey, option.unwrap()));
    }
    if (entries.length < pageSize) break;
    startKey = entries.at(-1)![0].toHex();
  }
  return commitments.sort((a, b) => a.uid - b.uid);
}

/**
 * Reads one hotkey's commitment at the best block (the updater's per-uid
 * check), or `undefined` when it has none.
 */
export async function readCommitment(
  client: ChainClient,
  options: { netuid: number; uid: number; hotkey: string; signal?: AbortSignal | undefined },
): Promise<Commitment | undefined> {
  const { netuid, uid, hotkey, signal } = options;
  const value = await client.call(
    `read the commitment of ${hotkey}`,
    (api) => (api.query as Any).commitments.commitmentOf(netuid, hotkey) as Promise<Any>,
    { signal },
  );
  return value.isNone ? undefined : decodeCommitment(uid, hotkey, value.unwrap());
}
