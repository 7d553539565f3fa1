/**
 * Fuzzing keyfiles (`src/wallet/keyfile.ts`, `nacl.ts`, `load_hotkey.ts`): real btcli-style keyfiles
 * whose fields are dropped, swapped with another key's, retyped or replaced by random strings and hex of
 * the wrong length; JSON of any shape; random bytes; `$NACL` files with right, wrong or no password and
 * random boxes. Loading gives the pair of the secret the file holds (checked against the address it
 * claims), or a {@linkcode WalletError} naming the file; no error message or hint contains a secret.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { u8aToHex } from "@polkadot/util";
import { mnemonicGenerate, mnemonicToMiniSecret } from "@polkadot/util-crypto";
import { type KeyfileData, keyfileFromSeed, keypairFromKeyfile, parseKeyfile } from "../../src/wallet/keyfile.ts";
import { loadHotkey } from "../../src/wallet/load_hotkey.ts";
import { type Argon2Params, NACL_PREFIX, naclDecryptKeyfile, naclEncryptKeyfile } from "../../src/wallet/nacl.ts";
import { WalletError } from "../../src/wallet/wallet_error.ts";
import { fuzzParameters, valueOrTypedError, valueOrTypedErrorAsync } from "./fuzz.ts";

const FAST: Argon2Params = { iterations: 1, memoryKiB: 64 };
const PASSWORD = "fuzz-correct-horse-battery";

/** Two real keyfiles (phrase, seed, private key and addresses of one key each) whose fields the fuzzer edits. */
const KEYS: KeyfileData[] = await Promise.all([12, 24].map((words) => {
  const phrase = mnemonicGenerate(words as 12 | 24);
  return keyfileFromSeed(mnemonicToMiniSecret(phrase), phrase);
}));

/** Every secret the fuzzer may put in a file: none may appear in an error. */
const SECRETS = KEYS.flatMap((k) => [k.secretPhrase!, k.secretSeed!, k.privateKey!]).flatMap((s) => [
  s,
  s.replace(/^0x/, ""),
]).concat(PASSWORD);

const FIELDS = ["accountId", "publicKey", "privateKey", "secretPhrase", "secretSeed", "ss58Address"] as const;

const hexOf = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => u8aToHex(b));
const fieldValue = (field: (typeof FIELDS)[number]) =>
  fc.oneof(
    fc.constantFrom(...KEYS.map((k) => k[field])),
    fc.constant(undefined),
    fc.constant(null),
    fc.string({ maxLength: 20 }),
    hexOf(32),
    hexOf(64),
    fc.integer({ min: 0, max: 70 }).chain((n) => hexOf(n)),
    hexOf(32).map((h) => h.slice(2)),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom("0x", "0xzz", "5", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", " "),
  );
/** One of the real keyfiles with a few fields edited (dropped, swapped with the other key's, garbage). */
const keyfileJson = fc.record({
  key: fc.constantFrom(...KEYS),
  edits: fc.record(Object.fromEntries(FIELDS.map((f) => [f, fieldValue(f)])), { requiredKeys: [] }),
  keep: fc.array(fc.constantFrom(...FIELDS), { maxLength: 6 }),
}).map(({ key, edits, keep }) => {
  const data: Record<string, unknown> = { ...key };
  for (const [field, value] of Object.entries(edits)) if (!keep.includes(field as never)) data[field] = value;
  return JSON.stringify(data);
});

const fileText = fc.oneof(
  { weight: 6, arbitrary: keyfileJson },
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 64 }),
);

function noSecretIn(error: Error): void {
  const text = `${error.message}\n${(error as WalletError).hint ?? ""}`;
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `The error shows a secret: ${text}`);
}

Deno.test("fuzz: parseKeyfile() and keypairFromKeyfile() give the pair of the file's secret or a WalletError naming the file", async () => {
  const path = "/wallets/w/hotkeys/fuzz";
  let loaded = 0;
  await fc.assert(
    fc.asyncProperty(fileText, async (text) => {
      const parsed = valueOrTypedError(() => parseKeyfile(text, path), [WalletError], [`"${path}"`]);
      if ("error" in parsed) return noSecretIn(parsed.error);
      const result = await valueOrTypedErrorAsync(() => keypairFromKeyfile(parsed.value, path), [WalletError], [
        `"${path}"`,
      ]);
      if ("error" in result) return noSecretIn(result.error);
      const data = parsed.value;
      const claimed = data.ss58Address ?? data.publicKey ?? data.accountId;
      const key = KEYS.find((k) => k.ss58Address === result.value.address);
      if (claimed !== undefined) assert.ok(key !== undefined, "a loaded pair derives a claimed address");
      loaded++;
    }),
    fuzzParameters(400),
  );
  assert.ok(loaded > 10, `only ${loaded} keyfiles loaded: the generator is too broken to be useful`);
});

Deno.test("fuzz: loadHotkey() on plain, $NACL and random files gives the hotkey or a WalletError naming the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "subvalid-fuzz-keyfile-" });
  const wallet = { path: dir, name: "w", hotkey: "h" };
  const path = join(dir, "w", "hotkeys", "h");
  await Deno.mkdir(join(dir, "w", "hotkeys"), { recursive: true });
  const contents = fc.oneof(
    { weight: 3, arbitrary: fileText.map((text) => ({ text, encrypt: false })) },
    { weight: 2, arbitrary: keyfileJson.map((text) => ({ text, encrypt: true })) },
    fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ bytes })),
    fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ bytes: Uint8Array.from([...NACL_PREFIX, ...bytes]) })),
  );
  const password = fc.constantFrom(PASSWORD, "wrong password", undefined);
  let loaded = 0;
  try {
    await fc.assert(
      fc.asyncProperty(contents, password, async (content, given) => {
        const bytes = "bytes" in content
          ? content.bytes
          : content.encrypt
          ? await naclEncryptKeyfile(new TextEncoder().encode(content.text), PASSWORD, FAST)
          : new TextEncoder().encode(content.text);
        await Deno.writeFile(path, bytes);
        const result = await valueOrTypedErrorAsync(
          () => loadHotkey(wallet, { env: () => given, prompt: false, kdf: FAST }),
          [WalletError],
          [path],
        );
        if ("error" in result) {
          noSecretIn(result.error);
          assert.equal((result.error as WalletError).path, path);
          if ("encrypt" in content && content.encrypt && given === undefined) {
            assert.equal((result.error as WalletError).reason, "locked");
          }
        } else {
          assert.ok(KEYS.some((k) => k.ss58Address === result.value.address));
          loaded++;
        }
      }),
      fuzzParameters(250),
    );
    assert.ok(loaded > 5, `only ${loaded} hotkeys loaded: the generator is too broken to be useful`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fuzz: naclDecryptKeyfile() opens only boxes sealed with its password", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.boolean(), async (plain, tamper) => {
      const sealed = await naclEncryptKeyfile(plain, PASSWORD, FAST);
      if (tamper) sealed[sealed.length - 1]! ^= 1;
      const opened = await naclDecryptKeyfile(sealed, PASSWORD, FAST);
      if (tamper) assert.equal(opened, undefined);
      else assert.deepEqual(opened, plain);
      assert.equal(await naclDecryptKeyfile(sealed, `${PASSWORD}!`, FAST), undefined);
    }),
    fuzzParameters(100),
  );
});
