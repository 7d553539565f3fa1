import assert from "node:assert/strict";
import { join } from "node:path";
import { readEpochState, writeEpochState } from "./epoch_state.ts";

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
    await assert.rejects(readEpochState(path, { netuid: 37, competitionId: 4 }), SyntaxError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
