import assert from "node:assert/strict";
import { createProgress, formatAmount, formatSeconds } from "./progress.ts";
import type { Log } from "./logger.ts";

function recorder() {
  const lines: string[] = [];
  const log: Log = {
    trace: () => {},
    debug: () => {},
    info: (m) => lines.push(m),
    success: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
    with: () => log,
  };
  return { lines, log };
}

Deno.test("createProgress() without a TTY logs a plain line per interval and a final line", () => {
  let now = 0;
  const { lines, log } = recorder();
  const progress = createProgress("Downloading model.onnx", {
    total: 1000,
    unit: "bytes",
    tty: false,
    intervalMs: 10_000,
    log,
    now: () => now,
  });
  now = 1000;
  progress.advance(100);
  assert.equal(lines.length, 0, "no line before the interval");
  now = 10_000;
  progress.advance(400);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^Downloading model\.onnx: 50% \(500 B of 1\.0 KB, 50 B\/s, ETA 10\.0s\)$/);
  now = 12_000;
  progress.advance(500);
  progress.done();
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /done, 1\.0 KB in 12\.0s/);
  progress.done();
  assert.equal(lines.length, 2, "done twice logs once");
});

Deno.test("createProgress() on a TTY draws a bar and clears it when done", () => {
  let now = 0;
  const drawn: (string | undefined)[] = [];
  const { lines, log } = recorder();
  const progress = createProgress("Scoring", { total: 4, tty: true, log, now: () => now, draw: (l) => drawn.push(l) });
  now = 200;
  progress.advance(2);
  assert.match(drawn.at(-1)!, /^Scoring \[█{12}░{12}\] 50% 2 of 4/);
  now = 250;
  progress.advance(1);
  assert.equal(drawn.length, 1, "redraws are throttled");
  progress.fail();
  assert.equal(drawn.at(-1), undefined);
  assert.equal(lines.length, 0);
});

Deno.test("formatAmount() and formatSeconds() are readable", () => {
  assert.equal(formatAmount(999, "bytes"), "999 B");
  assert.equal(formatAmount(16_106_127_360, "bytes"), "16.1 GB");
  assert.equal(formatAmount(12345.6, "tokens"), "12,346");
  assert.equal(formatSeconds(3.21), "3.2s");
  assert.equal(formatSeconds(125), "2m05s");
  assert.equal(formatSeconds(3720), "1h02m");
  assert.equal(formatSeconds(Infinity), "?");
});
