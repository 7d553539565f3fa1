/**
 * Generated rows shaped like `open-r1/codeforces-cots` (split `train`; the real columns of the
 * `solutions` / `checker_interactor` configs, plus the test columns of the `_py_decontaminated` ones):
 * short programming problems with a `<think>` trace and a Python solution in `messages`.
 *
 * Edge cases: `messages` with 1 and 3 entries; Python-only and JS-only whitespace at the ends of the
 * answer; characters outside the BMP; and, with `longRows`, five rows at the loader's length limit
 * (`len(q)//4 + len(t)//4 + 10 <= 16384`, `len` in code points): exactly at it, one over, one where only
 * per-part flooring keeps it, one whose UTF-16 length would drop it, and one whose surrounding
 * whitespace (counted before `strip()`) drops it.
 *
 * @module
 */
import { ASTRAL, fillerText, jsOnlyPadded, personName, pyOnlyPadded, TextRng } from "./_text_gen.ts";

type Row = Record<string, unknown>;

/** The configs the generator writes (the real dataset has more). */
export const CODEFORCES_CONFIGS: readonly string[] = [
  "checker_interactor",
  "solutions",
  "solutions_py",
  "solutions_w_editorials_py_decontaminated",
];

const TASKS = [
  { title: "Sum of Pairs", verb: "print the sum of all numbers", code: "print(sum(a))" },
  { title: "Largest Value", verb: "print the largest number", code: "print(max(a))" },
  { title: "Count Evens", verb: "print how many numbers are even", code: "print(sum(1 for x in a if x % 2 == 0))" },
  { title: "Reverse Order", verb: "print the numbers in reverse order", code: "print(*a[::-1])" },
  { title: "Sorted Output", verb: "print the numbers in non-decreasing order", code: "print(*sorted(a))" },
];

function problem(rng: TextRng, i: number) {
  const task = rng.pick(TASKS);
  const n = rng.int(1, 5);
  const a = Array.from({ length: n }, () => rng.int(1, 50));
  const contest = 1000 + rng.int(0, 999);
  const index = rng.pick(["A", "B", "C", "D"]);
  const description = `${personName(rng)} has ${n} numbers. Given them, ${task.verb}.`;
  const inputFormat = "Line 1: n. Line 2: n integers.";
  const outputFormat = "The answer.";
  const example = { input: `${n}\n${a.join(" ")}`, output: "see the statement" };
  const prompt = `Solve in Python 3.\n# Problem\n${description}\n## Input\n${inputFormat}\n## Output\n${outputFormat}`;
  const solution = `\`\`\`python\nn = int(input())\na = list(map(int, input().split()))\n${task.code}\n\`\`\``;
  const trace = `<think>\nRead the list, then ${task.verb}.\n</think>\n${solution}`;
  return {
    id: `${contest}/${index}`,
    contest,
    index,
    title: `${task.title} ${i}`,
    description,
    inputFormat,
    outputFormat,
    example,
    prompt,
    trace,
  };
}

function lengthLimitTexts(rng: TextRng, kind: number): { question: string; trace: string } {
  const question = fillerText(rng, kind === 2 ? 403 : 400);
  switch (kind) {
    case 0: // 100 + 16274 + 10 = 16384: kept
      return { question, trace: fillerText(rng, 65_099) };
    case 1: // 100 + 16275 + 10 = 16385: dropped
      return { question, trace: fillerText(rng, 65_100) };
    case 2: // 403//4 + 65099//4 = 100 + 16274 (kept), though (403 + 65099)//4 = 16375 would drop it
      return { question, trace: fillerText(rng, 65_099) };
    case 3: // 65,099 code points of which 2,000 outside the BMP: 67,099 UTF-16 units, still kept
      return { question, trace: fillerText(rng, 65_099, 2000) };
    default: // 65,096 + 4 whitespace = 65,100 before strip(): dropped
      return { question, trace: `  ${fillerText(rng, 65_096)}\x1c\n` };
  }
}

/** Rows of one config. */
export function codeforcesRows(
  config: string,
  options: { seed: number; rows: number; longRows: boolean },
): Row[] {
  const rng = new TextRng(options.seed);
  const decontaminated = config.endsWith("_decontaminated");
  const longAt = options.longRows ? [1, 2, 3, 4, 5].map((k) => Math.floor((options.rows * k) / 6) + k * 7) : [];
  const out: Row[] = [];
  for (let i = 0; i < options.rows; i++) {
    const p = problem(rng, i);
    let question = p.prompt;
    let trace = p.trace;
    switch (i % 17) {
      case 3:
        trace = pyOnlyPadded(rng, trace);
        break;
      case 4:
        trace = jsOnlyPadded(trace);
        break;
      case 5:
        question = `${question} ${rng.pick(ASTRAL)}`;
        trace = `${trace}\n# ${rng.pick(ASTRAL)} done`;
        break;
      case 6:
        trace = `\r\n${trace}\u2028`;
        break;
    }
    const long = longAt.indexOf(i);
    if (long >= 0) ({ question, trace } = lengthLimitTexts(rng, long));
    let messages = [{ content: question, role: "user" }, { content: trace, role: "assistant" }];
    if (i % 37 === 11) messages = messages.slice(0, 1);
    else if (i % 41 === 13) messages = [...messages, { content: "Can it be faster?", role: "user" }];
    const row: Row = {
      id: p.id,
      aliases: null,
      "contest_id": String(p.contest),
      "contest_name": `Codeforces Round ${p.contest - 700} (Div. 2)`,
      "contest_type": "CF",
      "contest_start": 1_500_000_000 + p.contest * 1000,
      "contest_start_year": 2017 + (p.contest % 8),
      index: p.index,
      "time_limit": 1.0,
      "memory_limit": 256.0,
      title: p.title,
      description: p.description,
      "input_format": p.inputFormat,
      "output_format": p.outputFormat,
      ...(config === "checker_interactor" ? { interaction_format: null } : {}),
      note: null,
      examples: [p.example],
      editorial: config.includes("editorials") ? "Simulate as described." : null,
      prompt: question,
      generation: trace,
      "finish_reason": "stop",
      "api_metadata": {
        "completion_tokens": Math.floor(trace.length / 4),
        "prompt_tokens": Math.floor(question.length / 4),
      },
      messages,
    };
    if (decontaminated) {
      Object.assign(row, {
        "accepted_solutions": [],
        "failed_solutions": [],
        "generated_tests": { input: [], output: [] },
        "private_tests": { input: [], output: [] },
        "problem_type": "stdin",
        "public_tests": { input: [p.example.input], output: [p.example.output] },
        "public_tests_ms": [],
      });
    }
    out.push(row);
  }
  return out;
}
