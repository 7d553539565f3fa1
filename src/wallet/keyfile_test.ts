import assert from "node:assert/strict";
import { hexToU8a, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady, mnemonicToMiniSecret, sr25519PairFromSeed } from "@polkadot/util-crypto";
import {
  canonicalToExpandedSecret,
  expandedToCanonicalSecret,
  keyfileFromSeed,
  keypairFromKeyfile,
  parseKeyfile,
} from "./keyfile.ts";
import { WalletError } from "./wallet_error.ts";

const DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
const DEV_ADDRESS = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV";

Deno.test("keypairFromKeyfile() derives the dev phrase's address from secretPhrase, secretSeed and privateKey alike", async () => {
  const full = await keyfileFromSeed(mnemonicToMiniSecret(DEV_PHRASE), DEV_PHRASE);
  assert.equal(full.ss58Address, DEV_ADDRESS);
  for (const only of ["secretPhrase", "secretSeed", "privateKey"] as const) {
    const data = { [only]: full[only], ss58Address: full.ss58Address };
    const pair = await keypairFromKeyfile(data, `<${only}>`);
    assert.equal(pair.address, DEV_ADDRESS, only);
  }
});

Deno.test("canonical and expanded sr25519 secrets convert both ways (×8 / ÷8 of the scalar)", async () => {
  await cryptoWaitReady();
  const { secretKey } = sr25519PairFromSeed(hexToU8a(`0x${"42".repeat(32)}`));
  const canonical = expandedToCanonicalSecret(secretKey);
  assert.equal(u8aToHex(canonicalToExpandedSecret(canonical)), u8aToHex(secretKey));
  assert.equal(u8aToHex(canonical.subarray(32)), u8aToHex(secretKey.subarray(32)), "the nonce is unchanged");
});

Deno.test("keypairFromKeyfile() refuses a secret that derives another address than ss58Address", async () => {
  const other = await keyfileFromSeed(hexToU8a(`0x${"01".repeat(32)}`));
  await assert.rejects(
    keypairFromKeyfile({ secretSeed: other.secretSeed!, ss58Address: DEV_ADDRESS }, "f"),
    (e: unknown) => e instanceof WalletError && e.reason === "mismatch" && /derives 5/.test(e.message),
  );
  await assert.rejects(
    keypairFromKeyfile({ privateKey: other.privateKey!, ss58Address: DEV_ADDRESS }, "f"),
    (e: unknown) => e instanceof WalletError && e.reason === "mismatch",
  );
});

Deno.test("keypairFromKeyfile() refuses public-only and malformed keyfiles with the reason", async () => {
  const reject = (data: Record<string, string>, pattern: RegExp) =>
    assert.rejects(
      keypairFromKeyfile(data, "f"),
      (e: unknown) => e instanceof WalletError && e.reason === "malformed" && pattern.test(e.message),
    );
  await reject({ ss58Address: DEV_ADDRESS }, /holds no secret/);
  await reject({ secretSeed: "0x1234" }, /"secretSeed" is not 32 bytes of hex/);
  await reject({ secretPhrase: "not a mnemonic at all" }, /not a valid BIP39 mnemonic/);
  await reject({ privateKey: `0x${"11".repeat(64)}` }, /needs "ss58Address" or "publicKey"/);
});

Deno.test("parseKeyfile() ignores unknown and null fields and refuses non-objects", () => {
  assert.deepEqual(parseKeyfile('{"secretSeed":"0x00","secretPhrase":null,"cryptoType":1}', "f"), {
    secretSeed: "0x00",
  });
  assert.throws(() => parseKeyfile("[1]", "f"), (e: unknown) => e instanceof WalletError && e.reason === "malformed");
  assert.throws(() => parseKeyfile("{oops", "f"), /not JSON/);
  assert.throws(() => parseKeyfile('{"secretSeed":5}', "f"), /field "secretSeed" is not a string/);
});

Deno.test("keypairFromKeyfile() refuses a privateKey that is no sr25519 scalar, and a public key that is not 32 bytes, as malformed (found by fuzzing)", async () => {
  const full = await keyfileFromSeed(mnemonicToMiniSecret(DEV_PHRASE));
  const malformed = (pattern: RegExp) => (e: unknown) =>
    e instanceof WalletError && e.reason === "malformed" && e.path === "f" && pattern.test(e.message);
  await assert.rejects(
    keypairFromKeyfile({ privateKey: `0x${"00".repeat(64)}`, ss58Address: DEV_ADDRESS }, "f"),
    malformed(/Cannot read keyfile "f": "privateKey" is not an sr25519 secret key/),
  );
  await assert.rejects(
    keypairFromKeyfile({ privateKey: full.privateKey!, publicKey: "0x01" }, "f"),
    malformed(/Cannot read keyfile "f": bad address \(the public key is 1 bytes, not 32\)/),
  );
});
