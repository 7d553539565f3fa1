/**
 * Doctor checks of weight setting for the configured hotkey and subnet:
 * registration, validator permit, version key, rate-limit status and the
 * commit-reveal mode, from one read of the chain.
 *
 * @module
 */
import type { Config } from "../config/mod.ts";
import { type CheckResult, type DoctorCheck, result } from "./check.ts";
import { readWeightsState, type WeightsChainState } from "../chain/mod.ts";
import { COMMIT_REVEAL_VERSION, connectWeightsWriter, hotkeyAddress, nextBlock } from "../weights/mod.ts";

/** Deadline of the whole weights check (connect + read). */
export const WEIGHTS_DOCTOR_TIMEOUT_MS = 20_000;

const NAMES = {
  registered: "registration",
  permit: "validator permit",
  versionKey: "weights version key",
  rateLimit: "weights rate limit",
  commitReveal: "commit-reveal",
} as const;

/** Turns the weights state into doctor lines. Pure, for tests. */
export function weightsDoctorResults(state: WeightsChainState, versionKey: bigint): CheckResult[] {
  const out: CheckResult[] = [];
  const { netuid } = state;
  if (!state.subnetExists) {
    return [
      result(NAMES.registered, "fail", `subnet ${netuid} does not exist`, "Check --netuid and --subtensor.network"),
    ];
  }
  if (state.uid === undefined) {
    out.push(result(
      NAMES.registered,
      "fail",
      `hotkey ${state.hotkey} is not registered on subnet ${netuid}`,
      `Register it (btcli subnets register --netuid ${netuid}) or check --wallet.hotkey`,
    ));
  } else {
    out.push(result(NAMES.registered, "ok", `hotkey ${state.hotkey} is uid ${state.uid} on subnet ${netuid}`));
    out.push(
      state.validatorPermit || state.isSubnetOwner
        ? result(NAMES.permit, "ok", state.validatorPermit ? `uid ${state.uid} has a validator permit` : "subnet owner")
        : result(
          NAMES.permit,
          "fail",
          `uid ${state.uid} has no validator permit`,
          "Add stake to the hotkey; permits go to the top-stake neurons each epoch",
        ),
    );
  }
  const required = state.weightsVersionKey;
  out.push(
    required === 0n || versionKey >= required
      ? result(NAMES.versionKey, "ok", `sending ${versionKey}, subnet requires ≥ ${required}`)
      : result(
        NAMES.versionKey,
        "fail",
        `sending ${versionKey}, subnet requires ≥ ${required}`,
        `Update subvalid, or pass --validator.version_key ${required}`,
      ),
  );
  if (state.uid !== undefined) {
    const next = state.lastUpdate + state.weightsRateLimit;
    const since = state.block - state.lastUpdate;
    if (state.lastUpdate === 0) {
      out.push(result(NAMES.rateLimit, "ok", `never set; limit ${state.weightsRateLimit} blocks`));
    } else if (nextBlock(state) >= next) {
      out.push(
        result(NAMES.rateLimit, "ok", `last set at block ${state.lastUpdate} (${since} blocks ago): can set now`),
      );
    } else {
      out.push(result(
        NAMES.rateLimit,
        "warn",
        `last set at block ${state.lastUpdate} (${since} blocks ago): next allowed at block ${next}`,
        `Wait ${next - state.block} blocks (about ${Math.ceil((next - state.block) * 12 / 60)} min)`,
      ));
    }
  }
  if (!state.commitRevealEnabled) {
    out.push(result(NAMES.commitReveal, "ok", "off: weights are set directly with set_mechanism_weights"));
  } else if (state.commitRevealVersion !== COMMIT_REVEAL_VERSION) {
    out.push(result(
      NAMES.commitReveal,
      "fail",
      `on, but the chain expects version ${state.commitRevealVersion}; subvalid sends ${COMMIT_REVEAL_VERSION}`,
      "Update subvalid",
    ));
  } else {
    out.push(result(
      NAMES.commitReveal,
      "ok",
      `on: timelocked commits (v${COMMIT_REVEAL_VERSION}), revealed by the chain after ${state.revealPeriodEpochs} epoch(s) of ${
        state.tempo + 1
      } blocks`,
    ));
  }
  return out;
}

async function run(config: Config, signal: AbortSignal): Promise<CheckResult[]> {
  if (config.offline) return [result("weights", "skip", "--offline: chain not contacted")];
  let address: string;
  try {
    address = await hotkeyAddress(config);
  } catch (error) {
    return [
      result("weights", "skip", `hotkey address unknown: ${(error as Error).message}`, "See the wallet line above"),
    ];
  }
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(WEIGHTS_DOCTOR_TIMEOUT_MS)]);
  try {
    await using writer = await connectWeightsWriter(config, { signal: deadline });
    const state = await readWeightsState(writer, address, {
      netuid: config.netuid,
      signal: deadline,
      timeoutMs: WEIGHTS_DOCTOR_TIMEOUT_MS,
    });
    return weightsDoctorResults(state, BigInt(config.validator.versionKey));
  } catch (error) {
    return [result(
      "weights",
      "fail",
      `cannot read the weights state: ${(error as Error).message}`,
      "See the chain line above; check --subtensor.network and --netuid",
    )];
  }
}

/** The weights checks, appended to the doctor's list. */
export const WEIGHTS_CHECKS: readonly DoctorCheck[] = [{ name: "weights", run }];
