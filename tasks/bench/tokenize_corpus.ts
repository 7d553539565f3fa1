/**
 * A deterministic corpus shaped like one evaluation step of the latest competition: 240 chat samples
 * (120 like PrimeIntellect/SYNTHETIC-1-SFT-Data — math with LaTeX and code-output prediction — and 120
 * like open-r1/codeforces-cots — problem statements and long reasoning traces with C++/Python code), each
 * a user question (a few hundred to about 2,000 tokens with the system prompt) and a reference answer (a
 * `<think>` trace of about 500 to 16,000 tokens). About 2 M cl100k tokens in all. Words follow a Zipf law
 * over a common-word list plus made-up rare words and identifiers; the text mixes prose, LaTeX, code with
 * indentation and tabs, numbers, CJK, Cyrillic, Greek, math symbols, emoji (with ZWJ sequences), `\r\n`
 * line ends, NBSP and runs of blank lines.
 *
 * Used by `tasks/bench/tokenize.ts` and by the tokenizer tests (same corpus, other seeds and sizes).
 *
 * @module
 */
import { SYSTEM_PROMPT } from "../../src/eval/draw_task_data.ts";
import type { ChatSample } from "../../src/eval/samples.ts";

/** Options of {@linkcode makeTokenizeCorpus}. */
export interface TokenizeCorpusOptions {
  /** Number of samples (half math/code-output, half codeforces-like). @default 240 */
  samples?: number;
  /** Seed of the generator. @default 37 */
  seed?: number;
  /** Scales every length (1 gives about 2 M tokens for 240 samples). @default 1 */
  scale?: number;
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

const COMMON = (
  "the of and to a in is that for it as with be on this by we are not or so at from if then can which " +
  "number value let us find each since must have one two all there when so this where but also now our " +
  "case first second answer problem given check wait hmm okay actually let's need think array string " +
  "sum result because only more than other same same use into time each will would could should sequence " +
  "solution function output input test example maximum minimum integer count loop index element query " +
  "equation square root prime divisor modulo remainder factor term total positive negative even odd " +
  "condition constraint possible impossible correct wrong approach idea step compute calculate consider " +
  "means therefore thus hence note suppose assume similarly finally again another way maybe perhaps " +
  "right left node edge graph tree path cost length size order sorted pair between after before while " +
  "do does did has had been being they them their its any some every no yes how what why which who " +
  "Alice Bob Vasya Petya Monocarp string's it's don't can't we're they've I'll you'd isn't doesn't"
).split(" ");
const SYLLABLES = "ka ro mi te su lo na vi de pa zu ri qua sto ble gra ment tion ing er al ic ous ize ther".split(
  " ",
);
const CJK =
  "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音"
    .split(
      "",
    );
const CYRILLIC = "задача решение число массив строка ответ пример вход выход сумма значит поэтому".split(" ");
const GREEK = "α β γ δ ε θ λ μ π σ φ ω Δ Σ Ω".split(" ");
const SYMBOLS = "≤ ≥ ≠ ≈ → ← ⇒ ∑ ∏ ∫ √ ∞ ∈ ∉ ⊆ ∪ ∩ × ÷ ± ° · … — – « » ‘ ’ “ ” • ½ ²".split(" ");
const EMOJI = ["🙂", "🚀", "✅", "❌", "🤔", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸", "🔥", "💡"];
const CPP_TYPES = ["int", "long long", "auto", "vector<int>", "string", "bool", "double", "size_t"];
const PY_KW = ["for", "while", "if", "elif", "else", "return", "def", "print", "range", "len", "in", "not"];

/** Makes the corpus (deterministic for a seed). */
export function makeTokenizeCorpus(options: TokenizeCorpusOptions = {}): ChatSample[] {
  const next = rng(options.seed ?? 37);
  const scale = options.scale ?? 1;
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const zipf = <T>(xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(xs.length * next() ** 2.2))]!;
  const rareWord = () => Array.from({ length: int(2, 5) }, () => pick(SYLLABLES)).join("");
  const ident = () => {
    const parts = Array.from({ length: int(1, 3) }, () => next() < 0.7 ? zipf(COMMON).replace(/\W/g, "") : rareWord());
    return next() < 0.5 ? parts.join("_") : parts.map((p, i) => i === 0 ? p : p[0]!.toUpperCase() + p.slice(1)).join(
      "",
    );
  };
  const num = () =>
    next() < 0.6 ? String(int(0, 100)) : next() < 0.8 ? String(int(0, 1e6)) : `${int(0, 999)}.${int(0, 9999)}`;
  const word = () => {
    const r = next();
    if (r < 0.8) return zipf(COMMON);
    if (r < 0.9) return rareWord();
    if (r < 0.95) return num();
    if (r < 0.965) return `$${latexTerm()}$`;
    if (r < 0.975) return Array.from({ length: int(1, 4) }, () => pick(CJK)).join("");
    if (r < 0.982) return pick(CYRILLIC);
    if (r < 0.99) return pick(SYMBOLS);
    if (r < 0.995) return pick(GREEK);
    return pick(EMOJI);
  };
  const sentence = () => {
    const words = Array.from({ length: int(4, 22) }, word);
    let s = words.join(" ");
    s = s[0]!.toUpperCase() + s.slice(1);
    if (next() < 0.1) s = `${pick(["Wait", "Hmm", "So", "Okay", "But", "Actually", "Alternatively"])}, ${s}`;
    if (next() < 0.05) s = s.toUpperCase();
    return s + pick([".", ".", ".", "?", "!", ":", "...", ";"]);
  };
  const paragraph = () => Array.from({ length: int(1, 6) }, sentence).join(next() < 0.95 ? " " : "\u00a0 ");
  function latexTerm(): string {
    const v = () => pick(["x", "y", "n", "k", "a_i", "b_{j}", "\\alpha", "\\theta", num()]);
    switch (int(0, 9)) {
      case 0:
        return `\\frac{${v()}}{${v()} + ${num()}}`;
      case 1:
        return `${v()}^{${int(2, 12)}} - ${num()}${v()} + ${num()} = 0`;
      case 2:
        return `\\sqrt{${v()}^2 + ${v()}^2}`;
      case 3:
        return `\\sum_{i=1}^{${v()}} ${v()}^{i}`;
      case 4:
        return `\\left( ${v()} \\cdot ${v()} \\right) \\bmod ${num()}`;
      case 5:
        return `1 \\le ${v()} \\le 10^{${int(3, 18)}}`;
      case 6:
        return `\\binom{${v()}}{${int(0, 9)}}`;
      case 7:
        return `\\int_{0}^{\\pi} \\sin(${v()}) \\, d${pick(["x", "t"])}`;
      case 8:
        return `${v()} \\equiv ${num()} \\pmod{${num()}}`;
      default:
        return `\\lfloor \\frac{${v()}}{2} \\rfloor`;
    }
  }
  const mathBlock = () => {
    const lines = Array.from({ length: int(1, 4) }, () => `${latexTerm()} \\\\`);
    return next() < 0.5 ? `\\[\n${lines.join("\n")}\n\\]` : `$$${latexTerm()}$$`;
  };
  const arithmetic = () => {
    const a = int(2, 9999);
    const b = int(2, 999);
    return `${a} * ${b} = ${a * b}, and ${a * b} + ${b} = ${a * b + b}.`;
  };
  const cppCode = () => {
    const lines = ["#include <bits/stdc++.h>", "using namespace std;", "", "int main() {"];
    lines.push("    ios::sync_with_stdio(false);", "    cin.tie(nullptr);");
    let depth = 1;
    for (let i = int(8, 60); i > 0; i--) {
      const pad = "    ".repeat(depth);
      const r = next();
      if (r < 0.2 && depth < 5) {
        lines.push(`${pad}for (int ${pick(["i", "j", "k"])} = 0; i < ${ident()}; ++i) {`);
        depth++;
      } else if (r < 0.3 && depth > 1) {
        depth--;
        lines.push(`${"    ".repeat(depth)}}`);
      } else if (r < 0.6) {
        lines.push(`${pad}${pick(CPP_TYPES)} ${ident()} = ${ident()}[${ident()}] + ${num()};`);
      } else if (r < 0.7) {
        lines.push(`${pad}// ${sentence()}`);
      } else if (r < 0.8) {
        lines.push(`${pad}if (${ident()} >= ${num()} && ${ident()} != '${pick(["a", "#", "\\n", "0"])}') continue;`);
      } else if (r < 0.9) {
        lines.push(`${pad}cout << ${ident()} << " " << ${ident()} << "\\n";`);
      } else {
        lines.push("");
      }
    }
    while (depth > 0) lines.push(`${"    ".repeat(--depth)}}`);
    return "```cpp\n" + lines.join("\n") + "\n```";
  };
  const pyCode = () => {
    const lines = ["def solve():", "\tn = int(input())", "\ta = list(map(int, input().split()))"];
    let depth = 1;
    for (let i = int(5, 40); i > 0; i--) {
      const pad = next() < 0.8 ? "\t".repeat(depth) : "    ".repeat(depth);
      const r = next();
      if (r < 0.25 && depth < 4) {
        lines.push(`${pad}${pick(["for", "while", "if"])} ${ident()} ${pick(PY_KW)} ${ident()}(${num()}):`);
        depth++;
      } else if (r < 0.35 && depth > 1) {
        depth--;
      } else if (r < 0.75) {
        lines.push(`${pad}${ident()} = ${ident()}[${num()}:${ident()}] ${pick(["+", "-", "//", "%", "**"])} ${num()}`);
      } else if (r < 0.85) {
        lines.push(`${pad}# ${sentence()}`);
      } else {
        lines.push(`${pad}print(f"{${ident()}} {${ident()}!r}")`);
      }
    }
    return "```python\n" + lines.join("\n") + "\n\nsolve()\n```";
  };
  /** Appends blocks until about `chars` characters. */
  const fill = (chars: number, block: () => string, sep = "\n\n") => {
    const parts: string[] = [];
    let n = 0;
    while (n < chars) {
      const b = block();
      parts.push(b);
      n += b.length + sep.length;
    }
    return parts.join(sep);
  };
  const eol = (text: string) => next() < 0.05 ? text.replaceAll("\n", "\r\n") : text;
  const reasoning = (chars: number, code: boolean) =>
    fill(chars, () => {
      const r = next();
      if (r < 0.55) return paragraph();
      if (r < 0.7) return mathBlock();
      if (r < 0.8) return arithmetic();
      if (r < 0.9 && code) return next() < 0.5 ? cppCode() : pyCode();
      if (r < 0.95) return `- ${sentence()}\n- ${sentence()}\n  - ${sentence()}`;
      return `${paragraph()}\n\n\n\n${paragraph()}`;
    });

  const samples: ChatSample[] = [];
  const total = options.samples ?? 240;
  for (let i = 0; i < total; i++) {
    const codeforces = i >= total / 2;
    const contextChars = Math.round(int(600, 5200) * scale);
    const referenceChars = Math.round(int(1500, 49000) * scale);
    let question: string;
    let reference: string;
    if (!codeforces && next() < 0.7) {
      question = `${reasoning(contextChars, false)}\n\nPut your final answer within \\boxed{}.`;
      reference = `<think>\n${reasoning(referenceChars, false)}\n</think>\n\n${paragraph()} \\boxed{${latexTerm()}}`;
    } else if (!codeforces) {
      question =
        `Given the following code, predict the output for the input below.\n\n${pyCode()}\n\nInput: ${num()}\n${
          reasoning(contextChars, false)
        }`;
      reference = `<think>\n${reasoning(referenceChars, true)}\n</think>\n\n{"output": "${num()} ${ident()}"}`;
    } else {
      question = `You will be given a competitive programming problem.\n\n# Problem\n\n${
        reasoning(contextChars, false)
      }\n\n## Input Format\n\nThe first line contains $$$n$$$ ($$$1 \\le n \\le 2 \\cdot 10^5$$$).\n\n## Examples\n\`\`\`input\n${
        Array.from({ length: int(1, 5) }, num).join(" ")
      }\n\`\`\``;
      reference = `<think>\n${reasoning(referenceChars, true)}\n</think>\n\n${cppCode()}`;
    }
    samples.push({
      task: codeforces ? "CODEFORCES_COTS" : "SYNTHETIC_1_SFT",
      messages: [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: eol(question) }],
      reference: eol(reference),
    });
  }
  return samples;
}
