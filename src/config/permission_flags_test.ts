import assert from "node:assert/strict";
import { join } from "node:path";
import { isWithin, permissionFlags, PROJECT_ROOT } from "./permission_flags.ts";
import { chainHost, datasetsHost, hostOf, hubHost, localDirectory, walletFiles } from "./task_access.ts";

const sets = {
  score: { read: { allow: ["./"], deny: ["./.env"] }, write: ["./.cache/score", "./logs"], net: false },
  fetch: { read: { allow: ["./"] }, write: ["./.cache/hf", "./logs"], net: ["huggingface.co:443", "127.0.0.1"] },
  bench: { read: true, write: ["./.cache"] },
};
const root = "/project";

Deno.test("permissionFlags() adds nothing when the set already covers every path and host", () => {
  assert.deepEqual(
    permissionFlags("fetch", { read: ["/project/x"], write: ["/project/.cache/hf/hub"], net: ["127.0.0.1:8765"] }, {
      sets,
      projectRoot: root,
    }),
    [],
  );
  assert.deepEqual(
    permissionFlags("fetch", { read: [undefined], write: [], net: ["huggingface.co:443"] }, {
      sets,
      projectRoot: root,
    }),
    [],
  );
});

Deno.test("permissionFlags() repeats the set's entries, made absolute, before exactly the paths outside it", () => {
  const flags = permissionFlags(
    "score",
    { read: ["/data/m", "/data/s.jsonl", "/project/in"], write: ["/data/cache"] },
    {
      sets,
      projectRoot: root,
    },
  );
  assert.deepEqual(flags, [
    "--allow-read=/project,/data/m,/data/s.jsonl,/data/cache",
    "--allow-write=/project/.cache/score,/project/logs,/data/cache",
  ]);
});

Deno.test("permissionFlags() never grants a kind the set lacks, and widens a host list only with new hosts", () => {
  assert.deepEqual(permissionFlags("score", { net: ["example.com:443"] }, { sets, projectRoot: root }), []);
  assert.deepEqual(permissionFlags("bench", { read: ["/anywhere"] }, { sets, projectRoot: root }), []);
  assert.deepEqual(
    permissionFlags("fetch", { net: ["10.0.0.5:9944", "10.0.0.5:9944", "127.0.0.1:9"] }, { sets, projectRoot: root }),
    ["--allow-net=huggingface.co:443,127.0.0.1,10.0.0.5:9944"],
  );
  assert.throws(() => permissionFlags("nope", {}, { sets }), RangeError);
});

Deno.test("permissionFlags() reads deno.json's sets by default, relative to the project root", () => {
  const flags = permissionFlags("score", { read: ["/elsewhere/model"] });
  assert.deepEqual(flags, [`--allow-read=${PROJECT_ROOT},/elsewhere/model`]);
  assert.ok(isWithin(join(PROJECT_ROOT, "a", "b"), PROJECT_ROOT) && !isWithin("/elsewhere", PROJECT_ROOT));
});

Deno.test("the access helpers name the wallet's two files, and hosts with their ports unless offline", () => {
  const wallet = { name: "v", hotkey: "h", path: "/w" };
  assert.deepEqual(walletFiles({ wallet }), ["/w/v/hotkeys/h", "/w/v/coldkeypub.txt"]);
  assert.equal(hostOf("wss://entrypoint-finney.opentensor.ai"), "entrypoint-finney.opentensor.ai:443");
  assert.equal(hostOf("ws://10.0.0.5:9944"), "10.0.0.5:9944");
  assert.equal(hostOf("http://[::1]:8765/x"), "[::1]:8765");
  assert.equal(hostOf("not a url"), undefined);
  const subtensor = { network: "custom", chainEndpoint: "ws://10.0.0.5:9944" };
  assert.equal(chainHost({ offline: false, subtensor }), "10.0.0.5:9944");
  assert.equal(chainHost({ offline: true, subtensor }), undefined);
  const hub = { url: "http://hub.local", datasetsUrl: "https://rows.local", token: undefined };
  assert.equal(hubHost({ hub: { ...hub, offline: false } }), "hub.local:80");
  assert.equal(hubHost({ hub: { ...hub, offline: true } }), undefined);
  assert.equal(datasetsHost({ hub: { ...hub, offline: false } }), "rows.local:443");
  assert.equal(datasetsHost({ hub: { ...hub, offline: true } }), undefined);
});

Deno.test("localDirectory() resolves a directory where the command was typed, and leaves repo ids alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/model`);
    assert.equal(localDirectory("model", dir), `${dir}/model`);
    assert.equal(localDirectory(`${dir}/model`, "/"), `${dir}/model`);
    assert.equal(localDirectory("acme/tiny-lm", dir), undefined);
    assert.equal(localDirectory(undefined, dir), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
