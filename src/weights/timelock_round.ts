/**
 * The drand round a timelocked weights commit is encrypted for, computed as
 * the SDK does (bittensor-drand `generate_commit`, research/chain.md §2.6):
 *
 * 1. `epoch = floor((block + netuid + 1) / (tempo + 1))`;
 * 2. the reveal epoch is `epoch + revealPeriodEpochs`; its first block is
 *    `revealEpoch × (tempo + 1) − (netuid + 1)`;
 * 3. aim 3 blocks into it, convert the blocks left to seconds at the block
 *    time, add them to the wall clock, and take the quicknet round due then
 *    (rounded down, at least 1).
 *
 * @module
 */
import { QUICKNET } from "./timelock_encrypt.ts";

/** Blocks into the reveal epoch at which the pulse should be on chain. */
export const REVEAL_SECURITY_BLOCKS = 3;

/** Inputs of {@linkcode computeRevealRound}. */
export interface RevealRoundInput {
  /** The current block. */
  readonly currentBlock: number;
  /** The storage index: `mecid × 4096 + netuid` (the netuid for mechanism 0). */
  readonly netuid: number;
  /** The subnet tempo (blocks per epoch minus one). */
  readonly tempo: number;
  /** `RevealPeriodEpochs` of the subnet. */
  readonly revealPeriodEpochs: number;
  /** Seconds per block. @default 12 */
  readonly blockTimeSeconds?: number;
  /** The wall clock in milliseconds since the Unix epoch. @default Date.now() */
  readonly nowMs?: number;
}

/** What {@linkcode computeRevealRound} found, for logs and receipts. */
export interface RevealRound {
  /** The drand quicknet round to encrypt for. */
  readonly round: number;
  /** The block the reveal is aimed at. */
  readonly targetBlock: number;
  /** The epoch the commit reveals in. */
  readonly revealEpoch: number;
}

/** Computes the reveal round of a commit made now (see the module doc). */
export function computeRevealRound(input: RevealRoundInput): RevealRound {
  const { currentBlock, netuid, tempo, revealPeriodEpochs } = input;
  const blockTime = input.blockTimeSeconds ?? 12;
  const nowSeconds = (input.nowMs ?? Date.now()) / 1000;
  const tempoPlusOne = tempo + 1;
  const netuidPlusOne = netuid + 1;
  const epoch = Math.floor((currentBlock + netuidPlusOne) / tempoPlusOne);
  const revealEpoch = epoch + revealPeriodEpochs;
  const firstRevealBlock = Math.max(0, revealEpoch * tempoPlusOne - netuidPlusOne);
  const targetBlock = firstRevealBlock + REVEAL_SECURITY_BLOCKS;
  const seconds = Math.max(0, targetBlock - currentBlock) * blockTime;
  const round = Math.floor((nowSeconds + seconds - QUICKNET.genesisTime) / QUICKNET.periodSeconds);
  return { round: Math.max(1, round), targetBlock, revealEpoch };
}

/** The Unix time (milliseconds) at which quicknet publishes `round`. */
export function quicknetRoundTimeMs(round: number): number {
  return (QUICKNET.genesisTime + (round - 1) * QUICKNET.periodSeconds) * 1000;
}
