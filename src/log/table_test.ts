import assert from "node:assert/strict";
import { formatTable } from "./table.ts";

Deno.test("formatTable() aligns columns under a header and a rule", () => {
  const text = formatTable(
    [{ uid: 7, repo: "a/b", loss: 2.5 }, { uid: 120, repo: "long/name", loss: Infinity }],
    [
      { header: "uid", value: (r) => String(r.uid), align: "right" },
      { header: "repo", value: (r) => r.repo },
      { header: "loss", value: (r) => Number.isFinite(r.loss) ? r.loss.toFixed(2) : "inf", align: "right" },
    ],
  );
  assert.equal(
    text,
    ["uid  repo       loss", "───  ─────────  ────", "  7  a/b        2.50", "120  long/name   inf"].join("\n"),
  );
});
