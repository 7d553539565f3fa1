import assert from "node:assert/strict";
import { join } from "node:path";
import { hexToU8a } from "@polkadot/util";
import { keyfileFromSeed } from "./keyfile.ts";
import { hotkeyPath, loadHotkey } from "./load_hotkey.ts";
import type { Argon2Params } from "./nacl.ts";
import { readColdkeyAddress } from "./read_coldkey_address.ts";
import { WalletError } from "./wallet_error.ts";
import { writeKeyfile, writeWallet } from "./write_keyfile.ts";

/** Cheap argon2i for tests; the real cost is covered once with a PyNaCl-made file. */
const FAST: Argon2Params = { iterations: 1, memoryKiB: 64 };
const FIXTURE = new URL("../../tests/testdata/chain_wallets/nacl_hotkey", import.meta.url).pathname;

async function withWallets(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-wallet-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const isWalletError = (reason: string, pattern?: RegExp) => (e: unknown) =>
  e instanceof WalletError && e.reason === reason && (pattern === undefined || pattern.test(e.message));

Deno.test("loadHotkey() loads a plain keyfile written as btcli does, and coldkeypub.txt gives the coldkey", async () => {
  await withWallets(async (dir) => {
    const hot = await keyfileFromSeed(hexToU8a(`0x${"07".repeat(32)}`));
    const cold = await keyfileFromSeed(hexToU8a(`0x${"08".repeat(32)}`));
    await writeWallet(dir, "w", { name: "h", data: hot }, cold.ss58Address!);
    // A coldkey that cannot be read at all: loading the hotkey must not touch it.
    await Deno.mkdir(join(dir, "w", "coldkey"));
    const wallet = { path: dir, name: "w", hotkey: "h" };
    const hotkey = await loadHotkey(wallet, { prompt: false });
    assert.equal(hotkey.address, hot.ss58Address);
    assert.equal(hotkey.encrypted, false);
    assert.equal((await Deno.stat(hotkeyPath(wallet))).mode! & 0o777, 0o600);
    assert.equal(await readColdkeyAddress(wallet), cold.ss58Address);
  });
});

Deno.test("loadHotkey() decrypts a $NACL keyfile with the password from the environment variable", async () => {
  await withWallets(async (dir) => {
    const hot = await keyfileFromSeed(hexToU8a(`0x${"09".repeat(32)}`));
    await writeKeyfile(join(dir, "w", "hotkeys", "h"), hot, { password: "correct horse", kdf: FAST });
    const wallet = { path: dir, name: "w", hotkey: "h" };
    const env = (name: string) => (name === "BT_WALLET_PASSWORD" ? "correct horse" : undefined);
    const hotkey = await loadHotkey(wallet, { env, kdf: FAST, prompt: false });
    assert.equal(hotkey.address, hot.ss58Address);
    assert.equal(hotkey.encrypted, true);
    const asked: string[] = [];
    const prompted = await loadHotkey(wallet, {
      env: () => undefined,
      kdf: FAST,
      prompt: (message) => (asked.push(message), Promise.resolve("correct horse")),
    });
    assert.equal(prompted.address, hot.ss58Address);
    assert.deepEqual(asked, ["Password for hotkey w/h: "]);
    await assert.rejects(
      loadHotkey(wallet, { password: "wrong", kdf: FAST }),
      isWalletError("password", /password does not decrypt/),
    );
    await assert.rejects(
      loadHotkey(wallet, { env: () => undefined, kdf: FAST, prompt: false }),
      isWalletError("locked", /encrypted and no password/),
    );
  });
});

Deno.test("loadHotkey() says what is wrong with missing, unreadable, malformed and legacy-encrypted files", async () => {
  await withWallets(async (dir) => {
    const wallet = (name: string) => ({ path: dir, name, hotkey: "h" });
    await assert.rejects(loadHotkey(wallet("none")), isWalletError("missing", /no file at/));
    await Deno.mkdir(join(dir, "dir", "hotkeys", "h"), { recursive: true });
    await assert.rejects(loadHotkey(wallet("dir")), isWalletError("unreadable", /unreadable/));
    await Deno.mkdir(join(dir, "bad", "hotkeys"), { recursive: true });
    await Deno.writeTextFile(join(dir, "bad", "hotkeys", "h"), "{not json");
    await assert.rejects(loadHotkey(wallet("bad")), isWalletError("malformed", /not JSON/));
    await Deno.mkdir(join(dir, "old", "hotkeys"), { recursive: true });
    await Deno.writeTextFile(join(dir, "old", "hotkeys", "h"), "gAAAAABlegacyfernettoken");
    await assert.rejects(loadHotkey(wallet("old")), isWalletError("malformed", /legacy encryption/));
    // A truncated $NACL file (found by fuzzing: a RangeError escaped before).
    await Deno.mkdir(join(dir, "cut", "hotkeys"), { recursive: true });
    await Deno.writeTextFile(join(dir, "cut", "hotkeys", "h"), "$NACL0123456789");
    await assert.rejects(
      loadHotkey(wallet("cut"), { password: "x", kdf: FAST }),
      isWalletError("malformed", /has 15 bytes, too few for \$NACL contents/),
    );
    await assert.rejects(readColdkeyAddress({ path: dir, name: "none" }), isWalletError("missing"));
  });
});

Deno.test("loadHotkey() decrypts a $NACL hotkey made by PyNaCl with btwallet's real argon2i cost", async () => {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-wallet-" });
  try {
    await Deno.mkdir(join(dir, "w", "hotkeys"), { recursive: true });
    await Deno.copyFile(FIXTURE, join(dir, "w", "hotkeys", "h"));
    const hotkey = await loadHotkey({ path: dir, name: "w", hotkey: "h" }, { password: "subvalid-test-password" });
    assert.equal(hotkey.address, "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
