/**
 * The architecture, checked on the real module graph: no import cycle
 * between folders of `src/`, and every layer rule of ARCHITECTURE.md.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import {
  cycleEdges,
  folderCycles,
  layerViolations,
  type ModuleGraph,
  parseLayerRules,
  readModuleGraph,
  sourceFiles,
} from "./architecture_rules.ts";

const ROOT = resolve(import.meta.dirname!, "..");
const files = await sourceFiles();
const graph = await readModuleGraph(files);
const rules = parseLayerRules(await Deno.readTextFile(resolve(ROOT, "ARCHITECTURE.md")));

/** The real graph plus one extra import. */
function withImport(from: string, to: string): ModuleGraph {
  const copy: ModuleGraph = new Map([...graph].map(([k, v]) => [k, new Set(v)]));
  if (!copy.has(from)) copy.set(from, new Set());
  copy.get(from)!.add(to);
  return copy;
}

Deno.test("the module graph covers every source file", () => {
  for (const file of files) assert.ok(graph.has(file), `${file} is missing from deno info's graph`);
  assert.ok(graph.get("src/score/score_model.ts")!.has("src/onnx/mod.ts"));
});

Deno.test("no import cycle between folders of src/", () => {
  const cycles = folderCycles(graph);
  assert.deepEqual(
    cycles.map((c) => ({ cycle: c, imports: cycleEdges(graph, c) })),
    [],
    "cut one of the imports listed",
  );
});

Deno.test("every import follows the layer rules of ARCHITECTURE.md", () => {
  assert.ok(rules.length >= 6);
  assert.deepEqual(layerViolations(graph, rules), []);
});

Deno.test("the checks fail when a forbidden import or a cycle is added", () => {
  const scoreToChain = layerViolations(withImport("src/score/score_model.ts", "src/chain/mod.ts"), rules);
  assert.deepEqual(scoreToChain.map((v) => v.rule), ["scoring never touches the network, the wallet or the chain"]);
  const chainToWeights = layerViolations(withImport("src/chain/connect_chain.ts", "src/weights/mod.ts"), rules);
  assert.equal(chainToWeights.length, 1);
  const product = layerViolations(withImport("src/hub/fetch_model.ts", "src/hubsim/mod.ts"), rules);
  assert.deepEqual(product.map((v) => v.to), ["src/hubsim/mod.ts"]);
  const runnable = layerViolations(withImport("src/validator/mod.ts", "main.ts"), rules);
  assert.ok(runnable.some((v) => v.rule === "library code never imports runnables"));
  // onnx is below score; an import back up closes a loop.
  const cycles = folderCycles(withImport("src/onnx/types.ts", "src/score/mod.ts"));
  assert.equal(cycles.length, 1);
  assert.ok(cycles[0]!.includes("src/onnx") && cycles[0]!.includes("src/score"), String(cycles[0]));
});

Deno.test("the layer-rule table is parsed, and a malformed one is refused", () => {
  assert.deepEqual(rules.find((r) => r.files.includes("src/validator"))?.except, ["src/validator/live"]);
  assert.throws(() => parseLayerRules("# no table"), SyntaxError);
  assert.throws(
    () => parseLayerRules("| rule | files | except | may not import |\n| - | - | - | - |\n| x | | | `src/a` |\n"),
    /names no paths/,
  );
});
