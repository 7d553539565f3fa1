import assert from "node:assert/strict";
import { lossesByTask } from "./losses_by_task.ts";
import type { Sample } from "../eval/samples.ts";

Deno.test("lossesByTask() averages each task's samples and keeps Infinity", () => {
  const s = (task?: string): Sample => ({ contextIds: [1], referenceIds: [2], ...(task ? { task } : {}) });
  const samples = [s("a"), s("b"), s("a"), s()];
  const report = {
    model: "m",
    device: "cpu",
    loss: 0,
    samples: [1, 5, 3, Infinity].map((loss) => ({ loss, tokens: 2 })),
    tokensPerSecond: 1,
    seconds: 1,
  };
  assert.deepEqual([...lossesByTask(samples, report)], [
    ["a", { loss: 2, samples: 2 }],
    ["b", { loss: 5, samples: 1 }],
    ["default", { loss: Infinity, samples: 1 }],
  ]);
  const failed = lossesByTask(samples, { ...report, samples: [], loss: Infinity, error: "x" });
  assert.equal(failed.get("a")?.loss, Infinity);
});
