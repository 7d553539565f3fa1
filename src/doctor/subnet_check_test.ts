import assert from "node:assert/strict";
import { subnetDoctorResult } from "./subnet_check.ts";

const at = { netuid: 37, network: "finney", block: 7_000_000 };
const id = (competitionId: number | null) => ({ modelId: { competitionId } });
const bad = { error: "the model id has 1 field, expected at least 4" };

Deno.test("subnetDoctorResult(): OK when at least half the commitments are model ids, WARN with the SN37 hint below", () => {
  assert.equal(subnetDoctorResult(at, 256, [id(4), id(4), bad]).status, "ok");
  assert.match(
    subnetDoctorResult(at, 256, [id(4), id(12345), bad, bad]).detail,
    /^subnet 37 on finney at block 7000000: 2 of 4 commitments parse as model ids \(1 of a known competition; 256 neurons\)$/,
  );
  const few = subnetDoctorResult(at, 256, [id(4), bad, bad]);
  assert.equal(few.status, "warn");
  assert.match(few.detail, /1 of 3 .*does not look like a Finetuning subnet/);
  assert.match(few.hint!, /Aurelius/);
  assert.match(few.hint!, /--netuid and --subtensor\.network/);
  const none = subnetDoctorResult(at, 256, []);
  assert.equal(none.status, "warn");
  assert.match(none.detail, /none of its 256 neurons has a commitment/);
});
