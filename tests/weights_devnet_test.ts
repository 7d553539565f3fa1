/**
 * Weight setting against the embedded devnet over real WebSockets: success,
 * every refusal (pre-check and the chain's own), and the pool's rate limit.
 */
import assert from "node:assert/strict";
import type { KeyringPair } from "@polkadot/keyring/types";
import { setWeights, setWeightsOrThrow } from "../src/weights/set_weights.ts";
import {
  IncorrectVersionKeyError,
  NotRegisteredError,
  NoValidatorPermitError,
  TooFewWeightsError,
  WeightsRateLimitedError,
} from "../src/weights/errors.ts";
import type { WeightsFailure, WeightsSuccess } from "../src/weights/receipt.ts";
import { storedWeights, weightsFixture } from "./weights_fixtures.ts";
import { DEVNET_PROFILE_NAMES } from "../src/devnet/mod.ts";

const NETUID = 37;

for (const profile of DEVNET_PROFILE_NAMES) {
  Deno.test(`[${profile}] setWeights() sends set_mechanism_weights (mortal era 128, explicit nonce) and the chain stores exactly the converted u16 values`, async () => {
    await using f = await weightsFixture({ profile });
    const receipt = await setWeights({ uids: [2, 3, 4, 5], weights: [0.2, 0.5, 1, 0] }, {
      client: f.client,
      signer: f.validator,
      netuid: NETUID,
    });
    assert.equal(receipt.success, true, JSON.stringify(receipt));
    const ok = receipt as WeightsSuccess;
    assert.equal(ok.mode, "set");
    assert.deepEqual(ok.uids, [2, 3, 4]);
    assert.deepEqual(ok.values, [13107, 32768, 65535]);
    assert.deepEqual(await storedWeights(f.client, 0), [[2, 13107], [3, 32768], [4, 65535]]);
    const block = f.devnet.chain.block(ok.block)!;
    assert.equal(block.hash, ok.blockHash);
    // The signed extrinsic: mortal era of 128 blocks, the nonce from system_accountNextIndex, and the
    // tip field of ChargeTransactionPaymentWrapper (the devnet verified the signature over all of it).
    const xt = block.extrinsics.map((hex) => f.client.api.createType("Extrinsic", hex)).find((x) => x.isSigned)!;
    assert.equal(xt.hash.toHex(), ok.extrinsicHash);
    assert.equal(`${xt.method.section}.${xt.method.method}`, "subtensorModule.setMechanismWeights");
    assert.equal(xt.era.isMortalEra && xt.era.asMortalEra.period.toNumber(), 128);
    assert.equal(xt.nonce.toNumber(), ok.nonce);
    assert.equal(xt.tip.toNumber(), 0);
    assert.equal(f.devnet.rpcCalls().get("system_accountNextIndex"), 1);
    const lastUpdate = (await f.client.api.query.subtensorModule!.lastUpdate!(NETUID)).toJSON() as number[];
    assert.equal(lastUpdate[0], ok.block, "LastUpdate is the inclusion block");
  });
}

