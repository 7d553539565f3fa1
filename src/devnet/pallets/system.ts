/**
 * Accounts: nonces and free balances in `System.Account`.
 *
 * @module
 */
import type { State } from "../state.ts";
import { big, num } from "./context.ts";

interface AccountInfo {
  nonce: number;
  consumers: number;
  providers: number;
  sufficients: number;
  data: { free: bigint; reserved: bigint; frozen: bigint; flags: bigint };
}

const NEW_LOGIC_FLAG = 1n << 127n;

/** Reads an account (defaults when absent). */
export function account(state: State, who: string | Uint8Array): AccountInfo {
  // deno-lint-ignore no-explicit-any
  const info = state.read("System", "Account", who) as any;
  return {
    nonce: num(info.nonce),
    consumers: num(info.consumers),
    providers: num(info.providers),
    sufficients: num(info.sufficients),
    data: {
      free: big(info.data.free),
      reserved: big(info.data.reserved),
      frozen: big(info.data.frozen),
      flags: big(info.data.flags),
    },
  };
}

function writeAccount(state: State, who: string | Uint8Array, info: AccountInfo): void {
  state.write("System", "Account", [who], info);
}

/** The account nonce. */
export function nonceOf(state: State, who: string | Uint8Array): number {
  return account(state, who).nonce;
}

/** Increments the account nonce (every included signed extrinsic does). */
export function incrementNonce(state: State, who: string | Uint8Array): void {
  const info = account(state, who);
  info.nonce += 1;
  writeAccount(state, who, info);
}

/** Adds free balance (creates the account with one provider). */
export function deposit(state: State, who: string | Uint8Array, amount: bigint): void {
  const info = account(state, who);
  info.data.free += amount;
  if (info.providers === 0) info.providers = 1;
  if (info.data.flags === 0n) info.data.flags = NEW_LOGIC_FLAG;
  writeAccount(state, who, info);
}

/** Removes free balance; `false` when the account has too little. */
export function withdraw(state: State, who: string | Uint8Array, amount: bigint): boolean {
  const info = account(state, who);
  if (info.data.free < amount) return false;
  info.data.free -= amount;
  writeAccount(state, who, info);
  return true;
}
