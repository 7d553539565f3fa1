/**
 * The calls the devnet executes, with their fee class, pool guards and
 * dispatch functions. Any other call is refused at submission with
 * `1010 Invalid Transaction: Transaction call is not expected`.
 *
 * @module
 */
import type { Call } from "@polkadot/types/interfaces";
import { INVALID, invalid } from "./extrinsic.ts";
import type { BlockContext } from "./pallets/context.ts";
import { setCommitment } from "./pallets/commitments.ts";
import { burnedRegister, serveAxon } from "./pallets/subtensor.ts";
import { dispatchCommitTimelocked, dispatchSetWeights, guardWeightsCall } from "./pallets/weights.ts";
import type { State } from "./state.ts";

/** One executable call. */
interface CallHandler {
  /** Whether the call pays a fee (then the signer needs an existing account). */
  readonly paysFee: boolean;
  /** Runs the call; throws `DispatchError` for a module error. */
  readonly dispatch: (ctx: BlockContext, who: string, call: Call) => void;
}

const HANDLERS: Readonly<Record<string, CallHandler>> = {
  "system.remark": { paysFee: true, dispatch: () => {} },
  "subtensorModule.setWeights": { paysFee: false, dispatch: dispatchSetWeights },
  "subtensorModule.setMechanismWeights": { paysFee: false, dispatch: dispatchSetWeights },
  "subtensorModule.commitTimelockedWeights": { paysFee: false, dispatch: dispatchCommitTimelocked },
  "subtensorModule.commitTimelockedMechanismWeights": { paysFee: false, dispatch: dispatchCommitTimelocked },
  "subtensorModule.burnedRegister": { paysFee: true, dispatch: burnedRegister },
  "subtensorModule.serveAxon": { paysFee: false, dispatch: serveAxon },
  "commitments.setCommitment": { paysFee: false, dispatch: setCommitment },
};

/** The names (`section.method`) of the calls the devnet executes. */
export const SUPPORTED_CALLS: readonly string[] = Object.keys(HANDLERS);

/** The handler of a call. @throws {PoolError} 1010 for a call the devnet does not execute */
export function handlerOf(call: Call): CallHandler {
  const handler = HANDLERS[`${call.section}.${call.method}`];
  if (handler === undefined) throw invalid(INVALID.call);
  return handler;
}

/** The runtime's pool-level checks of a call (subtensor's transaction extension). */
export function guardCall(state: State, who: string, call: Call, block: number): void {
  guardWeightsCall(state, who, call, block);
}
