import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import { readEpochState, removeStaleTemporaries, writeEpochState } from "./epoch_state.ts";

Deno.test("writeEpochState() and readEpochState() round-trip the moving average, atomically", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "nested", "state.json");
    assert.equal(await readEpochState(path, { netuid: 37, competitionId: 4 }), undefined);
    await writeEpochState(path, { netuid: 37, competitionId: 4, block: 99, average: new Map([[2, 0.9], [5, 0.1]]) });
    const state = await readEpochState(path, { netuid: 37, competitionId: 4 });
    assert.deepEqual([...state!.average], [[2, 0.9], [5, 0.1]]);
    assert.equal(state!.block, 99);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(join(dir, "nested")))).map((e) => e.name), ["state.json"]);
    assert.equal(await readEpochState(path, { netuid: 1, competitionId: 4 }), undefined, "another subnet's state");
    await Deno.writeTextFile(
      path,
      JSON.stringify({ version: 1, netuid: 37, competitionId: 4, block: 1, average: { x: 1 } }),
    );
    await assert.rejects(readEpochState(path, { netuid: 37, competitionId: 4 }), ConfigError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readEpochState() refuses an empty or non-JSON state file with exit 2, naming the file and what to do", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "state.json");
    for (
      const [text, why] of [
        ["", /the file is empty/],
        ['{"version": 1, "aver', /not JSON/],
        ["[]", /not a version 1/],
        ["null", /not a version 1/],
      ]
    ) {
      await Deno.writeTextFile(path, text as string);
      await assert.rejects(readEpochState(path, { netuid: 37, competitionId: 4 }), (error: ConfigError) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.exitCode, 2);
        assert.match(error.message, new RegExp(`^Cannot read epoch state "${path}": ${(why as RegExp).source}`));
        assert.match(error.hint!, /Move the file away/);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removeStaleTemporaries() removes only the <state>.<uuid>.tmp files an interrupted write left", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "state.json");
    const stale = [`state.json.${crypto.randomUUID()}.tmp`, `state.json.${crypto.randomUUID()}.tmp`];
    const kept = ["state.json", "other.json.0a1b2c3d-0000-4000-8000-000000000000.tmp", "state.json.notes.tmp"];
    for (const name of [...stale, ...kept]) await Deno.writeTextFile(join(dir, name), "x");
    assert.equal(await removeStaleTemporaries(path), 2);
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(left, [...kept].sort());
    assert.equal(await removeStaleTemporaries(join(dir, "missing", "state.json")), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
