import assert from "node:assert/strict";
import { describeDenial, findDenial } from "./permission_denial.ts";
import { ConfigError, exitCodeOf } from "./subvalid_error.ts";

const denial = () =>
  new Deno.errors.NotCapable('Requires write access to "/data/hf/hub", run again with the --allow-write flag');

Deno.test("a denial anywhere in the cause chain is exit 3, whatever wraps it", () => {
  const inner = denial();
  const wrapped = new ConfigError("Cannot fetch", { cause: new Error("outer", { cause: inner }) });
  assert.equal(findDenial(wrapped), inner);
  assert.equal(exitCodeOf(wrapped), 3);
  assert.equal(exitCodeOf(new ConfigError("bad flag")), 2);
  assert.equal(findDenial(new Error("x")), undefined);
});

Deno.test("describeDenial() names the access, the path and the set, keeping the wrapper's context", () => {
  const inner = denial();
  assert.deepEqual(
    describeDenial(inner, "fetch")?.message,
    'Not permitted: write access to "/data/hf/hub" is not granted by the "fetch" permission set',
  );
  const wrapped = new Error(`Cannot create "/data/hf/hub": ${inner.message}`, { cause: inner });
  const described = describeDenial(wrapped, "fetch")!;
  assert.equal(
    described.message,
    'Cannot create "/data/hf/hub": write access to "/data/hf/hub" is not granted by the "fetch" permission set',
  );
  assert.match(described.hint, /--validator\.model_dir, HF_HOME/);
  assert.doesNotMatch(described.message + described.hint, /--allow-write/);
  assert.equal(describeDenial(new Error("plain"), "fetch"), undefined);
});
