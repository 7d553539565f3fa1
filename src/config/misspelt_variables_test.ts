import assert from "node:assert/strict";
import { defineTask } from "./config.ts";
import { misspeltVariables } from "./misspelt_variables.ts";

const spec = defineTask({
  name: "x",
  summary: "",
  usage: "",
  groups: [],
  flags: { special: { kind: "string", description: "", env: "BT_SPECIAL_THING" } },
});

Deno.test("misspeltVariables() names unread BT_* variables with the closest known one", () => {
  assert.deepEqual(
    misspeltVariables([
      "BT_WALLET_NMAE",
      "BT_NETUID",
      "HOME",
      "BT_WALLET_PASSWORD",
      "BT_SPECIAL_THNIG",
      "BT_ZZZZZZZZZZZZ",
    ], spec),
    [
      { name: "BT_SPECIAL_THNIG", suggestion: "BT_SPECIAL_THING" },
      { name: "BT_WALLET_NMAE", suggestion: "BT_WALLET_NAME" },
      { name: "BT_ZZZZZZZZZZZZ", suggestion: undefined },
    ],
  );
  assert.deepEqual(misspeltVariables(["BT_SUBTENSOR_NETWORK", "BT_LOG_JSON", "PATH"], spec), []);
});
