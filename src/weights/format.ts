/**
 * Human and JSON renderings of weight conversions, plans and receipts for
 * `deno task weights` and the validator's logs.
 *
 * @module
 */
import { formatTable } from "../log/mod.ts";
import type { EmitWeights, WeightsInput } from "../mechanism/mod.ts";
import type { WeightsPlan } from "./plan_weights.ts";
import type { WeightsReceipt } from "./receipt.ts";

/** One row per input uid: its weight and the u16 sent (0 = dropped). */
interface Row {
  uid: number;
  hotkey?: string | undefined;
  weight: number;
  u16: number;
}

function rows(input: WeightsInput, emit: EmitWeights, hotkeys?: ReadonlyMap<number, string | undefined>): Row[] {
  const sent = new Map(emit.uids.map((uid, i) => [uid, emit.values[i]!]));
  return input.uids.map((uid, i) => ({
    uid,
    hotkey: hotkeys?.get(uid),
    weight: input.weights[i]!,
    u16: sent.get(uid) ?? 0,
  }));
}

/** The conversion table: uid, [hotkey,] weight, u16 (`dropped` for zeros). */
export function formatConversion(
  input: WeightsInput,
  emit: EmitWeights,
  hotkeys?: ReadonlyMap<number, string | undefined>,
): string {
  return formatTable(rows(input, emit, hotkeys), [
    { header: "uid", value: (r) => String(r.uid), align: "right" },
    ...(hotkeys ? [{ header: "hotkey", value: (r: Row) => r.hotkey ?? "(no neuron)" }] : []),
    { header: "weight", value: (r) => String(r.weight), align: "right" },
    { header: "u16", value: (r) => (r.u16 === 0 ? "0 (dropped)" : String(r.u16)), align: "right" },
  ]);
}

/** The plan for a dry run: the table, then every pre-check and what would be sent. */
export function formatPlan(plan: WeightsPlan, hotkeys: ReadonlyMap<number, string | undefined>): string {
  const s = plan.state;
  const lines = [
    `Subnet ${s.netuid} at block ${s.block} (${s.blockHash}), hotkey ${s.hotkey}${
      s.uid === undefined ? "" : ` (uid ${s.uid})`
    }`,
    "",
    formatConversion(plan.input, plan.emit, hotkeys),
    "",
    "Pre-checks:",
    ...plan.prechecks.flatMap((c) => {
      const head = `  ${c.status.toUpperCase().padEnd(4)}  ${c.name.padEnd(13)}  ${c.detail}`;
      return c.status === "fail" && c.error?.hint
        ? [head, `  ${"".padEnd(4)}  ${"".padEnd(13)}  hint: ${c.error.hint}`]
        : [head];
    }),
    "",
  ];
  const failed = plan.prechecks.filter((c) => c.status === "fail").length;
  const round = plan.revealRound
    ? `, reveal round ${plan.revealRound.round} (target block ${plan.revealRound.targetBlock})`
    : "";
  lines.push(
    failed === 0
      ? `Would send ${plan.call}(netuid ${s.netuid}, mechanism ${plan.mechanism}, ${plan.emit.uids.length} uids, version key ${plan.versionKey}${round}). Dry run: nothing signed.`
      : `${failed} pre-check${
        failed === 1 ? "" : "s"
      } failed: the chain would refuse ${plan.call}. Dry run: nothing signed.`,
  );
  return lines.join("\n");
}

/** The plan as JSON for `--dry-run --json`. */
export function planToJson(plan: WeightsPlan, hotkeys: ReadonlyMap<number, string | undefined>): unknown {
  const s = plan.state;
  return {
    netuid: s.netuid,
    block: s.block,
    blockHash: s.blockHash,
    hotkey: s.hotkey,
    uid: s.uid ?? null,
    mode: plan.mode,
    call: plan.call,
    versionKey: plan.versionKey.toString(),
    revealRound: plan.revealRound?.round ?? null,
    uids: plan.emit.uids,
    u16: plan.emit.values,
    hotkeys: plan.emit.uids.map((uid) => hotkeys.get(uid) ?? null),
    prechecks: plan.prechecks.map((c) => ({
      name: c.name,
      status: c.status,
      detail: c.detail,
      ...(c.error?.hint ? { hint: c.error.hint } : {}),
    })),
    wouldSubmit: plan.prechecks.every((c) => c.status !== "fail"),
  };
}

/** A receipt as a few readable lines. */
export function formatReceipt(receipt: WeightsReceipt): string {
  if (receipt.success) {
    const what = receipt.mode === "commit"
      ? `Weights committed (timelocked, revealed by the chain at drand round ${receipt.revealRound})`
      : "Weights set";
    return [
      `${what} in block ${receipt.block} (${receipt.blockHash})${receipt.finalized ? ", finalized" : ""}`,
      `extrinsic ${receipt.extrinsicHash}, nonce ${receipt.nonce}, ${receipt.uids.length} uids`,
    ].join("\n");
  }
  return [receipt.reason, ...(receipt.hint ? [`hint: ${receipt.hint}`] : [])].join("\n");
}
