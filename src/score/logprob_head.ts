/**
 * The in-graph log-prob head: a causal LM graph whose output is `logits`
 * `[batch, seq, vocab]` gets a `labels` input `[batch, seq]` and a single
 * output `token_logprob` `[batch, seq]` = `log_softmax(logits)[…, labels]`
 * (`LogSoftmax` + `GatherElements`), so logits never leave the device.
 * Nodes, inputs and initializers that only fed other outputs (e.g.
 * `present.*`) are dropped.
 *
 * @module
 */
import {
  DataType,
  type Graph,
  int64Tensor,
  type Model,
  type Node,
  node,
  type Tensor,
  type ValueInfo,
  valueInfo,
} from "../onnx/mod.ts";
import { ModelError } from "../errors/mod.ts";

/** Name of the added input. */
export const LABELS_INPUT = "labels";
/** Name of the single output. */
export const LOGPROB_OUTPUT = "token_logprob";

/** Name of the input that selects the scored positions (flat `row * seq + col` indices), when the head is selected. */
export const POSITIONS_INPUT = "positions";

/** Options of {@linkcode addLogProbHead}. */
export interface LogProbHeadOptions {
  /** The output that holds the logits. @default "logits" */
  logits?: string;
  /**
   * Compute the LM head only at the scored positions when the graph ends in
   * `MatMul(hidden, W)` plus elementwise ops: a `positions` input `[K]`
   * selects rows of the flattened hidden states, `labels` and the output are
   * then `[K]`. Graphs that do not match keep the full head.
   * @default true
   */
  select?: boolean;
}

/** Ops allowed between the head's MatMul and the logits (position-independent). */
const ELEMENTWISE = new Set(["Add", "Sub", "Mul", "Div", "Tanh", "Cast", "Identity", "Softplus", "Relu"]);

/** The head's MatMul and the elementwise chain after it, or undefined when the graph does not match. */
function findHead(g: Graph, logitsName: string): { matmul: Node; chain: Node[]; width: number } | undefined {
  const producer = new Map<string, Node>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  const shapes = new Map<string, number[]>(g.initializer.map((t) => [t.name, t.dims]));
  for (const n of g.node) {
    const value = n.opType === "Constant" ? n.attribute.find((a) => a.name === "value")?.t : undefined;
    if (value) shapes.set(n.output[0]!, value.dims);
  }
  // A constant, or a short Cast/Transpose chain over one (built graphs cast bf16 weights, then transpose).
  const constDims = (name: string, depth = 0): number[] | undefined => {
    if (shapes.has(name)) return shapes.get(name);
    const p = producer.get(name);
    const inner = p === undefined || depth >= 2 ? undefined : constDims(p.input[0]!, depth + 1);
    if (p?.opType === "Cast" && inner) return inner;
    if (p?.opType === "Transpose" && inner?.length === 2) return [inner[1]!, inner[0]!];
    return undefined;
  };
  const constRank = (name: string) => constDims(name)?.length;
  const chain: Node[] = [];
  let current = producer.get(logitsName);
  while (current !== undefined && chain.length < 8) {
    const weight = current.opType === "MatMul" ? constDims(current.input[1]!) : undefined;
    if (weight?.length === 2) return { matmul: current, chain, width: weight[0]! };
    if (!ELEMENTWISE.has(current.opType) || (current.domain ?? "") !== "") return undefined;
    const variable = current.input.filter((name) => constRank(name) === undefined);
    if (variable.length !== 1 || current.input.some((name) => (constRank(name) ?? 0) > 2)) return undefined;
    chain.push(current);
    current = producer.get(variable[0]!);
  }
  return undefined;
}

function defaultOpset(model: Model): number {
  return model.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx")?.version ?? 0;
}

/** Names a subgraph reads from its enclosing scopes. */
function outerNames(graph: Graph): Set<string> {
  const local = new Set<string>([...graph.input.map((v) => v.name), ...graph.initializer.map((t) => t.name)]);
  for (const n of graph.node) for (const o of n.output) local.add(o);
  const used = new Set<string>();
  for (const n of graph.node) {
    for (const name of nodeInputs(n)) if (!local.has(name)) used.add(name);
  }
  return used;
}

/** A node's inputs, including names its subgraphs take from the outer scope. */
function nodeInputs(n: Node): string[] {
  const names = n.input.filter((name) => name !== "");
  for (const a of n.attribute) {
    for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) names.push(...outerNames(g));
  }
  return names;
}

/** Keeps only what the outputs need: nodes, inputs, initializers and value infos. */
function prune(graph: Graph): void {
  const needed = new Set(graph.output.map((o) => o.name));
  const keep: Node[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const n = graph.node[i]!;
    if (!n.output.some((o) => needed.has(o))) continue;
    keep.push(n);
    for (const name of nodeInputs(n)) needed.add(name);
  }
  graph.node = keep.reverse();
  graph.input = graph.input.filter((v) => needed.has(v.name));
  graph.initializer = graph.initializer.filter((t) => needed.has(t.name));
  graph.valueInfo = graph.valueInfo.filter((v) => needed.has(v.name));
}

