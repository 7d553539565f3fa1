import assert from "node:assert/strict";
import { join } from "node:path";
import { MinerModelError } from "./errors.ts";
import { publishXenovaGpt4, startHubsim, XENOVA_GPT4_FILES } from "../hubsim/mod.ts";
import {
  CompetitionTokenizerError,
  type CompetitionTokenizerReason,
  loadCompetitionTokenizer,
} from "./competition_tokenizer.ts";
import { getCompetition } from "../eval/competitions.ts";
import { SYSTEM_PROMPT } from "../eval/draw_task_data.ts";

const competitionMessages = (q: string) => [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: q }];

const FAST_RETRY = { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 };
const chats: { messages: { role: string; content: string }[]; text: string; ids: number[] }[] = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/fixtures/tokenizers/gpt4_chats.json", import.meta.url)),
);

async function setup() {
  const root = await Deno.makeTempDir({ prefix: "subvalid-tokhub-" });
  const cache = await Deno.makeTempDir({ prefix: "subvalid-tokcache-" });
  await publishXenovaGpt4(root);
  const hub = await startHubsim({ root });
  return {
    hub,
    root,
    modelDir: join(cache, "hub"),
    async [Symbol.asyncDispose]() {
      await hub.close();
      await Deno.remove(root, { recursive: true });
      await Deno.remove(cache, { recursive: true });
    },
  };
}

async function rejectsWith(promise: Promise<unknown>, reason: CompetitionTokenizerReason) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CompetitionTokenizerError, `expected a CompetitionTokenizerError, got ${error}`);
    assert.ok(!(error instanceof MinerModelError));
    assert.equal(error.reason, reason, error.message);
    assert.equal(error.repo, "Xenova/gpt-4");
    return error;
  }
  assert.fail(`expected a CompetitionTokenizerError with reason "${reason}"`);
}

const noNetwork: typeof fetch = () => {
  throw new Error("The network was used");
};

Deno.test("loadCompetitionTokenizer() fetches Xenova/gpt-4 at main into the HF cache: tokenizer files only", async () => {
  await using s = await setup();
  const repo = getCompetition(5)?.tokenizer ?? "Xenova/gpt-4";
  assert.equal(repo, "Xenova/gpt-4");
  const tok = await loadCompetitionTokenizer(repo, { modelDir: s.modelDir, hubUrl: s.hub.url, retry: FAST_RETRY });
  assert.equal(tok.encoder, "byte-level-bpe");
  assert.equal(tok.dir, join(s.modelDir, "models--Xenova--gpt-4", "snapshots", tok.commit));
  assert.equal(await Deno.readTextFile(join(s.modelDir, "models--Xenova--gpt-4", "refs", "main")), tok.commit);
  const files = [];
  for await (const entry of Deno.readDir(tok.dir)) files.push(entry.name);
  assert.deepEqual(files.sort(), Object.keys(XENOVA_GPT4_FILES).sort(), "no README, no .gitattributes");
  assert.deepEqual(tok.tokenizer.encode("hello world"), [15339, 1917]);
});

Deno.test("encodeSample() renders and encodes chats exactly as Python (Jinja2 in transformers' environment + tokenizers)", async () => {
  await using s = await setup();
  const tok = await loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, hubUrl: s.hub.url });
  assert.ok(chats.length >= 14);
  for (const chat of chats) {
    const encoded = tok.encodeSample({ messages: chat.messages, reference: chat.messages[1]!.content });
    assert.equal(encoded.contextText, chat.text);
    assert.deepEqual(encoded.contextIds, chat.ids);
    assert.deepEqual(encoded.referenceIds, tok.tokenizer.encode(chat.messages[1]!.content));
  }
  const q = "What is 2 + 2?";
  const sample = tok.encodeSample({ messages: competitionMessages(q), reference: "<think>\n2 + 2 = 4\n</think>\n\n4" });
  assert.equal(
    sample.contextText,
    `<|im_start|>system\n${SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\n${q}<|im_end|>\n<|im_start|>assistant\n`,
  );
  assert.equal(sample.contextIds[0], 100264, "no BOS: the context starts with <|im_start|>");
  assert.deepEqual(sample.contextIds.slice(-3), [100264, 78191, 198], "ends with the generation prompt");
  assert.equal(tok.tokenizer.decode(sample.referenceIds), "<think>\n2 + 2 = 4\n</think>\n\n4");
});

