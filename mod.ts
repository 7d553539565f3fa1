/**
 * subvalid as a library: every pipeline stage of the SN37 validator, one
 * namespace per stage.
 *
 * @example One epoch against a chain and a hub
 * ```ts ignore
 * import { chain, validator } from "./mod.ts";
 * await using reader = await chain.connectChain("ws://127.0.0.1:9944");
 * const epoch = await validator.runEpoch({
 *   reader,
 *   netuid: 37,
 *   competitionId: 99,
 *   samplesFile: "samples.jsonl",
 *   modelDir: ".cache/huggingface/hub",
 *   cacheDir: ".cache/huggingface/subvalid-score",
 * });
 * console.log(validator.formatEpoch(epoch));
 * ```
 *
 * @module
 */
export * as build from "./src/checkpoint/mod.ts";
export * as chain from "./src/chain/mod.ts";
export * as cli from "./src/cli/mod.ts";
export * as config from "./src/config/mod.ts";
export * as demo from "./src/demo/mod.ts";
export * as devnet from "./src/devnet/mod.ts";
export * as doctor from "./src/doctor/mod.ts";
export * as errors from "./src/errors/mod.ts";
export * as evaluation from "./src/eval/mod.ts";
export * as hub from "./src/hub/mod.ts";
export * as hubsim from "./src/hubsim/mod.ts";
export * as log from "./src/log/mod.ts";
export * as mechanism from "./src/mechanism/mod.ts";
export * as onnx from "./src/onnx/mod.ts";
export * as score from "./src/score/mod.ts";
export * as validator from "./src/validator/mod.ts";
export * as wallet from "./src/wallet/mod.ts";
