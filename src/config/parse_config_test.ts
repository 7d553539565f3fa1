import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import { defineTask, parseConfig, type ParseConfigOptions, parseDuration } from "./mod.ts";

const spec = defineTask({
  name: "score",
  summary: "test task",
  usage: "deno task score [flags]",
  groups: ["validator"],
  flags: {
    model: { kind: "path", description: "Model directory" },
    "batch-tokens": { kind: "integer", description: "Token budget", default: 4096, min: 1 },
    "dry-run": { kind: "boolean", description: "Do nothing" },
    device: { kind: "string", description: "Device", default: "auto", choices: ["auto", "cpu", "cuda"] },
    timeout: { kind: "duration", description: "Deadline", default: 720_000 },
    tags: { kind: "list", description: "Tags" },
  },
});

function options(env: Record<string, string> = {}, files: Record<string, string> = {}): ParseConfigOptions {
  return {
    env: (name) => ({ HOME: "/home/op", ...env })[name],
    cwd: "/work/here",
    projectRoot: "/srv/subvalid",
    readTextFile: (path) => {
      const text = files[path];
      return text === undefined
        ? Promise.reject(new Deno.errors.NotFound(`No such file: ${path}`))
        : Promise.resolve(text);
    },
  };
}

async function parse(args: string[], opts = options()) {
  const result = await parseConfig(args, spec, opts);
  assert.equal(result.kind, "config");
  return (result as Extract<typeof result, { kind: "config" }>).config;
}

Deno.test("parseConfig() gives bittensor defaults with no input", async () => {
  const config = await parse([]);
  assert.equal(config.netuid, 37);
  assert.deepEqual(config.wallet, { name: "default", hotkey: "default", path: "/home/op/.bittensor/wallets" });
  assert.deepEqual(config.subtensor, { network: "finney", chainEndpoint: "wss://entrypoint-finney.opentensor.ai:443" });
  assert.equal(config.logging.level, "info");
  assert.equal(config.logging.loggingDir, "/srv/subvalid/logs");
  assert.equal(config.validator.modelDir, "/srv/subvalid/.cache/huggingface/hub");
  assert.equal(config.validator.cacheDir, "/srv/subvalid/.cache/huggingface/subvalid-score");
  assert.equal(config.validator.versionKey, 3010);
  assert.equal(config.validator.scoreTimeoutMs, 720_000);
  assert.equal(config.hub.url, "https://huggingface.co");
  assert.equal(config.flags["batch-tokens"], 4096);
  assert.equal(config.flags["dry-run"], false);
  assert.equal(config.flags.model, undefined);
  assert.equal(config.sources.netuid, "default");
});

Deno.test("parseConfig() applies defaults < env < config file < flags", async () => {
  const file = "/etc/subvalid.yaml";
  const yaml = "wallet:\n  name: from-file\n  hotkey: hk-file\nnetuid: 11\nsubtensor:\n  network: test\n";
  const opts = options(
    { BT_WALLET_NAME: "from-env", BT_WALLET_HOTKEY: "hk-env", BT_NETUID: "5", BT_SUBTENSOR_NETWORK: "local" },
    { [file]: yaml },
  );
  const envOnly = await parse([], opts);
  assert.equal(envOnly.wallet.name, "from-env");
  assert.equal(envOnly.netuid, 5);
  assert.equal(envOnly.sources["wallet.name"], "env");
  assert.equal(envOnly.subtensor.network, "local");

  const withFile = await parse(["--config", file], opts);
  assert.equal(withFile.wallet.name, "from-file");
  assert.equal(withFile.wallet.hotkey, "hk-file");
  assert.equal(withFile.netuid, 11);
  assert.equal(withFile.subtensor.network, "test");
  assert.equal(withFile.sources.netuid, "file");
  assert.equal(withFile.configFile, file);

  const withFlags = await parse(["--config", file, "--wallet.name", "from-flag", "--netuid=2"], opts);
  assert.equal(withFlags.wallet.name, "from-flag");
  assert.equal(withFlags.wallet.hotkey, "hk-file");
  assert.equal(withFlags.netuid, 2);
  assert.equal(withFlags.sources["wallet.name"], "flag");
});

Deno.test("parseConfig() reads JSON config files with a section for the task", async () => {
  const file = "/etc/v.json";
  const json = JSON.stringify({
    "wallet.name": "dotted",
    validator: { batch_tokens: 999 },
    score: { "batch-tokens": 123, device: "cpu" },
    weights: { "dry-run": true, anything: 1 },
  });
  const config = await parse(["--config", file], options({}, { [file]: json }));
  assert.equal(config.wallet.name, "dotted");
  assert.equal(config.validator.batchTokens, 999);
  assert.equal(config.flags["batch-tokens"], 123);
  assert.equal(config.flags.device, "cpu");
  assert.equal(config.flags["dry-run"], false, "other tasks' sections are ignored");
});

