/**
 * Generated rows shaped like `PrimeIntellect/SYNTHETIC-1-SFT-Data` (config `default`, split `train`;
 * columns response_id, problem_id, task_type, score, messages): small arithmetic word problems with a
 * `<think>` trace and a `\boxed{}` answer, code-output predictions answered with `{"output": "…"}`, and
 * task types the evaluation loader drops. Edge cases recur at fixed strides so every page holds some.
 *
 * @module
 */
import { ASTRAL, fillerText, itemName, jsOnlyPadded, personName, pyOnlyPadded, TextRng } from "./_text_gen.ts";

type Message = { content: string; role: string };
type Row = Record<string, unknown>;

const DROPPED_TYPES = ["verifiable_code", "llm_judgeable_groundtruth_similarity", "reasoning_gym", "swe_fixer"];

/** The mix of task types at a row: a run of rows in the middle keeps few rows (pages there need more rounds). */
function taskTypeAt(rng: TextRng, i: number, rows: number): string | null | undefined {
  const drought = i >= Math.floor(rows * 0.3) && i < Math.floor(rows * 0.7);
  const x = rng.next();
  if (drought) return x < 0.04 ? "verifiable_math" : x < 0.05 ? "code_output_prediction" : rng.pick(DROPPED_TYPES);
  if (x < 0.56) return "verifiable_math";
  if (x < 0.7) return "code_output_prediction";
  if (x < 0.705) return undefined; // no task_type column value: the loader reads "unknown"
  if (x < 0.71) return null;
  return rng.pick(DROPPED_TYPES);
}

function mathProblem(rng: TextRng): { question: string; steps: string; answer: string } {
  const a = rng.int(2, 99);
  const b = rng.int(2, 99);
  const who = personName(rng);
  const what = itemName(rng);
  switch (rng.int(0, 2)) {
    case 0:
      return {
        question: `${who} has ${a} ${what} and finds ${b} more. How many ${what} does ${who} have now?`,
        steps: `${who} starts with ${a}. Adding ${b} gives ${a} + ${b} = ${a + b}.`,
        answer: String(a + b),
      };
    case 1:
      return {
        question: `Compute ${a} * ${b}.`,
        steps: `${a} * ${b} = ${a * b}.`,
        answer: String(a * b),
      };
    default: {
      const big = Math.max(a, b);
      const small = Math.min(a, b);
      return {
        question: `${who} had ${big} ${what} and gave away ${small}. How many are left?`,
        steps: `${big} - ${small} = ${big - small}.`,
        answer: String(big - small),
      };
    }
  }
}

function think(steps: string): string {
  return `<think>\nLet me work it out step by step.\n${steps}\nThat checks out.\n</think>\n`;
}

function mathMessages(rng: TextRng, i: number): Message[] {
  const p = mathProblem(rng);
  const user = `${p.question} Put your final answer within \\boxed{}.`;
  let reply = `${think(p.steps)}The answer is \\boxed{${p.answer}}.`;
  let question = user;
  switch (i % 19) {
    case 1: // nested braces: the non-greedy match stops at the first "}"
      reply = `${think(`${p.steps} As a fraction: ${p.answer}/2.`)}So \\boxed{\\frac{${p.answer}}{2}} is the result.`;
      break;
    case 2: // several boxed: the last one counts
      reply = `${think(`First guess \\boxed{${Number(p.answer) + 1}}, wrong. ${p.steps}`)}Final: \\boxed{${p.answer}}`;
      break;
    case 3: // an empty boxed: "" is the answer and the whole text is the trace
      reply = `${think(p.steps)}I cannot decide, \\boxed{}`;
      break;
    case 4: // no boxed at all
      reply = `${think(p.steps)}The answer is ${p.answer}.`;
      break;
    case 5: // \r inside the answer: Python's "." matches it, JavaScript's does not
      reply = `${think(p.steps)}\\boxed{${p.answer}\r}`;
      break;
    case 6: // U+2028 inside the answer
      reply = `${think(p.steps)}\\boxed{${p.answer}\u2028units}`;
      break;
    case 7: // Python-only whitespace at both ends
      reply = pyOnlyPadded(rng, reply);
      question = pyOnlyPadded(rng, user);
      break;
    case 8: // U+FEFF at both ends (Python keeps it)
      reply = jsOnlyPadded(reply);
      question = jsOnlyPadded(user);
      break;
    case 9: // characters outside the BMP
      question = `${user} ${rng.pick(ASTRAL)}`;
      reply = `${think(`${p.steps} ${rng.pick(ASTRAL)}`)}\\boxed{${p.answer}${rng.pick(ASTRAL)}}`;
      break;
    case 10: // a newline inside a boxed: that one does not match, an earlier one does
      reply = `${think(p.steps)}\\boxed{${p.answer}} or maybe \\boxed{${p.answer}\n0}`;
      break;
    case 11: // the same boxed answer twice: rfind cuts at the last
      reply = `${think(`${p.steps} So \\boxed{${p.answer}} it is.`)}Therefore \\boxed{${p.answer}} and done.`;
      break;
  }
  const messages = [{ content: question, role: "user" }, { content: reply, role: "assistant" }];
  if (i % 23 === 5) return messages.slice(0, 1);
  if (i % 29 === 6) return [...messages, { content: "Thanks! And doubled?", role: "user" }];
  return messages;
}