Deno.test("encodeSample() never truncates: a 40,000-token reference keeps every token", async () => {
  await using s = await setup();
  const tok = await loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, hubUrl: s.hub.url });
  const reference = "word" + " word".repeat(39_999);
  const { referenceIds } = tok.encodeSample({ messages: competitionMessages("q"), reference });
  assert.equal(referenceIds.length, 40_000);
});

Deno.test("loadCompetitionTokenizer() offline reads the cache and never touches the network", async () => {
  await using s = await setup();
  const online = await loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, hubUrl: s.hub.url });
  const before = s.hub.requests.count();
  const offline = await loadCompetitionTokenizer("Xenova/gpt-4", {
    modelDir: s.modelDir,
    hubUrl: "http://127.0.0.1:9",
    offline: true,
    fetch: noNetwork,
  });
  assert.equal(s.hub.requests.count(), before);
  assert.equal(offline.commit, online.commit);
  assert.deepEqual(offline.tokenizer.encode("hello world"), [15339, 1917]);
});

Deno.test("loadCompetitionTokenizer() offline without a cached copy is 'unavailable', with a hint", async () => {
  await using s = await setup();
  const error = await rejectsWith(
    loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, offline: true, fetch: noNetwork }),
    "unavailable",
  );
  assert.match(error.message, /^Cannot get the competition tokenizer "Xenova\/gpt-4" at "main" offline: /);
  assert.match(error.hint ?? "", /--layout tokenizer/);
});

Deno.test("loadCompetitionTokenizer() falls back to the cached copy when the hub fails, else is 'unavailable'", async () => {
  await using s = await setup();
  const cached = await loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, hubUrl: s.hub.url });
  s.hub.faults.add({ type: "status", status: 503 });
  const fallback = await loadCompetitionTokenizer("Xenova/gpt-4", {
    modelDir: s.modelDir,
    hubUrl: s.hub.url,
    retry: FAST_RETRY,
  });
  assert.equal(fallback.commit, cached.commit);
  await rejectsWith(
    loadCompetitionTokenizer("Xenova/gpt-4", {
      modelDir: join(s.modelDir, "empty"),
      hubUrl: s.hub.url,
      retry: FAST_RETRY,
    }),
    "unavailable",
  );
});

Deno.test("loadCompetitionTokenizer() of a repository the hub lacks is 'unavailable', not a miner's error", async () => {
  await using s = await setup();
  await Deno.remove(join(s.root, "Xenova"), { recursive: true });
  await rejectsWith(
    loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, hubUrl: s.hub.url, retry: FAST_RETRY }),
    "unavailable",
  );
});

Deno.test("loadCompetitionTokenizer() of broken files is 'malformed'; a config without a template fails to encode", async () => {
  await using s = await setup();
  await Deno.writeTextFile(join(s.root, "Xenova/gpt-4/tokenizer.json"), "{not json");
  await rejectsWith(loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, hubUrl: s.hub.url }), "malformed");
  await publishXenovaGpt4(s.root);
  await Deno.writeTextFile(join(s.root, "Xenova/gpt-4/tokenizer_config.json"), "{}");
  const tok = await loadCompetitionTokenizer("Xenova/gpt-4", { modelDir: s.modelDir, hubUrl: s.hub.url });
  assert.throws(
    () => tok.encodeSample({ messages: competitionMessages("q"), reference: "a" }),
    (e: unknown) => e instanceof CompetitionTokenizerError && e.reason === "encode_failed",
  );
});

Deno.test("loadCompetitionTokenizer() rejects a repository id that is not namespace/name", async () => {
  await assert.rejects(loadCompetitionTokenizer("gpt-4", { modelDir: "/nonexistent" }), TypeError);
});
