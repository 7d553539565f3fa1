/**
 * Doctor check that the configured subnet looks like a Finetuning subnet:
 * most of its commitments must parse as model ids
 * (`namespace:name:commit:secure_hash:competition_id`). Netuid 37 on finney
 * has been run by another project (Aurelius, moral-reasoning alignment)
 * since late 2025 (research/sn37_update.md §1): its miners commit no model
 * ids, and an operator pointing the validator there should learn it before
 * setting weights.
 *
 * @module
 */
import { connectChain, readChainSnapshot } from "../chain/mod.ts";
import type { Config } from "../config/mod.ts";
import { getCompetition } from "../eval/mod.ts";
import { type CheckResult, type DoctorCheck, result } from "./check.ts";

/** Deadline of the whole subnet check (connect + one snapshot). */
export const SUBNET_DOCTOR_TIMEOUT_MS = 30_000;

/** At least this share of the commitments must parse as model ids. */
export const MIN_MODEL_ID_SHARE = 0.5;

const NAME = "subnet";

/** What the check needs of a commitment. */
export type CommitmentLike = { readonly modelId: { readonly competitionId: number | null } } | {
  readonly error: string;
};

/** The verdict from a subnet's neurons and commitments. Pure, for tests. */
export function subnetDoctorResult(
  where: { readonly netuid: number; readonly network: string; readonly block: number },
  neurons: number,
  commitments: readonly CommitmentLike[],
): CheckResult {
  const parsed = commitments.filter((c) => "modelId" in c);
  const known = parsed.filter((c) => {
    const id = (c as { modelId: { competitionId: number | null } }).modelId.competitionId;
    return id !== null && getCompetition(id) !== undefined;
  });
  const hint = `subvalid evaluates Finetuning-subnet miners, who commit Hugging Face model ids ` +
    `(namespace:name:commit:secure_hash:competition_id). Netuid 37 on finney has been run by another project ` +
    `(Aurelius) since late 2025 and its miners commit no model ids: check --netuid and --subtensor.network ` +
    `before setting weights there`;
  const at = `subnet ${where.netuid} on ${where.network} at block ${where.block}`;
  if (commitments.length === 0) {
    return result(
      NAME,
      "warn",
      `${at}: none of its ${neurons} neurons has a commitment; not a Finetuning subnet?`,
      hint,
    );
  }
  const share = parsed.length / commitments.length;
  const detail = `${at}: ${parsed.length} of ${commitments.length} commitments parse as model ids ` +
    `(${known.length} of a known competition; ${neurons} neurons)`;
  if (parsed.length === 0 || share < MIN_MODEL_ID_SHARE) {
    return result(NAME, "warn", `${detail}; does not look like a Finetuning subnet`, hint);
  }
  return result(NAME, "ok", detail);
}

/**
 * Reads the subnet's neurons and commitments once and judges them.
 * Never throws: a failure is a FAIL line.
 */
export async function checkSubnet(
  endpoint: string,
  options: { netuid: number; network: string; signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
): Promise<CheckResult> {
  const timeoutMs = options.timeoutMs ?? SUBNET_DOCTOR_TIMEOUT_MS;
  const signal = AbortSignal.any([
    AbortSignal.timeout(timeoutMs),
    ...(options.signal === undefined ? [] : [options.signal]),
  ]);
  try {
    await using client = await connectChain(endpoint, { signal, timeoutMs, reconnect: { maxAttempts: 2 } });
    const snapshot = await readChainSnapshot(client, { netuid: options.netuid, signal });
    return subnetDoctorResult(
      { netuid: options.netuid, network: options.network, block: snapshot.block },
      snapshot.neurons.length,
      snapshot.commitments,
    );
  } catch (error) {
    return result(
      NAME,
      "fail",
      `cannot read subnet ${options.netuid}'s commitments: ${(error as Error)?.message ?? error}`,
      "See the chain line above; check --subtensor.network and --netuid",
    );
  }
}

/** The subnet check, for the doctor's list. */
export const subnetCheck: DoctorCheck = {
  name: NAME,
  run(config: Config, signal: AbortSignal) {
    if (config.offline) return Promise.resolve(result(NAME, "skip", "--offline: chain not contacted"));
    const network = config.subtensor.network === "custom" ? config.subtensor.chainEndpoint : config.subtensor.network;
    return checkSubnet(config.subtensor.chainEndpoint, { netuid: config.netuid, network, signal });
  },
};
