/**
 * No secret in any log line: the tasks that touch a secret (weights, commit, doctor, fetch, eval) run
 * as operators run them, under their permission sets, at `--logging.trace` with a record log file,
 * with known secrets in their reach (a hotkey's mnemonic, seed and private key; `BT_WALLET_PASSWORD`,
 * right and wrong; `HF_TOKEN`, right and wrong), on success and on error paths. Every byte of stdout,
 * stderr and the log files is scanned for every secret.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mnemonicToMiniSecret } from "@polkadot/util-crypto";
import { startDevnet } from "../src/devnet/mod.ts";
import { startHubsim } from "../src/hubsim/mod.ts";
import { keyfileFromSeed } from "../src/wallet/keyfile.ts";
import { writeKeyfile } from "../src/wallet/write_keyfile.ts";
import { copyFixtures, tempDir } from "./hub_fixtures.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The Substrate dev phrase: the plaintext of the PyNaCl-encrypted fixture hotkey (btwallet's real cost). */
const DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
const NACL_FIXTURE = join(ROOT, "tests/testdata/chain_wallets/nacl_hotkey");
const WALLET_PASSWORD = "subvalid-test-password";
const WRONG_PASSWORD = "Wr0ng-but-still-secret-passw0rd";
const HF_TOKEN = "hf_SecretTokenThatMustNeverBeLogged0123";
const WRONG_TOKEN = "hf_WrongTokenThatMustNeverBeLoggedEither";

interface Run {
  readonly name: string;
  readonly code: number;
  readonly output: string;
}

async function task(
  name: string,
  permissions: string,
  file: string,
  args: string[],
  env: Record<string, string>,
  logDir: string,
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `-P=${permissions}`,
      ...(permissions === "weights" || permissions === "commit" || permissions === "doctor" ? ["--allow-read=./"] : []),
      `tasks/${file}.ts`,
      ...args,
      "--logging.trace",
      "--logging.record_log",
      "--logging.logging_dir",
      logDir,
    ],
    cwd: ROOT,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = new TextDecoder();
  return { name, code: out.code, output: `${text.decode(out.stdout)}\n${text.decode(out.stderr)}` };
}

/** Every spelling of a secret that would give it away. */
function spellings(secret: string): string[] {
  const bare = secret.replace(/^0x/, "");
  const out = [secret, bare];
  if (/^[0-9a-f]+$/i.test(bare)) out.push(bare.toUpperCase(), btoa(String.fromCharCode(...hexBytes(bare))));
  if (secret.includes(" ")) out.push(secret.split(" ").slice(0, 4).join(" "), JSON.stringify(secret.split(" ")));
  return out;
}