/**
 * Returns a copy of the model (tensor bytes shared) with the log-prob head.
 *
 * @throws {ModelError} when the graph has no logits output, already has a
 * `labels` input, or its opset is older than 13
 */
export function addLogProbHead(model: Model, options: LogProbHeadOptions = {}): Model {
  const logitsName = options.logits ?? "logits";
  const g = model.graph;
  const logits = g.output.find((o) => o.name === logitsName);
  if (logits === undefined) {
    throw new ModelError(
      `Cannot add the log-prob head: the graph has no output "${logitsName}" (outputs: ${
        g.output.map((o) => `"${o.name}"`).join(", ")
      })`,
    );
  }
  if (g.input.some((v) => v.name === LABELS_INPUT)) {
    throw new ModelError(`Cannot add the log-prob head: the graph already has an input "${LABELS_INPUT}"`);
  }
  const opset = defaultOpset(model);
  if (opset < 13) throw new ModelError(`Cannot add the log-prob head: opset ${opset} is older than 13`);
  const taken = new Set<string>([...g.input.map((v) => v.name), ...g.initializer.map((t) => t.name)]);
  forEachOutput(g, (name) => taken.add(name));
  const fresh = (base: string) => {
    let name = `subvalid/${base}`;
    for (let i = 1; taken.has(name); i++) name = `subvalid/${base}_${i}`;
    taken.add(name);
    return name;
  };

  const elemType = logits.type?.tensorType?.elemType ?? DataType.FLOAT;
  const inputIds = g.input.find((v) => v.name === "input_ids");
  const dims = inputIds?.type?.tensorType?.shape?.map((d) => d.dimValue ?? d.dimParam ?? "?") ?? ["batch", "sequence"];
  const head = options.select === false ? undefined : findHead(g, logitsName);
  const nodes: Node[] = [];
  const extra: Tensor[] = [];
  let graphNodes = g.node;
  const inputs: ValueInfo[] = [...g.input];
  let valueInfos = [...g.valueInfo];
  let labelDims: (number | string)[] = dims.slice(0, 2);
  if (head !== undefined) {
    // Gather the hidden states of the scored positions before the head's MatMul.
    const flat = fresh("hidden_flat");
    const selected = fresh("hidden_selected");
    const flatShape = fresh("hidden_flat_shape");
    extra.push(int64Tensor(flatShape, [-1, head.width]));
    const selection = [
      node("Reshape", [head.matmul.input[0]!, flatShape], [flat], {}, { name: fresh("flatten") }),
      node("Gather", [flat, POSITIONS_INPUT], [selected], { axis: 0 }, { name: fresh("select") }),
    ];
    const rewired: Node = { ...head.matmul, input: [selected, ...head.matmul.input.slice(1)] };
    graphNodes = g.node.flatMap((n) => n === head.matmul ? [...selection, rewired] : [n]);
    const reshaped = new Set([...head.chain.flatMap((n) => n.output), ...head.matmul.output]);
    valueInfos = valueInfos.filter((v) => !reshaped.has(v.name));
    inputs.push(valueInfo(POSITIONS_INPUT, DataType.INT64, ["positions"]));
    labelDims = ["positions"];
  }
  const axes = fresh("axes_last");
  const labels3 = fresh("labels_expanded");
  const source = elemType === DataType.FLOAT ? logitsName : fresh("logits_f32");
  const logp = fresh("logprobs");
  const picked = fresh("picked");
  if (source !== logitsName) nodes.push(node("Cast", [logitsName], [source], { to: DataType.FLOAT }));
  nodes.push(
    node("Unsqueeze", [LABELS_INPUT, axes], [labels3], {}, { name: fresh("unsqueeze") }),
    node("LogSoftmax", [source], [logp], { axis: -1 }, { name: fresh("log_softmax") }),
    node("GatherElements", [logp, labels3], [picked], { axis: -1 }, { name: fresh("gather") }),
    node("Squeeze", [picked, axes], [LOGPROB_OUTPUT], {}, { name: fresh("squeeze") }),
  );
  inputs.push(valueInfo(LABELS_INPUT, DataType.INT32, labelDims));
  const graph: Graph = {
    ...g,
    node: [...graphNodes, ...nodes],
    initializer: [...g.initializer, ...extra, int64Tensor(axes, [-1])],
    input: inputs,
    output: [valueInfo(LOGPROB_OUTPUT, DataType.FLOAT, labelDims)],
    valueInfo: valueInfos,
  };
  prune(graph);
  return { ...model, graph };
}

function forEachOutput(g: Graph, visit: (name: string) => void): void {
  for (const n of g.node) {
    for (const o of n.output) visit(o);
    for (const a of n.attribute) {
      for (const sub of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) forEachOutput(sub, visit);
    }
  }
}