Deno.test("parseConfig() rejects an unknown flag, naming the closest known flag", async () => {
  await assert.rejects(
    parseConfig(["--wallet.nmae", "x"], spec, options()),
    (error: unknown) => error instanceof ConfigError && /"--wallet.nmae".*"--wallet.name"/.test(error.message),
  );
  await assert.rejects(
    parseConfig(["--batch-token", "5"], spec, options()),
    (error: unknown) => error instanceof ConfigError && error.message.includes(`"--batch-tokens"`),
  );
  await assert.rejects(
    parseConfig(["--zzzzzzzzzz"], spec, options()),
    (error: unknown) => error instanceof ConfigError && !error.message.includes("did you mean"),
  );
});

Deno.test("parseConfig() rejects bad values with the flag, the value and where it came from", async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--netuid", "abc"], {}, /Invalid value "abc" for "netuid" from flag --netuid: expected a number/],
    [["--netuid", "70000"], {}, /must be at most 65535/],
    [["--batch-tokens", "1.5"], {}, /expected an integer/],
    [["--batch-tokens", "0"], {}, /must be at least 1/],
    [["--device", "cdua"], {}, /expected one of auto, cpu, cuda \(did you mean "cuda"\?\)/],
    [["--timeout", "soon"], {}, /expected a duration/],
    [[], { BT_NETUID: "x" }, /from environment variable BT_NETUID/],
    [["--dry-run=maybe"], {}, /expected true or false/],
    [["--subtensor.network", "mainnet"], {}, /Cannot resolve network "mainnet"/],
    [["--subtensor.chain_endpoint", "http://x:9944"], {}, /must be a ws:\/\/ or wss:\/\/ URL/],
    [["--model"], {}, /needs a value/],
    [["stray"], {}, /unexpected argument "stray"/],
  ];
  for (const [args, env, pattern] of cases) {
    await assert.rejects(parseConfig(args, spec, options(env)), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `${args.join(" ")}: ${error}`);
      assert.match(error.message, pattern);
      return true;
    });
  }
});

Deno.test("parseConfig() rejects unreadable, malformed and unknown-key config files", async () => {
  await assert.rejects(
    parseConfig(["--config", "/nope.yaml"], spec, options()),
    /Cannot read config file "\/nope.yaml"/,
  );
  const files = {
    "/bad.yaml": "wallet: [unclosed",
    "/bad.json": "{ nope",
    "/list.yaml": "- 1\n- 2\n",
    "/typo.yaml": "walet:\n  name: x\n",
    "/badvalue.yaml": "netuid: many\n",
  };
  await assert.rejects(parseConfig(["--config", "/bad.yaml"], spec, options({}, files)), /Cannot parse config file/);
  await assert.rejects(parseConfig(["--config", "/bad.json"], spec, options({}, files)), /Cannot parse config file/);
  await assert.rejects(
    parseConfig(["--config", "/list.yaml"], spec, options({}, files)),
    /top level must be a mapping/,
  );
  await assert.rejects(
    parseConfig(["--config", "/typo.yaml"], spec, options({}, files)),
    /Unknown key "walet.name" in config file "\/typo.yaml": did you mean "wallet.name"\?/,
  );
  await assert.rejects(
    parseConfig(["--config", "/badvalue.yaml"], spec, options({}, files)),
    /Invalid value "many" for "netuid" from config file "\/badvalue.yaml"/,
  );
});

Deno.test("parseConfig() accepts - and _ interchangeably, --no-x, lists and durations", async () => {
  const config = await parse([
    "--batch_tokens",
    "8",
    "--logging.record-log",
    "--no-dry-run",
    "--tags",
    "a,b",
    "--tags=c",
    "--timeout",
    "90s",
    "--validator.score-timeout",
    "1.5m",
    "--logging.debug",
  ]);
  assert.equal(config.flags["batch-tokens"], 8);
  assert.equal(config.logging.recordLog, true);
  assert.equal(config.flags["dry-run"], false);
  assert.deepEqual(config.flags.tags, ["a", "b", "c"]);
  assert.equal(config.flags.timeout, 90_000);
  assert.equal(config.validator.scoreTimeoutMs, 90_000);
  assert.equal(config.logging.level, "debug");
  assert.equal((await parse(["--logging.debug", "--logging.trace"])).logging.level, "trace");
});

