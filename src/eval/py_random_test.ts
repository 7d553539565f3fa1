import assert from "node:assert/strict";
import { PyRandom, type PySeed } from "./py_random.ts";

interface Op {
  readonly op: string;
  readonly args: readonly (string | number)[];
  readonly result: unknown;
}
interface Case {
  readonly seed: string;
  readonly ops: readonly Op[];
}

/** Made by real CPython: tests/fixtures/make_py_random_vectors.py. */
const VECTORS: { python: string; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/fixtures/py_random_vectors.json", import.meta.url)),
);

/** Runs one operation the way the generator script does; integers come back as decimal strings. */
function run(rng: PyRandom, op: Op): unknown {
  const [a, b, c] = op.args;
  switch (op.op) {
    case "getrandbits":
      return String(rng.getrandbits(Number(a)));
    case "random":
      return rng.random();
    case "randbelow": {
      const n = BigInt(a!);
      return String(n <= BigInt(Number.MAX_SAFE_INTEGER) ? rng.randbelow(Number(n)) : rng.randbelow(n));
    }
    case "randint": {
      const lo = BigInt(a!);
      const hi = BigInt(b!);
      const safe = (x: bigint) => x >= -BigInt(Number.MAX_SAFE_INTEGER) && x < BigInt(Number.MAX_SAFE_INTEGER);
      return String(safe(lo) && safe(hi) ? rng.randint(Number(lo), Number(hi)) : rng.randint(lo, hi));
    }
    case "randrange":
      return String(rng.randrange(Number(a), Number(b), Number(c)));
    case "choice":
      return rng.choice(Array.from({ length: Number(a) }, (_, i) => `c${i}`));
    case "shuffle":
      return rng.shuffle(Array.from({ length: Number(a) }, (_, i) => i));
    case "sample": {
      const n = Number(a);
      const range = new Proxy({ length: n } as ArrayLike<number>, {
        get: (target, key) => typeof key === "string" && /^\d+$/.test(key) ? Number(key) : Reflect.get(target, key),
      });
      return rng.sample(range, Number(b));
    }
  }
  throw new Error(`Unknown op "${op.op}" in the vectors`);
}

Deno.test("PyRandom matches CPython on every vector (seeds 0, 1, 2^32±1, 256-bit, negative; every method)", () => {
  assert.ok(VECTORS.cases.length >= 20);
  let checked = 0;
  for (const c of VECTORS.cases) {
    const seeds: PySeed[] = [BigInt(c.seed)];
    if (Number.isSafeInteger(Number(c.seed)) && BigInt(Number(c.seed)) === BigInt(c.seed)) seeds.push(Number(c.seed));
    for (const seed of seeds) {
      const rng = new PyRandom(seed);
      c.ops.forEach((op, i) => {
        assert.deepEqual(run(rng, op), op.result, `seed ${c.seed} (${typeof seed}), op ${i} ${op.op}(${op.args})`);
        checked++;
      });
    }
  }
  assert.ok(checked > 3000, `checked ${checked} operations`);
});

Deno.test("PyRandom: the sync-block seed vector (randint, choice of one, getrandbits)", () => {
  const seed = 99707213387532522805047265518171547922337399156784143484050966736368402234225n;
  const a = new PyRandom(seed);
  assert.equal(a.randint(0, 149), 42);
  assert.equal(a.choice(["default"]), "default");
  assert.equal(a.randint(0, 9999), 9332);
  const b = new PyRandom(seed);
  assert.deepEqual([b.getrandbits(32), b.getrandbits(32), b.getrandbits(32)], [714620197n, 465566687n, 3006362995n]);
});

Deno.test("PyRandom: choice of one element still consumes randomness, and seed() resets", () => {
  const a = new PyRandom(7);
  a.choice(["only"]);
  const after = a.genrandUint32();
  const b = new PyRandom(7);
  assert.notEqual(b.genrandUint32(), after);
  b.seed(7);
  b.getrandbitsNumber(1);
  assert.equal(b.genrandUint32(), after);
});

Deno.test("PyRandom rejects caller mistakes as CPython does", () => {
  const rng = new PyRandom(1);
  assert.throws(() => rng.choice([]), RangeError);
  assert.throws(() => rng.randint(5, 4), RangeError);
  assert.throws(() => rng.randrange(0, 10, 0), RangeError);
  assert.throws(() => rng.sample([1, 2], 3), RangeError);
  assert.throws(() => rng.randbelow(0), RangeError);
  assert.throws(() => rng.getrandbits(-1), RangeError);
  assert.throws(() => new PyRandom(1.5), TypeError);
  assert.throws(() => rng.getrandbitsNumber(54), RangeError);
});

Deno.test("the committed vectors are what this machine's python3 makes", async () => {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const script = new URL("../../tests/fixtures/make_py_random_vectors.py", import.meta.url);
    const run = await new Deno.Command("python3", { args: [script.pathname, out], stderr: "piped" }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.deepEqual(JSON.parse(await Deno.readTextFile(out)).cases, VECTORS.cases);
  } finally {
    await Deno.remove(out);
  }
});
