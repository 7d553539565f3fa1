/**
 * How tasks fail, run as `deno task <name>` runs them (the launcher, then the task under its own
 * permission set): an operator's mistake is exit 2 with an ERROR and a Hint line, never "a bug"
 * (exit 1); a denial is exit 3 naming the path and the set; --offline touches no chain and no hub;
 * a weights file naming a uid twice, a misspelt BT_* variable, an unreachable hub, a bad hub root
 * and a bench without its Python modules are each told plainly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import denoConfig from "../deno.json" with { type: "json" };
import { launchTask } from "../src/cli/mod.ts";
import { scoreInSubprocess, ScoringUnavailableError } from "../src/score/mod.ts";
import { ValidatorState } from "../src/state/mod.ts";
import { mapPool } from "../src/util/mod.ts";
import { TASKS } from "../tasks/specs/mod.ts";
import { copyDir } from "./hub_fixtures.ts";
import { type CliRun, ROOT, runCli, spawnCli } from "./task_cli.ts";

const FIXTURES = join(ROOT, "tests", "fixtures");
const MODEL = join(FIXTURES, "models", "tiny-gpt");
const SAMPLES = join(FIXTURES, "samples", "chat.jsonl");
const ERROR_LINE = /\| ERROR {3}\| \S/;

async function scratch(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "subvalid-errors-" });
  await Deno.writeTextFile(join(path, "bad.jsonl"), "{not json\n");
  await Deno.writeTextFile(join(path, "bad.json"), "{");
  await Deno.writeTextFile(join(path, "unknown-key.yaml"), "validator:\n  devise: cpu\n");
  await Deno.writeTextFile(join(path, "config.yaml"), "netuid: 37\nvalidator: { device: cpu }\n");
  await Deno.writeTextFile(join(path, "w.json"), JSON.stringify({ uids: [2, 3], weights: [1, 0.5] }));
  await Deno.writeTextFile(join(path, "dup.json"), JSON.stringify({ uids: [2, 3, 2], weights: [1, 0.5, 0.1] }));
  await Deno.mkdir(join(path, "empty"));
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function assertNotABug(run: CliRun, what: string): void {
  assert.notEqual(run.code, 1, `${what} exits 1 (a bug):\n${run.stderr}`);
  assert.notEqual(run.code, 0, `${what} should fail:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /bug in subvalid|Unexpected error|Uncaught|check crashed/, what);
  assert.match(run.stderr, ERROR_LINE, `${what} logs an ERROR line`);
}

Deno.test("operator mistakes are exit 2 with an ERROR line (never exit 1) for every task's error paths", async () => {
  await using t = await scratch();
  const d = t.path;
  const missing = join(d, "missing");
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const busyPort = String((busy.addr as Deno.NetAddr).port);
  // A state for deno task status to serve (on a taken port).
  (await ValidatorState.open(join(d, "state"), { netuid: 37 })).close();
  try {
    // Each task: its own mistakes, then three every task shares (parsed by the launcher, before the task).
    const own: Record<string, string[][]> = {
      "score": [[], ["--model", missing, "--samples", missing], ["--model", MODEL, "--samples", join(d, "bad.jsonl")], [
        "--model",
        MODEL,
        "--samples",
        SAMPLES,
        "--device",
        "tpu",
      ]],
      "eval": [[], ["--model", MODEL, "--block", "1", "--seed", "2"], [
        "--model",
        MODEL,
        "--set",
        "smoke",
        "--samples",
        SAMPLES,
      ], [
        "--model",
        missing,
        "--set",
        "smoke",
        "--in-process",
      ]],
      "fetch": [[], ["--model", "not a repo"], ["--model", "a/b", "--hash", "x"]],
      "gc": [[], ["--references", missing], ["--references", join(d, "bad.json")]],
      "weights": [
        [],
        ["--weights", missing, "--dry-run", "--offline"],
        ["--weights", join(d, "bad.json"), "--offline"],
        [
          "--weights",
          join(d, "w.json"),
          "--offline",
        ],
      ],
      "commit": [[], ["--model", "nope", "--revision", "r", "--hash", "h", "--competition", "4"]],
      "chain:read": [["--at", "yesterday"]],
      "validate": [["--validator.steps", "0"], ["--offline"], ["--validator.schedule", "mars"], [
        "--metrics.port",
        "70000",
      ]],
      "status": [["--validator.state_dir", missing], [
        "--status.port",
        busyPort,
        "--validator.state_dir",
        join(d, "state"),
      ]],
      "consensus": [["--uid", "-1"], ["--timeout", "0"]],
      "report": [["--step", "0"], ["--validator.state_dir", missing]],
      "data": [[], ["--block-hash", "0x12"], ["--competition", "12345", "--block-hash", `0x${"11".repeat(32)}`]],
      "hubsim": [[], ["--root", missing], ["--root", join(d, "empty")], ["--root", FIXTURES, "--faults", "{bad"], [
        "--root",
        join(ROOT, "tests", "testdata", "hub", "repos"),
        "--port",
        busyPort,
      ]],
      "devnet": [["--port", busyPort], ["--miners", "-1"]],
      "demo": [["--validator.device", "tpu"]],
      "bench": [["--python", missing]],
      "bench:tokenize": [["--rounds", "0"]],
      "setup:cuda": [["--offline"]],
      "doctor": [["--validator.device", "gpu"]],
    };
    assert.deepEqual(Object.keys(own).sort(), Object.keys(TASKS).sort(), "every task is probed");
    // Mistakes every task shares are found by the launcher before the task starts: the same code for all.
    const shared = [["--no-such-flag"], ["--netuid", "x"], ["--config", join(d, "unknown-key.yaml")], [
      "--config",
      missing,
    ]];
    for (const [name, task] of Object.entries(TASKS)) {
      for (const args of shared) {
        let stderr = "";
        const code = await launchTask(task, args, { stderr: (text: string) => stderr += text, env: () => undefined });
        assertNotABug({ code, stdout: "", stderr }, `deno task ${name} ${args.join(" ")}`);
        assert.equal(code, 2, stderr);
      }
    }
    const cases = Object.entries(own).flatMap(([task, list]) => list.map((args) => ({ task, args })));
    const runs = await mapPool(cases, 4, async ({ task, args }) => ({
      task,
      args,
      run: await runCli(task, args, { timeoutMs: 60_000 }),
    }));
    for (const { task, args, run } of runs) {
      const what = `deno task ${task} ${args.join(" ")}`;
      assertNotABug(run, what);
      assert.equal(run.code, 2, `${what} is a usage error:\n${run.stderr}`);
    }
    const byArgs = (task: string, first: string) => runs.find((r) => r.task === task && r.args[0] === first)!.run;
    assert.match(
      byArgs("devnet", "--port").stderr,
      new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${busyPort}: the port`),
    );
    assert.match(
      byArgs("status", "--status.port").stderr,
      new RegExp(`Cannot serve the status page on 127\\.0\\.0\\.1:${busyPort}`),
    );
    assert.match(
      runs.find((r) => r.task === "score" && r.args.includes("tpu"))!.run.stderr,
      /Invalid value "tpu" for "device" from flag --device: expected auto, cpu, cuda or cuda:N/,
    );
    assert.match(
      runs.find((r) => r.task === "hubsim" && r.args.includes(join(d, "empty")))!.run.stderr,
      /Cannot serve ".*empty": it holds no repositories/,
    );
  } finally {
    busy.close();
  }
});

Deno.test("the runnables throw only domain errors (exit codes from the README table), never TypeError or Error", async () => {
  const files = [join(ROOT, "main.ts"), ...Object.values(TASKS).map((task) => join(ROOT, task.module))];
  for (const file of new Set(files)) {
    const text = await Deno.readTextFile(file);
    const raw = [...text.matchAll(/throw new (TypeError|RangeError|SyntaxError|Error)\(/g)].map((m) => m[1]);
    assert.deepEqual(raw, [], `${file} throws a plain error: an operator would see "a bug in subvalid"`);
  }
});

Deno.test("a denial is exit 3 naming the path and the permission set, never a miner's Infinity or a misleading hint", async () => {
  await using t = await scratch();
  const model = join(t.path, "model");
  await copyDir(MODEL, model);
  await Deno.copyFile(SAMPLES, join(t.path, "s.jsonl"));
  // The tasks' modules under their own sets without the launcher's widening: nothing outside the project.
  const direct = async (set: string, script: string, args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", `-P=${set}`, "--no-prompt", script, ...args],
      cwd: ROOT,
      env: { NO_COLOR: "1", ORT_DISABLE_TELEMETRY: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  const [scoreModel, scoreSamples, doctor] = await Promise.all([
    direct("score", "tasks/score.ts", ["--model", model, "--samples", SAMPLES, "--device", "cpu"]),
    direct("score", "tasks/score.ts", ["--model", MODEL, "--samples", join(t.path, "s.jsonl"), "--device", "cpu"]),
    direct("doctor", "tasks/doctor.ts", ["--offline", "--wallet.path", join(t.path, "wallets"), "--json"]),
  ]);
  assert.equal(scoreModel.code, 3, scoreModel.stderr);
  assert.match(
    scoreModel.stderr,
    new RegExp(`ERROR +\\| .*read access to "${model}[^"]*" is not granted by the "score" permission set`),
  );
  assert.doesNotMatch(scoreModel.stderr + scoreModel.stdout, /Infinity|--allow-read/);
  assert.equal(scoreSamples.code, 3, scoreSamples.stderr);
  assert.match(scoreSamples.stderr, /read access to ".*s\.jsonl" is not granted by the "score" permission set/);
  assert.doesNotMatch(scoreSamples.stderr, /Pass a JSON Lines file/);
  assert.equal(doctor.code, 3, doctor.stderr);
  const wallet = (JSON.parse(doctor.stdout) as { name: string; detail: string; denied?: boolean }[])
    .find((c) => c.name === "wallet")!;
  assert.equal(wallet.denied, true);
  assert.match(wallet.detail, /read access to ".*wallets[^"]*" is not granted by the "doctor" permission set/);
  assert.doesNotMatch(doctor.stdout, /check crashed|report this/);

  // A scoring worker denied its model is the validator's failure (exit 3 for score, eval and epoch), naming the set.
  await assert.rejects(
    scoreInSubprocess(model, SAMPLES, { device: "cpu", denoArgs: [`--deny-read=${model}`] }),
    (error: ScoringUnavailableError) => {
      assert.ok(error instanceof ScoringUnavailableError);
      assert.equal(error.exitCode, 3);
      assert.match(error.message, /is not granted by the "score" permission set/);
      return true;
    },
  );
});

Deno.test("--offline touches no chain and no hub (with a YAML config), and the loopback-only sets reach nothing else", async () => {
  await using t = await scratch();
  // A tripwire where the chain and the hub would be: no task may connect to it.
  const tripwire = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (tripwire.addr as Deno.NetAddr).port;
  let connections = 0;
  const accepting = (async () => {
    for await (const conn of tripwire) {
      connections++;
      conn.close();
    }
  })();
  try {
    const remote = ["--subtensor.chain_endpoint", `ws://127.0.0.1:${port}`, "--hub.url", `http://127.0.0.1:${port}`];
    const env = { HF_ENDPOINT: `http://127.0.0.1:${port}`, HF_HOME: join(t.path, "hf") };
    const cases: [string, string[], number[]][] = [
      ["validate", [], [2]],
      ["chain:read", [], [2]],
      ["commit", ["--model", "a/b", "--revision", "r", "--hash", "h", "--competition", "4"], [2]],
      ["weights", ["--weights", join(t.path, "w.json"), "--dry-run"], [0]],
      ["fetch", ["--model", "acme/tiny-onnx"], [7]],
      ["doctor", ["--json"], [0, 9]],
      ["gc", ["--none-referenced", "--dry-run"], [0]],
      ["eval", ["--model", MODEL, "--set", "smoke", "--json"], [0]],
      ["setup:cuda", ["--registry", `http://127.0.0.1:${port}`], [2]],
    ];
    // With a YAML config too: it is read under each task's own set.
    const yaml = ["--config", join(t.path, "config.yaml")];
    const runs = await mapPool(
      cases,
      3,
      ([task, args]) => runCli(task, ["--offline", ...yaml, ...remote, ...args], { env }),
    );
    runs.forEach((run, i) => {
      const [task, args, codes] = cases[i]!;
      assert.ok(codes.includes(run.code), `deno task ${task} --offline ${args.join(" ")}: ${run.code}\n${run.stderr}`);
      assert.doesNotMatch(run.stderr, /bug in subvalid/);
    });
    assert.match(runs[0]!.stderr, /Cannot set weights --offline/);
    assert.match(runs[4]!.stderr, /not_cached|not in the cache|not \(completely\) in the cache|cache/i);
    const doctor = JSON.parse(runs[5]!.stdout) as { name: string; status: string }[];
    for (const name of ["hub", "chain", "weights"]) {
      assert.equal(doctor.find((c) => c.name === name)?.status, "skip", `doctor skips ${name} offline`);
    }
    assert.equal(connections, 0, "nothing connected to the chain or the hub");
  } finally {
    tripwire.close();
    await accepting.catch(() => {});
  }
  const sets = denoConfig.permissions as Record<string, { net?: unknown }>;
  for (const set of ["demo", "devnet", "hubsim"]) {
    assert.deepEqual(sets[set]!.net, ["127.0.0.1", "localhost"], `the ${set} set reaches the loopback only`);
  }
  for (const set of ["score", "gc", "bench"]) assert.ok(!sets[set]!.net, `the ${set} set has no network`);
});

Deno.test("weights names a uid given twice, a misspelt BT_* variable is warned about, fetch says why the hub is unreachable", async () => {
  await using t = await scratch();
  const port = closedPort();
  const [duplicate, unreachable] = await Promise.all([
    runCli("weights", ["--weights", join(t.path, "dup.json"), "--dry-run", "--offline", "--json"], {
      env: { BT_WALLET_NMAE: "validator", BT_NETUID: "37" },
    }),
    runCli("fetch", ["--model", "acme/tiny-onnx", "--hub.url", `http://127.0.0.1:${port}`], {
      env: { HF_HOME: join(t.path, "hf") },
    }),
  ]);
  assert.equal(duplicate.code, 2, duplicate.stderr);
  assert.equal(duplicate.stdout, "", "no table or JSON for a refused file");
  assert.match(
    duplicate.stderr,
    /ERROR +\| Cannot read weights file ".*dup\.json": uid 2 appears twice \(uids\[0\] and uids\[2\]\)/,
  );
  assert.match(
    duplicate.stderr,
    /WARNING \| Unknown environment variable "BT_WALLET_NMAE": did you mean "BT_WALLET_NAME"\?/,
  );
  assert.doesNotMatch(duplicate.stderr, /BT_NETUID/);

  assert.equal(unreachable.code, 7, unreachable.stderr);
  assert.match(
    unreachable.stderr,
    new RegExp(`ERROR +\\| .*"127\\.0\\.0\\.1:${port}" refused the connection \\(nothing listens on that port\\)`),
  );
  assert.match(unreachable.stderr, /Hint: Check the network, DNS and --hub\.url.*deno task doctor/);
  assert.doesNotMatch(unreachable.stderr, /ERROR.*fetch failed/);
});

Deno.test("hubsim's --help example serves the fixtures, and SIGTERM through the launcher stops it with 0", async () => {
  const help = await runCli("hubsim", ["--help"]);
  const example = help.stdout.split("\n").find((line) => line.trim().startsWith("deno task hubsim --root"))!;
  const root = example.trim().split(/\s+/)[4]!;
  await using hub = spawnCli("hubsim", ["--root", root, "--port", "0", "--json"]);
  const ready = JSON.parse(await hub.firstLine);
  assert.ok(ready.models.includes("acme/tiny-onnx"), JSON.stringify(ready));
  const info = await fetch(`${ready.url}/api/models/acme/tiny-onnx/revision/main?blobs=true`);
  assert.equal(info.status, 200);
  await info.body?.cancel();
  // SIGTERM (systemd's stop) reaches the hub through the launcher: a clean stop, exit 0.
  hub.kill("SIGTERM");
  const stopped = await hub.done();
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /Local hub stopped/);
});

Deno.test("bench checks its Python side first and says what to install", async () => {
  await using t = await scratch();
  // A Python whose check finds jinja2 missing (as on a fresh Debian with python3-torch only).
  const python = join(t.path, "python3");
  await Deno.writeTextFile(python, `#!/bin/sh\necho '{"python": "3.11.2", "missing": ["jinja2"]}'\n`);
  await Deno.chmod(python, 0o755);
  const run = await runCli("bench", ["--config", join(t.path, "config.yaml"), "--python", python, "--rounds", "1"]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /ERROR +\| Cannot run the PyTorch baseline: Python 3\.11\.2 at ".*python3" lacks the modules jinja2/,
  );
  assert.match(run.stderr, /Hint: apt-get install python3-jinja2 libopenblas0-pthread/);
  assert.doesNotMatch(run.stderr, /Generating the bench model/);
});

Deno.test("the bench's check reports this Python's modules and, with PyTorch, its BLAS and threads", () => {
  const python = ["/usr/bin/python3", "python3"].find((p) => {
    try {
      return new Deno.Command(p, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;
    } catch {
      return false;
    }
  });
  if (python === undefined) return; // no Python here: the check above covers the Deno side
  const out = new Deno.Command(python, {
    args: [join(ROOT, "tasks", "bench", "check_baseline.py")],
    env: { OPENBLAS_NUM_THREADS: "2" },
    stdout: "piped",
  }).outputSync();
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  for (const module of ["torch", "numpy", "onnx", "jinja2"]) {
    const found: boolean = new Deno.Command(python, {
      args: ["-c", `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("${module}") else 1)`],
    }).outputSync().success;
    assert.equal(report.missing.includes(module), !found, module);
  }
  if (!report.missing.includes("torch")) {
    assert.ok(report.blasLibraries.length > 0, "the BLAS PyTorch loaded is named");
    assert.equal(typeof report.torchThreads, "number");
  }
});
