/**
 * The doctor's subnet check against the embedded chain: a subnet whose miners
 * commit model ids passes; one whose commitments are something else, or
 * that has none, is a WARN whose hint says what SN37 on finney is now.
 */
import assert from "node:assert/strict";
import type { KeyringPair } from "@polkadot/keyring/types";
import { type ChainClient, commitModel, submitExtrinsic } from "../src/chain/mod.ts";
import { checkSubnet } from "../src/doctor/mod.ts";
import { CompetitionId } from "../src/eval/mod.ts";
import { withDevnet } from "./devnet_helpers.ts";

async function commitRaw(client: ChainClient, hotkey: KeyringPair, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  const hex = `0x${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  const tx = client.api.tx.commitments!.setCommitment!(37, { fields: [{ [`Raw${bytes.length}`]: hex }] });
  await submitExtrinsic(client, tx, hotkey, { what: "commit something that is not a model id" });
}

const modelId = (i: number) => ({
  namespace: `miner${i}`,
  name: "model",
  commit: `${i}`.repeat(40).slice(0, 40),
  secureHash: "aGFzaA==",
  competitionId: CompetitionId.DemoTiny,
});

Deno.test("doctor subnet: OK when the commitments are model ids; WARN naming finney's netuid 37 for garbage or none", async () => {
  await withDevnet({ netuid: 37, validators: 1, miners: 4 }, async (devnet, client) => {
    const miners = devnet.neurons.filter((n) => n.role === "miner");
    const check = () => checkSubnet(devnet.endpoint, { netuid: 37, network: "local", timeoutMs: 15_000 });

    const empty = await check();
    assert.equal(empty.status, "warn");
    assert.match(empty.detail, /^subnet 37 on local at block \d+: none of its 5 neurons has a commitment/);
    assert.match(empty.hint!, /Netuid 37 on finney has been run by another project \(Aurelius\) since late 2025/);

    // What an alignment subnet's miners might commit: JSON, URLs, nothing like a model id.
    await commitRaw(client, miners[0]!.hotkey, '{"scenario":"trolley","v":3}');
    await commitRaw(client, miners[1]!.hotkey, "https://example.org/config.yaml");
    await commitRaw(client, miners[2]!.hotkey, "miner2:model");
    const garbage = await check();
    assert.equal(garbage.status, "warn");
    assert.match(garbage.detail, /0 of 3 commitments parse as model ids .*does not look like a Finetuning subnet/);

    // Model ids from most miners: a Finetuning subnet.
    for (const [i, miner] of miners.slice(0, 3).entries()) {
      await commitModel(client, miner.hotkey, modelId(i), { netuid: 37 });
    }
    await commitModel(client, miners[3]!.hotkey, modelId(3), { netuid: 37 });
    const good = await check();
    assert.equal(good.status, "ok", JSON.stringify(good));
    assert.match(good.detail, /4 of 4 commitments parse as model ids \(4 of a known competition; 5 neurons\)/);
    assert.equal(good.hint, undefined);

    const missing = await checkSubnet(devnet.endpoint, { netuid: 99, network: "local", timeoutMs: 15_000 });
    assert.equal(missing.status, "fail");
    assert.match(missing.detail, /Cannot read subnet 99: it does not exist/);
  });
});