Deno.test("parseConfig() resolves paths against the caller's directory, the file's directory and HOME", async () => {
  const file = "/etc/sub/v.yaml";
  const config = await parse(
    ["--model", "models/m1", "--config", file],
    options({}, { [file]: "wallet:\n  path: ./wallets\nlogging:\n  logging_dir: ~/logs\n" }),
  );
  assert.equal(config.flags.model, "/work/here/models/m1");
  assert.equal(config.wallet.path, "/etc/sub/wallets");
  assert.equal(config.logging.loggingDir, "/home/op/logs");
});

Deno.test("parseConfig() takes the model cache from HF_HUB_CACHE or HF_HOME and the hub from HF_ENDPOINT", async () => {
  assert.equal((await parse([], options({ HF_HOME: "/data/hf" }))).validator.modelDir, "/data/hf/hub");
  const config = await parse(
    [],
    options({ HF_HOME: "/data/hf", HF_HUB_CACHE: "/fast/hub", HF_ENDPOINT: "http://127.0.0.1:9/" }),
  );
  assert.equal(config.validator.modelDir, "/fast/hub");
  assert.equal(config.validator.cacheDir, join("/fast", "subvalid-score"));
  assert.equal(config.hub.url, "http://127.0.0.1:9");
  assert.equal((await parse([], options({ HF_HUB_OFFLINE: "1", HF_TOKEN: "t" }))).hub.offline, true);
  assert.equal((await parse([], options({ HF_TOKEN: "t" }))).hub.token, "t");
  assert.equal((await parse(["--offline"])).hub.offline, true);
});

Deno.test("parseConfig() maps networks to endpoints and known endpoints back to names", async () => {
  assert.equal((await parse(["--subtensor.network", "local"])).subtensor.chainEndpoint, "ws://127.0.0.1:9944");
  const byUrl = await parse(["--subtensor.network", "wss://test.finney.opentensor.ai"]);
  assert.equal(byUrl.subtensor.network, "test");
  const custom = await parse(["--subtensor.chain_endpoint", "ws://10.0.0.5:9944"]);
  assert.deepEqual(custom.subtensor, { network: "custom", chainEndpoint: "ws://10.0.0.5:9944" });
});

Deno.test("parseConfig() returns a deeply frozen config", async () => {
  const config = await parse([]);
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.wallet));
  assert.ok(Object.isFrozen(config.flags));
  assert.throws(() => {
    (config.wallet as { name: string }).name = "x";
  }, TypeError);
});

Deno.test("parseConfig() reports --help, -h and --version instead of a config", async () => {
  assert.equal((await parseConfig(["--help"], spec, options())).kind, "help");
  assert.equal((await parseConfig(["-h"], spec, options())).kind, "help");
  assert.equal((await parseConfig(["--version"], spec, options())).kind, "version");
});

Deno.test("parseDuration() reads seconds and unit suffixes", () => {
  assert.equal(parseDuration("30"), 30_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("1h"), 3_600_000);
  assert.equal(parseDuration(2), 2000);
  assert.equal(parseDuration("-1"), undefined);
  assert.equal(parseDuration("1d"), undefined);
});

Deno.test("parseConfig() refuses nested and self-containing YAML with a ConfigError naming the file (found by fuzzing)", async () => {
  const files = {
    "/deep.json": `${'{"x":'.repeat(5000)}1${"}".repeat(5000)}`,
    "/cycle.yaml": "wallet: &w\n  more: *w\n",
    "/value.yaml": "netuid: &x [*x]\n",
    "/endpoint.yaml": "subtensor:\n  chain_endpoint: http://node:9944\n",
  };
  // A stack overflow (RangeError) and a JSON.stringify TypeError escaped before.
  await assert.rejects(
    parseConfig(["--config", "/deep.json"], spec, options({}, files)),
    (e: unknown) =>
      e instanceof ConfigError && /^Unknown key "x(\.x){0,3}" in config file "\/deep\.json"/.test(e.message),
  );
  await assert.rejects(
    parseConfig(["--config", "/cycle.yaml"], spec, options({}, files)),
    (e: unknown) => e instanceof ConfigError && /Unknown key "wallet(\.more){1,3}" in config file/.test(e.message),
  );
  await assert.rejects(
    parseConfig(["--config", "/value.yaml"], spec, options({}, files)),
    (e: unknown) =>
      e instanceof ConfigError &&
      /^Invalid value \[a list that contains itself\] for "netuid" from config file "\/value\.yaml"/.test(e.message),
  );
  // The endpoint's error says where the endpoint came from.
  await assert.rejects(
    parseConfig(["--config", "/endpoint.yaml"], spec, options({}, files)),
    (e: unknown) =>
      e instanceof ConfigError &&
      /must be a ws:\/\/ or wss:\/\/ URL \("subtensor\.chain_endpoint" from config file "\/endpoint\.yaml"/.test(
        e.message,
      ),
  );
});
