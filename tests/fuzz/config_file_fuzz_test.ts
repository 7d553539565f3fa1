/**
 * Fuzzing config files (`src/config/_read_config_file.ts` through `parseConfig()`): JSON and YAML
 * documents whose keys are real flag names (dotted or nested, in task sections or not, with `-`/`_`
 * spelled either way) or random, and whose values have any shape; YAML's own features (anchors,
 * aliases, recursive aliases, tags, deep nesting); and random text. Parsing gives a frozen config, or a
 * {@linkcode ConfigError} naming the file, or the flag and the file the bad value came from.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify as toYaml } from "yaml";
import { ConfigError } from "../../src/errors/mod.ts";
import { ALL_COMMON_FLAGS, defineTask, parseConfig } from "../../src/config/mod.ts";
import { fuzzParameters, valueOrTypedErrorAsync } from "./fuzz.ts";

const spec = defineTask({
  name: "score",
  summary: "fuzzed task",
  usage: "deno task score [flags]",
  groups: ["validator", "wallet", "subnet", "logging", "hub"],
  flags: {
    model: { kind: "path", description: "Model directory" },
    "batch-tokens": { kind: "integer", description: "Token budget", default: 4096, min: 1, max: 1 << 20 },
    ratio: { kind: "number", description: "A ratio", min: 0, max: 1 },
    "dry-run": { kind: "boolean", description: "Do nothing" },
    device: { kind: "string", description: "Device", default: "auto", choices: ["auto", "cpu", "cuda"] },
    timeout: { kind: "duration", description: "Deadline", default: 720_000, min: 1 },
    tags: { kind: "list", description: "Tags" },
  },
});

const FLAG_NAMES = [...Object.keys(ALL_COMMON_FLAGS), ...Object.keys(spec.flags)];
const flagName = fc.constantFrom(...FLAG_NAMES).chain((name) =>
  fc.constantFrom(name, name.replaceAll("_", "-"), name.replaceAll("-", "_"), name.toUpperCase())
);
const key = fc.oneof(
  { weight: 4, arbitrary: flagName },
  fc.string({ maxLength: 8 }),
  fc.constantFrom("score", "fetch"),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("30", "250ms", "5m", "1h", "-1", "1e309", "0x10", "true", "off", "cpu", "~", "~/x", "", " ", "NaN"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(key, tie("value"), { maxKeys: 3 }),
  ),
})).value;
/** A mapping of flag names (dotted, nested under their prefixes, or in a task section) to values. */
const documentValue = fc.array(fc.tuple(key, value), { maxLength: 6 }).map((entries) => {
  const doc: Record<string, unknown> = {};
  for (const [name, v] of entries) {
    const parts = name.split(".");
    if (parts.length > 1 && name.length % 2 === 0) {
      // Nested: {wallet: {name: v}} instead of {"wallet.name": v}.
      let at = doc;
      for (const part of parts.slice(0, -1)) {
        at = (at[part] = typeof at[part] === "object" && at[part] !== null ? at[part] : {}) as Record<string, unknown>;
      }
      at[parts.at(-1)!] = v;
    } else {
      doc[name] = v;
    }
  }
  return doc;
});

const yamlOnly = fc.oneof(
  fc.constantFrom(
    "a: &x [*x]\n", // a recursive alias: a cyclic value
    "netuid: &x [*x]\n",
    "wallet.name: &x [*x]\n",
    "logging.debug: &x [*x]\n",
    "tags: &x [*x]\n",
    "validator: &v {device: *v}\n",
    "score: &s {score: *s}\n",
    "netuid: &n 3\nwallet:\n  name: *n\n",
    "%YAML 1.1\n---\nnetuid: !!binary aGVsbG8=\n",
    "%YAML 1.1\n---\nvalidator:\n  device: !!set {a, b}\n",
    "netuid: !!timestamp 2001-12-14\n",
    "wallet.name: !custom x\n",
    "? [a, b]\n: 1\n",
    "- 1\n- 2\n",
    "netuid: 3\nnetuid: 4\n",
    "x: *undefined_alias\n",
    "a: &a [*a, *a]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n",
  ),
  fc.integer({ min: 1, max: 3000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc.integer({ min: 1, max: 3000 }).map((depth) => `{"x":`.repeat(depth) + "1" + "}".repeat(depth)),
);

const file = fc.oneof(
  {
    weight: 3,
    arbitrary: documentValue.map((doc) => ({ path: "/etc/subvalid/config.json", text: JSON.stringify(doc) })),
  },
  { weight: 3, arbitrary: documentValue.map((doc) => ({ path: "/etc/subvalid/config.yaml", text: toYaml(doc) })) },
  { weight: 2, arbitrary: yamlOnly.map((text) => ({ path: "/etc/subvalid/config.yaml", text })) },
  yamlOnly.map((text) => ({ path: "/etc/subvalid/config.json", text })),
  fc.string({ maxLength: 60 }).map((text) => ({ path: "/etc/subvalid/config.yml", text })),
);

Deno.test("fuzz: parseConfig() with any JSON or YAML config file gives a config or a ConfigError naming the file or flag", async () => {
  let parsed = 0;
  await fc.assert(
    fc.asyncProperty(file, async ({ path, text }) => {
      const result = await valueOrTypedErrorAsync(
        () =>
          parseConfig(["--config", path], spec, {
            env: (name) => (name === "HOME" ? "/home/op" : undefined),
            cwd: "/work",
            projectRoot: "/srv/subvalid",
            readTextFile: () => Promise.resolve(text),
          }),
        [ConfigError],
      );
      if ("error" in result) {
        const message = result.error.message;
        assert.ok(
          message.includes(`"${path}"`) || /^Invalid value .* for "[\w.-]+" from/.test(message) ||
            /^Cannot expand "/.test(message) || /subtensor/.test(message),
          `The error names neither the file nor a flag: ${message}`,
        );
        return;
      }
      assert.equal(result.value.kind, "config");
      if (result.value.kind === "config") {
        assert.ok(Object.isFrozen(result.value.config));
        assert.equal(result.value.config.configFile, path);
      }
      parsed++;
    }),
    fuzzParameters(600),
  );
  assert.ok(parsed > 50, `only ${parsed} files parsed: the generator is too broken to be useful`);
});
