/**
 * Built-in evaluation sample sets for one-off runs (`deno task eval --set
 * <name>`): small, deterministic chat tasks that need no download, each
 * sample tagged with its task so results come out per task.
 *
 * @module
 */
import type { ChatSample } from "./samples.ts";

/** A named built-in set. */
export interface SampleSet {
  readonly name: string;
  readonly description: string;
  /** Makes the samples (deterministic). */
  readonly make: () => ChatSample[];
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const SYSTEM = "You reverse words.";

function word(next: () => number, min: number, max: number): string {
  const n = min + Math.floor(next() * (max - min + 1));
  return Array.from({ length: n }, () => LETTERS[Math.floor(next() * 26)]).join("");
}

/** Word reversal, arithmetic and sorting chats: the kind of tasks the test fixtures were trained on. */
function smoke(): ChatSample[] {
  const next = rng(37);
  const samples: ChatSample[] = [];
  for (let i = 0; i < 16; i++) {
    const w = word(next, 3, 8);
    samples.push({
      task: "reverse",
      messages: [{ role: "system", content: SYSTEM }, { role: "user", content: `reverse ${w}` }],
      reference: [...w].reverse().join(""),
    });
  }
  for (let i = 0; i < 16; i++) {
    const a = Math.floor(next() * 90) + 10;
    const b = Math.floor(next() * 90) + 10;
    samples.push({
      task: "arithmetic",
      messages: [{ role: "user", content: `What is ${a} + ${b}?` }],
      reference: `${a} + ${b} = ${a + b}`,
    });
  }
  for (let i = 0; i < 16; i++) {
    const words = Array.from({ length: 3 + Math.floor(next() * 4) }, () => word(next, 3, 7));
    samples.push({
      task: "word_sorting",
      messages: [{ role: "user", content: `Sort these words alphabetically: ${words.join(" ")}` }],
      reference: [...words].sort().join(" "),
    });
  }
  return samples;
}

/** The built-in sets by name. */
export const SAMPLE_SETS: Readonly<Record<string, SampleSet>> = {
  smoke: {
    name: "smoke",
    description: "48 short chats: word reversal, two-digit sums, word sorting (16 each)",
    make: smoke,
  },
};

/**
 * Returns a built-in set's samples.
 *
 * @throws {RangeError} for an unknown name, listing the known ones
 */
export function builtInSamples(name: string): ChatSample[] {
  const set = SAMPLE_SETS[name];
  if (set === undefined) {
    throw new RangeError(`Unknown sample set "${name}": known sets are ${Object.keys(SAMPLE_SETS).join(", ")}`);
  }
  return set.make();
}
