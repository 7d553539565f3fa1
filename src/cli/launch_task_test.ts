import assert from "node:assert/strict";
import { join } from "node:path";
import { defineTask, parseConfig, PROJECT_ROOT } from "../config/mod.ts";
import { launchArgs, runAccess } from "./launch_task.ts";

const spec = defineTask({
  name: "score",
  summary: "",
  usage: "",
  groups: ["validator", "logging"],
  flags: { model: { kind: "path", description: "" } },
  access: (config) => ({ read: [config.flags.model], write: [config.validator.cacheDir] }),
});

async function configOf(args: string[]) {
  const parsed = await parseConfig(args, spec, {
    env: () => undefined,
    cwd: "/work",
    readTextFile: () => Promise.resolve("{}"),
  });
  assert.equal(parsed.kind, "config");
  return parsed.kind === "config" ? parsed.config : undefined!;
}

Deno.test("runAccess() adds the config file and, with --logging.record_log, the logging directory to the spec's", async () => {
  const plain = runAccess(spec, await configOf(["--model", "m"]));
  assert.deepEqual(plain.read, ["/work/m", undefined]);
  assert.deepEqual(plain.write?.at(-1), undefined);
  const full = runAccess(
    spec,
    await configOf(["--model", "/m", "--config", "c.json", "--logging.record_log", "--logging.logging_dir", "/logs"]),
  );
  assert.deepEqual(full.read, ["/m", "/work/c.json"]);
  assert.deepEqual(full.write?.at(-1), "/logs");
});

Deno.test("launchArgs() starts the module quietly under its set, without prompts, widened by exactly the access", () => {
  const target = { spec, module: "tasks/score.ts" };
  assert.deepEqual(
    launchArgs(target, ["--model", "/m"], {
      read: ["/m"],
      write: [join(PROJECT_ROOT, ".cache", "huggingface", "subvalid-score")],
    }),
    [
      "run",
      "-q",
      "-P=score",
      "--no-prompt",
      "--config",
      join(PROJECT_ROOT, "deno.json"),
      `--allow-read=${PROJECT_ROOT},/m`,
      join(PROJECT_ROOT, "tasks", "score.ts"),
      "--model",
      "/m",
    ],
  );
});