function program(rng: TextRng): { code: string; output: string } {
  const a = rng.int(1, 20);
  const b = rng.int(1, 20);
  switch (rng.int(0, 2)) {
    case 0:
      return { code: `x = ${a}\ny = ${b}\nprint(x * y)`, output: String(a * b) };
    case 1:
      return { code: `s = "ab" * ${a % 4 + 1}\nprint(s[::-1])`, output: "ba".repeat(a % 4 + 1) };
    default:
      return { code: `print(sum(range(${a})))`, output: String((a * (a - 1)) / 2) };
  }
}

function codeMessages(rng: TextRng, i: number): Message[] {
  const p = program(rng);
  const question = `What does this program print?\n\`\`\`python\n${p.code}\n\`\`\`\nAnswer as JSON {"output": "..."}.`;
  const json = (s: string) => `{"output": "${s}"}`;
  let reply = `${think(`Run it in my head: it prints ${p.output}.`)}${json(p.output)}`;
  switch (i % 13) {
    case 1: // the answer JSON appears earlier too: only the first occurrence is removed
      reply = `${think(`A first run gives ${json(p.output)} and a second run agrees.`)}${json(p.output)}`;
      break;
    case 2: // empty output
      reply = `${think("It prints an empty line.")}${json("")}`;
      break;
    case 3: // no JSON answer
      reply = `${think("Unsure.")}It prints ${p.output}.`;
      break;
    case 4: // \r inside the output
      reply = `${think("Two parts.")}${json(`${p.output}\r`)}`;
      break;
    case 5: // Python-only whitespace at both ends
      reply = pyOnlyPadded(rng, reply);
      break;
    case 6: // two different answers: the last one counts
      reply = `${think(`Maybe ${json("0")}?`)}${json(p.output)}`;
      break;
    case 7: // U+2028 inside the output, FEFF at the ends
      reply = jsOnlyPadded(`${think("Line separator.")}${json(`${p.output}\u2028`)}`);
      break;
  }
  const messages = [{ content: question, role: "user" }, { content: reply, role: "assistant" }];
  return i % 31 === 7 ? messages.slice(0, 1) : messages;
}

function otherMessages(rng: TextRng, type: string): Message[] {
  const n = rng.int(2, 30);
  return [
    { content: `(${type}) Explain why ${n} squared is ${n * n}.`, role: "user" },
    { content: `${think(`${n} * ${n} = ${n * n}.`)}Because ${n} * ${n} = ${n * n}.`, role: "assistant" },
  ];
}

/**
 * The SFT rows. `longRows` adds two rows of about 66,000 code points (the loader has no length limit for
 * this dataset; they exercise long texts end to end).
 */
export function sftRows(options: { seed: number; rows: number; longRows: boolean }): Row[] {
  const rng = new TextRng(options.seed);
  const out: Row[] = [];
  for (let i = 0; i < options.rows; i++) {
    const taskType = taskTypeAt(rng, i, options.rows);
    let messages: Message[];
    if (taskType === "verifiable_math") messages = mathMessages(rng, i);
    else if (taskType === "code_output_prediction") messages = codeMessages(rng, i);
    else messages = otherMessages(rng, String(taskType));
    if (options.longRows && (i === Math.floor(options.rows * 0.25) || i === Math.floor(options.rows * 0.8))) {
      const p = mathProblem(rng);
      messages = [
        { content: p.question, role: "user" },
        { content: `${think(fillerText(rng, 65_000, 300))}\\boxed{${p.answer}}`, role: "assistant" },
      ];
    }
    const row: Row = {
      "response_id": `sft-${rng.hex(12)}`,
      "problem_id": `synth-${taskType ?? "unknown"}-${i}`,
      "task_type": taskType,
      score: rng.chance(0.9) ? 1 : 0.5,
      messages,
    };
    if (taskType === undefined) delete row.task_type;
    out.push(row);
  }
  return out;
}
