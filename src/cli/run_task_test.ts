import assert from "node:assert/strict";
import { defineTask } from "../config/mod.ts";
import { ConfigError, ExitCode, SubvalidError } from "../errors/mod.ts";
import { runTask, type RunTaskOptions } from "./run_task.ts";
import { VERSION } from "./version.ts";

const spec = defineTask({
  name: "sample",
  summary: "A sample task",
  usage: "deno task sample [flags]",
  groups: ["wallet"],
  flags: { count: { kind: "integer", description: "How many", default: 1 } },
  examples: ["deno task sample --count 3"],
});

class TooFewError extends SubvalidError {
  override readonly exitCode = ExitCode.Weights;
}

function capture(): RunTaskOptions & { out: string[]; err: string[]; logs: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const logs: string[] = [];
  return {
    out,
    err,
    logs,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    logLine: (l) => logs.push(l),
    signals: false,
    env: () => undefined,
  };
}

Deno.test("runTask() prints usage with the version for --help and exits 0", async () => {
  const io = capture();
  const code = await runTask(spec, ["--help"], () => Promise.reject(new Error("not run")), io);
  assert.equal(code, 0);
  const text = io.out.join("");
  assert.match(text, new RegExp(`^subvalid ${VERSION.replaceAll(".", "\\.")} · sample: A sample task`));
  assert.match(text, /Usage: deno task sample \[flags\]/);
  assert.match(text, /--count <n> +How many \(default: 1\)/);
  assert.match(
    text,
    /--wallet\.hotkey <text> +Hotkey name inside the wallet \(default: default; env: BT_WALLET_HOTKEY\)/,
  );
  assert.match(text, /Examples:\n {2}deno task sample --count 3/);
});

Deno.test("runTask() prints the version for --version", async () => {
  const io = capture();
  assert.equal(await runTask(spec, ["--version"], () => Promise.resolve(), io), 0);
  assert.deepEqual(io.out, [`subvalid ${VERSION}`]);
});

Deno.test("runTask() exits 2 with the error and a hint on a bad flag", async () => {
  const io = capture();
  const code = await runTask(spec, ["--cuont", "3"], () => Promise.resolve(), io);
  assert.equal(code, ExitCode.Usage);
  assert.match(
    io.err.join(""),
    /^\S+ \S+ \| ERROR {3}\| Unknown flag "--cuont": did you mean "--count"\?\n\S+ \S+ \| INFO {4}\| Hint: Run "deno task sample --help"/,
  );
});

Deno.test("runTask() passes the typed config and returns the body's exit code", async () => {
  const io = capture();
  let seen = 0;
  const code = await runTask(spec, ["--count", "4"], (config) => {
    seen = config.flags.count;
    return Promise.resolve(7);
  }, io);
  assert.equal(seen, 4);
  assert.equal(code, 7);
});

Deno.test("runTask() turns domain errors into their exit code with the hint logged", async () => {
  const io = capture();
  const code = await runTask(spec, [], () => {
    throw new TooFewError("Cannot set weights: 2 uids, the subnet needs 8", { hint: "Score more models" });
  }, io);
  assert.equal(code, ExitCode.Weights);
  assert.match(io.logs[0]!, /\| ERROR {3}\| Cannot set weights: 2 uids, the subnet needs 8$/);
  assert.match(io.logs[1]!, /\| INFO {4}\| Hint: Score more models$/);
});

Deno.test("runTask() maps permission denials to exit 3 and unknown errors to exit 1", async () => {
  const io = capture();
  const denied = await runTask(spec, [], () => {
    throw new Deno.errors.NotCapable('Requires net access to "example.com:443"');
  }, io);
  assert.equal(denied, ExitCode.Permission);
  assert.match(
    io.logs.join("\n"),
    /ERROR +\| Not permitted: net access to "example\.com:443" is not granted by the "sample" permission set/,
  );
  const crashed = await runTask(spec, [], () => Promise.reject(new TypeError("x is undefined")), io);
  assert.equal(crashed, ExitCode.Internal);
  assert.match(io.logs.join("\n"), /Unexpected error: x is undefined/);
  const usage = await runTask(spec, [], () => Promise.reject(new ConfigError("Bad")), io);
  assert.equal(usage, ExitCode.Usage);
});

Deno.test("runTask() reports a denial wrapped in a domain error as exit 3 with the wrapper's context", async () => {
  const io = capture();
  const denial = new Deno.errors.NotCapable(
    'Requires read access to "/data/s.jsonl", run again with the --allow-read flag',
  );
  const code = await runTask(spec, [], () => {
    throw new ConfigError(`Cannot read samples "/data/s.jsonl": ${denial.message}`, { cause: denial, hint: "wrong" });
  }, io);
  assert.equal(code, ExitCode.Permission);
  const text = io.logs.join("\n");
  assert.match(
    text,
    /ERROR +\| Cannot read samples "\/data\/s\.jsonl": read access to "\/data\/s\.jsonl" is not granted by the "sample" permission set/,
  );
  assert.doesNotMatch(text, /wrong|--allow-read/);
});
