import assert from "node:assert/strict";
import { join } from "node:path";
import { getLog } from "./logger.ts";
import { setupLogging } from "./setup_logging.ts";

Deno.test("setupLogging() filters by level and writes literal messages with fields", async () => {
  const lines: string[] = [];
  {
    await using _logging = await setupLogging({ level: "debug", writeLine: (line) => lines.push(line) });
    const log = getLog("test");
    log.trace("hidden");
    log.debug("shown {not a placeholder}", { uid: 1 });
    log.success("Weights set", { block: 7 });
    log.with({ hotkey: "5F" }).warn("Slow");
  }
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /\| DEBUG {3}\| shown \{not a placeholder\} uid=1$/);
  assert.match(lines[1]!, /\| SUCCESS \| Weights set block=7$/);
  assert.match(lines[2]!, /\| WARNING \| Slow hotkey=5F$/);
  getLog("test").error("after dispose: dropped");
  assert.equal(lines.length, 3);
});

Deno.test("setupLogging() switches to JSON lines", async () => {
  const lines: string[] = [];
  {
    await using _logging = await setupLogging({ json: true, writeLine: (line) => lines.push(line) });
    getLog("chain").info("Connected", { endpoint: "ws://x" });
  }
  assert.deepEqual(
    { ...JSON.parse(lines[0]!), time: undefined },
    { time: undefined, level: "INFO", category: "subvalid.chain", message: "Connected", endpoint: "ws://x" },
  );
});

Deno.test("setupLogging() with recordLog writes the file named after the task", async () => {
  const dir = await Deno.makeTempDir();
  try {
    {
      await using _logging = await setupLogging({
        recordLog: true,
        loggingDir: join(dir, "logs"),
        task: "weights",
        writeLine: () => {},
      });
      getLog("weights").info("line one");
      getLog("weights").error("line two");
    }
    const text = await Deno.readTextFile(join(dir, "logs", "subvalid-weights.log"));
    assert.match(text, /\| INFO {4}\| line one\n.*\| ERROR {3}\| line two\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
