/**
 * The Commitments pallet as at subtensor HEAD: `set_commitment` by a hotkey
 * registered on the subnet, at most `MaxFields` fields, a space quota of
 * `MaxSpace` bytes per subnet epoch (each call charged at least 100 bytes);
 * writes `CommitmentOf { deposit: 0, block, info }` and `LastCommitment`.
 * Timelocked fields are stored but never revealed.
 *
 * @module
 */
import type { Call } from "@polkadot/types/interfaces";
import type { Codec } from "@polkadot/types/types";
import { big, type BlockContext, fail, num, SUBTENSOR } from "./context.ts";
import { epochIndex, uidOf } from "./subtensor.ts";

const COMMITMENTS = "Commitments";

/** What a field costs against the space quota (HEAD `len_for_rate_limit`). */
function fieldLength(field: Codec): number {
  // deno-lint-ignore no-explicit-any
  const data = field as any;
  if (data.isNone || data.isResetBondsFlag) return 0;
  if (data.isTimelockEncrypted) return data.asTimelockEncrypted.encrypted.length;
  if (data.isBigRaw) return data.asBigRaw.length;
  return data.value.toU8a(true).length;
}

/** `set_commitment(netuid, info)`. */
export function setCommitment(ctx: BlockContext, who: string, call: Call): void {
  const { state, number: block, runtime } = ctx;
  const netuid = num(call.args[0]);
  // deno-lint-ignore no-explicit-any
  const info = call.args[1] as any;
  const fields: Codec[] = [...info.fields];
  if (uidOf(state, netuid, who) === undefined) fail(COMMITMENTS, "AccountNotAllowedCommit");
  const maxFields = num(runtime.decorated.consts.commitments!.maxFields);
  if (fields.length > maxFields) fail(COMMITMENTS, "TooManyFieldsInCommitmentInfo");
  const required = Math.max(100, fields.reduce((sum, field) => sum + fieldLength(field), 0));
  const epoch = epochIndex(netuid, state.number(SUBTENSOR, "Tempo", netuid), block);
  // deno-lint-ignore no-explicit-any
  const previous = state.readOptional(COMMITMENTS, "UsedSpaceOf", netuid, who) as any;
  let used = previous === undefined || big(previous.lastEpoch) !== BigInt(epoch) ? 0 : num(previous.usedSpace);
  if (used + required > state.number(COMMITMENTS, "MaxSpace")) fail(COMMITMENTS, "SpaceLimitExceeded");
  used += required;
  state.write(COMMITMENTS, "UsedSpaceOf", [netuid, who], { lastEpoch: epoch, usedSpace: used });
  state.setRaw(
    runtime.key(COMMITMENTS, "CommitmentOf", netuid, who),
    runtime.encodeValue(COMMITMENTS, "CommitmentOf", { deposit: 0, block, info: info.toU8a() }),
  );
  state.write(COMMITMENTS, "LastCommitment", [netuid, who], block);
  ctx.events.emit(COMMITMENTS, "Commitment", [netuid, who]);
}
