import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { formatJson, formatText, formatTimestamp, SUCCESS_MARK } from "./format.ts";

function record(level: LogRecord["level"], message: string, properties: Record<string, unknown> = {}): LogRecord {
  return {
    category: ["subvalid", "chain"],
    level,
    message: [message],
    rawMessage: message,
    timestamp: new Date(2026, 10, 24, 9, 5, 7, 42).getTime(),
    properties,
  };
}

Deno.test("formatText() writes time | LEVEL | message with key=value fields", () => {
  const line = formatText(
    record("info", "Connected", { endpoint: "ws://127.0.0.1:9944", block: 12, note: "two words" }),
  );
  assert.equal(
    line,
    `2026-11-24 09:05:07.042 | INFO    | Connected endpoint=ws://127.0.0.1:9944 block=12 note="two words"`,
  );
});

Deno.test("formatText() shows every operator level, SUCCESS included", () => {
  const levels: [LogRecord["level"], Record<string, unknown>, string][] = [
    ["trace", {}, "TRACE  "],
    ["debug", {}, "DEBUG  "],
    ["info", {}, "INFO   "],
    ["info", { [SUCCESS_MARK]: true }, "SUCCESS"],
    ["warning", {}, "WARNING"],
    ["error", {}, "ERROR  "],
  ];
  for (const [level, props, label] of levels) {
    const line = formatText(record(level, "m", props));
    assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\| ${label} \\| m$`));
  }
});

Deno.test("formatText() uses ANSI colours only when asked", () => {
  const ESC = "\x1b";
  assert.ok(!formatText(record("warning", "w")).includes(ESC));
  assert.ok(formatText(record("warning", "w"), true).includes(`${ESC}[33mWARNING`));
});

Deno.test("formatJson() writes one JSON object with level, category, message and fields", () => {
  const line = formatJson(
    record("info", "Done", { [SUCCESS_MARK]: true, uid: 3, error: new Error("boom"), big: 2n ** 70n }),
  );
  const parsed = JSON.parse(line);
  assert.equal(parsed.level, "SUCCESS");
  assert.equal(parsed.category, "subvalid.chain");
  assert.equal(parsed.message, "Done");
  assert.equal(parsed.uid, 3);
  assert.deepEqual(parsed.error, { name: "Error", message: "boom" });
  assert.equal(parsed.big, "1180591620717411303424");
  assert.equal(parsed.time, new Date(2026, 10, 24, 9, 5, 7, 42).toISOString());
  assert.ok(!(SUCCESS_MARK in parsed));
});

Deno.test("formatTimestamp() pads every part", () => {
  assert.equal(formatTimestamp(new Date(2027, 0, 2, 3, 4, 5, 6).getTime()), "2027-01-02 03:04:05.006");
});