function hexBytes(hex: string): number[] {
  return Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

Deno.test("no secret (mnemonic, seed, private key, wallet password, HF_TOKEN) appears in any output or log file at --logging.trace", async () => {
  const dir = await Deno.makeTempDir({ dir: join(ROOT, ".cache"), prefix: "secrets-test-" });
  const logDir = `./logs/secrets-test-${crypto.randomUUID().slice(0, 8)}`;
  const modelDir = `./.cache/huggingface/secrets-test-${crypto.randomUUID().slice(0, 8)}/hub`;
  await using hubRoot = await tempDir("subvalid-secrets-hub-");
  await copyFixtures(hubRoot.path);
  try {
    const wallets = join(dir, "wallets");
    await using devnet = await startDevnet({ netuid: 37, validators: 1, miners: 3, walletDir: wallets });
    await using hub = await startHubsim({ root: hubRoot.path, token: HF_TOKEN, cdnRedirect: true });

    // Secrets: the devnet validator's and miner's plain hotkeys, the encrypted dev-phrase hotkey, and
    // a plain keyfile holding the dev phrase that claims another address (an error path).
    const plain = async (wallet: string) =>
      JSON.parse(await Deno.readTextFile(join(wallets, wallet, "hotkeys", "default"))) as Record<string, string>;
    const validator = await plain("validator-0");
    const miner = await plain("miner-0");
    const dev = await keyfileFromSeed(mnemonicToMiniSecret(DEV_PHRASE), DEV_PHRASE);
    await Deno.mkdir(join(wallets, "vault", "hotkeys"), { recursive: true });
    await Deno.copyFile(NACL_FIXTURE, join(wallets, "vault", "hotkeys", "default"));
    await writeKeyfile(join(wallets, "broken", "hotkeys", "default"), {
      secretPhrase: DEV_PHRASE,
      secretSeed: dev.secretSeed!,
      ss58Address: devnet.neurons[0]!.hotkey.address,
    });
    const secrets = [
      DEV_PHRASE,
      dev.secretSeed!,
      dev.privateKey!,
      ...[validator, miner].flatMap((k) => [k.secretSeed!, k.privateKey!]),
      WALLET_PASSWORD,
      WRONG_PASSWORD,
      HF_TOKEN,
      WRONG_TOKEN,
    ];

    const weightsFile = join(dir, "weights.json");
    await Deno.writeTextFile(weightsFile, JSON.stringify({ "1": 1, "2": 0.5 }));
    const chain = ["--subtensor.chain_endpoint", devnet.endpoint, "--wallet.path", wallets];
    const env = { BT_WALLET_PASSWORD: WALLET_PASSWORD, HF_TOKEN, HF_ENDPOINT: hub.url };
    const run = (name: string, set: string, file: string, args: string[], extra: Record<string, string> = {}) =>
      task(name, set, file, args, { ...env, ...extra }, logDir);
    const commitArgs = ["--model", "org/tiny", "--revision", "0123abcd", "--hash", "c2VjdXJl", "--competition", "4"];
    const fetchArgs = ["--model", "acme/tiny-onnx", "--hub.url", hub.url, "--validator.model_dir", modelDir];

    // Two at a time: the encrypted hotkey costs btwallet's argon2i (512 MiB, 8 passes) per opening.
    const runs: Run[] = [];
    for (
      const batch of [
        [
          () =>
            run("weights (set)", "weights", "weights", [
              "--weights",
              weightsFile,
              "--wallet.name",
              "validator-0",
              ...chain,
            ]),
          () =>
            run("weights ($NACL, right password)", "weights", "weights", [
              "--weights",
              weightsFile,
              "--wallet.name",
              "vault",
              ...chain,
            ]),
        ],
        [
          () => run("commit", "commit", "commit", [...commitArgs, "--wallet.name", "miner-0", ...chain]),
          () =>
            run("doctor ($NACL, wrong password)", "doctor", "doctor", ["--wallet.name", "vault", ...chain], {
              BT_WALLET_PASSWORD: WRONG_PASSWORD,
            }),
        ],
        [
          () =>
            run("commit (mismatched phrase)", "commit", "commit", [...commitArgs, "--wallet.name", "broken", ...chain]),
          () => run("fetch", "fetch", "fetch", fetchArgs),
        ],
        [
          () => run("fetch (wrong token)", "fetch", "fetch", fetchArgs, { HF_TOKEN: WRONG_TOKEN }),
          () =>
            run("eval", "eval", "eval", [
              "--model",
              "tests/fixtures/models/tiny-gpt",
              "--set",
              "smoke",
              "--device",
              "cpu",
            ]),
        ],
      ]
    ) {
      runs.push(...await Promise.all(batch.map((start) => start())));
    }

    const codes = Object.fromEntries(runs.map((r) => [r.name, r.code]));
    assert.deepEqual(codes, {
      "weights (set)": 0,
      "weights ($NACL, right password)": 6, // decrypted, then refused: the dev key is not registered
      "commit": 0,
      "doctor ($NACL, wrong password)": 9,
      "commit (mismatched phrase)": 4,
      "fetch": 0,
      "fetch (wrong token)": 7,
      "eval": 0,
    }, runs.filter((r) => r.code !== 0).map((r) => `${r.name}:\n${r.output.slice(-2000)}`).join("\n\n"));
    // The runs did reach the secrets: the password opened the file, the wrong one was refused by it.
    assert.match(runs[1]!.output, /not registered/);
    assert.match(runs[3]!.output, /the password does not decrypt/);
    assert.match(runs[4]!.output, /derives .*, but the file says/);
    assert.match(runs[0]!.output, /Weights set in block \d+/, "the outputs scanned are the real ones");
    assert.ok(hub.requests.list((r) => r.route !== undefined).some((r) => r.authorized), "the token was sent");

    const logs: string[] = [];
    for await (const entry of Deno.readDir(join(ROOT, logDir))) {
      logs.push(await Deno.readTextFile(join(ROOT, logDir, entry.name)));
    }
    assert.ok(logs.length >= 5, `log files: ${logs.length}`);
    assert.ok(logs.join("").includes("TRACE") || logs.join("").includes("DEBUG"), "the logs are at the lowest level");
    const haystacks = [
      ...runs.map((r) => [r.name, r.output] as const),
      ...logs.map((l, i) => [`log file ${i}`, l] as const),
    ];
    for (const [where, text] of haystacks) {
      for (const secret of secrets) {
        for (const spelling of spellings(secret)) {
          assert.ok(!text.includes(spelling), `${where} shows a secret (${spelling.slice(0, 6)}…)`);
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(join(ROOT, logDir), { recursive: true }).catch(() => {});
    await Deno.remove(join(ROOT, modelDir, ".."), { recursive: true }).catch(() => {});
  }
});