Deno.test("setWeights() refuses before signing when rate limited, naming the next allowed block; the pool agrees", async () => {
  await using f = await weightsFixture({ weightsRateLimit: 50 });
  const first = await setWeightsOrThrow({ uids: [2, 3], weights: [1, 1] }, {
    client: f.client,
    signer: f.validator,
    netuid: NETUID,
  });
  const submitted = f.devnet.rpcCalls().get("author_submitAndWatchExtrinsic");
  const pre = (await setWeights({ uids: [2, 3], weights: [1, 2] }, {
    client: f.client,
    signer: f.validator,
    netuid: NETUID,
  })) as WeightsFailure;
  assert.equal(pre.success, false);
  assert.equal(pre.error, "WeightsRateLimitedError");
  assert.equal(pre.nextAllowedBlock, first.block + 50);
  assert.match(
    pre.reason,
    new RegExp(`rate limited until block ${first.block + 50} \\(last set at block ${first.block}`),
  );
  assert.equal(f.devnet.rpcCalls().get("author_submitAndWatchExtrinsic"), submitted, "nothing was submitted");

  // Without pre-checks the transaction reaches the pool, which refuses it with Custom error 6.
  await assert.rejects(
    () =>
      setWeightsOrThrow({ uids: [2, 3], weights: [1, 2] }, {
        client: f.client,
        signer: f.validator,
        netuid: NETUID,
        prechecks: false,
      }),
    (error: unknown) => {
      assert.ok(error instanceof WeightsRateLimitedError, String(error));
      assert.equal(error.nextAllowedBlock, first.block + 50);
      assert.match(String((error.cause as Error)?.message), /\(1010: Invalid Transaction: Custom error: 6\)/);
      return true;
    },
  );
  // Once the limit has passed, setting works again.
  f.devnet.mine(50 - (f.devnet.bestNumber - first.block) - 1);
  const again = await setWeights({ uids: [2, 3], weights: [1, 2] }, {
    client: f.client,
    signer: f.validator,
    netuid: NETUID,
  });
  assert.equal(again.success, true, JSON.stringify(again));
  assert.equal((again as WeightsSuccess).block, first.block + 50);
});

Deno.test("setWeights() reports a low version key, a missing permit and an unregistered hotkey, before and from the chain", async () => {
  await using f = await weightsFixture({ weightsVersionKey: 4000 });
  const send = (signer: KeyringPair, prechecks: boolean, versionKey = 3010) =>
    setWeightsOrThrow({ uids: [2, 3], weights: [1, 1] }, {
      client: f.client,
      signer,
      netuid: NETUID,
      versionKey,
      prechecks,
    });
  for (const prechecks of [true, false]) {
    await assert.rejects(() => send(f.validator, prechecks), (error: unknown) => {
      assert.ok(error instanceof IncorrectVersionKeyError, `${prechecks}: ${error}`);
      assert.equal(error.message, "Cannot set weights: version key is 3010, subnet requires at least 4000");
      assert.match(error.hint!, /--validator.version_key 4000/);
      return true;
    });
    await assert.rejects(() => send(f.miner, prechecks, 4000), (error: unknown) => {
      assert.ok(error instanceof NoValidatorPermitError, `${prechecks}: ${error}`);
      assert.match(error.message, /uid \d+ on subnet 37 has no validator permit/);
      return true;
    });
    await assert.rejects(() => send(f.devnet.owner.hotkey, prechecks, 4000), (error: unknown) => {
      assert.ok(error instanceof NotRegisteredError, `${prechecks}: ${error}`);
      assert.equal(
        error.message,
        `Cannot set weights: hotkey "${f.devnet.owner.hotkey.address}" is not registered on subnet 37`,
      );
      return true;
    });
  }
  // Without pre-checks those went to the chain: three extrinsics included and failed, none stored weights.
  assert.deepEqual(await storedWeights(f.client, 0), []);
});

Deno.test("setWeights() refuses fewer uids than MinAllowedWeights, before signing and from the chain; a self-weight is exempt", async () => {
  await using f = await weightsFixture({ minAllowedWeights: 4 });
  for (const prechecks of [true, false]) {
    await assert.rejects(
      () =>
        setWeightsOrThrow({ uids: [2, 3, 4], weights: [1, 1, 1] }, {
          client: f.client,
          signer: f.validator,
          netuid: NETUID,
          prechecks,
        }),
      (error: unknown) => {
        assert.ok(error instanceof TooFewWeightsError, `${prechecks}: ${error}`);
        assert.equal(error.message, "Cannot set weights: 3 non-zero weights, subnet requires at least 4");
        return true;
      },
    );
  }
  const self = await setWeights({ uids: [0], weights: [1] }, { client: f.client, signer: f.validator, netuid: NETUID });
  assert.equal(self.success, true, JSON.stringify(self));
  assert.deepEqual(await storedWeights(f.client, 0), [[0, 65535]]);
});
