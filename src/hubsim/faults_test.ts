import assert from "node:assert/strict";
import { FaultSet, parseFaults } from "./faults.ts";

Deno.test("FaultSet matches by route, repo, path glob and method, first active rule first, for a number of times", () => {
  const faults = new FaultSet();
  const onnx = faults.add({ type: "status", status: 500, route: "resolve", path: "onnx/*.onnx*", times: 2 });
  const any = faults.add({ type: "rate-limit", repo: "a/b", method: "GET" });
  const target = { route: "resolve" as const, method: "GET", repo: "a/b", path: "onnx/model.onnx_data" };
  assert.equal(faults.take(target)?.type, "status");
  assert.equal(faults.take(target)?.type, "status");
  assert.equal(onnx.active, false);
  assert.equal(faults.take(target)?.type, "rate-limit");
  assert.equal(faults.take({ ...target, repo: "c/d" }), undefined);
  assert.equal(faults.take({ ...target, method: "HEAD" }), undefined);
  any.remove();
  assert.equal(faults.take(target), undefined);
  faults.add({ type: "corrupt", route: "resolve" });
  assert.equal(faults.take({ ...target, route: "cdn" })?.type, "corrupt", "body faults on resolve follow the redirect");
});

Deno.test("parseFaults() reads one rule or many and rejects unknown types and routes", () => {
  assert.equal(parseFaults('{"type":"slow","delayMs":5}').length, 1);
  assert.equal(parseFaults('[{"type":"truncate"},{"type":"corrupt","route":"cdn"}]').length, 2);
  assert.throws(() => parseFaults('{"type":"explode"}'), TypeError);
  assert.throws(() => parseFaults('{"type":"corrupt","route":"nowhere"}'), TypeError);
  assert.throws(() => parseFaults("{nope"), SyntaxError);
});
