/**
 * A tiny graph-writing helper for the builder: unique value names, nodes
 * appended in order, and deduplicated constants.
 *
 * @module
 */
import {
  type AttributeValue,
  DataType,
  int64Tensor,
  type Node,
  node,
  type NodeOptions,
  type Tensor,
  tensor,
} from "../onnx/mod.ts";
import { toBfloat16Bits, toFloat16Bits } from "./_dtype.ts";

/** Builds the node list and initializers of one graph. */
export class GraphWriter {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  #used = new Set<string>();
  #constants = new Map<string, string>();
  #scope = "";

  /** Sets the prefix of new value names (`/model/layers.3`). */
  scope(prefix: string): void {
    this.#scope = prefix;
  }

  /** Reserves a name (graph inputs, initializers with fixed names). */
  reserve(name: string): string {
    if (this.#used.has(name)) throw new RangeError(`Duplicate graph value name "${name}"`);
    this.#used.add(name);
    return name;
  }

  /** A fresh value name under the current scope. */
  fresh(base: string): string {
    const stem = this.#scope ? `${this.#scope}/${base}` : base;
    let name = stem;
    for (let i = 1; this.#used.has(name); i++) name = `${stem}_${i}`;
    this.#used.add(name);
    return name;
  }

  /** Appends a node with one output and returns the output name. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    options: NodeOptions & { output?: string } = {},
  ): string {
    const output = options.output ?? this.fresh(opType);
    this.nodes.push(node(opType, inputs, [output], attributes, options));
    return output;
  }

  /** Appends a node with several outputs (`""` keeps an output unnamed). */
  ops(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    options: NodeOptions = {},
  ): string[] {
    const names = outputs.map((o) => o === "" ? "" : this.fresh(o));
    this.nodes.push(node(opType, inputs, names, attributes, options));
    return names;
  }

  /** Adds an initializer under its own (reserved) name. */
  initializer(t: Tensor): string {
    this.reserve(t.name);
    this.initializers.push(t);
    return t.name;
  }

  /** An int64 constant (shared by value). */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join("x")}:${values.join(",")}`;
    let name = this.#constants.get(key);
    if (!name) {
      name = this.reserve(`const/i64_${this.#constants.size}`);
      this.initializers.push(int64Tensor(name, values, dims));
      this.#constants.set(key, name);
    }
    return name;
  }

  /** A float constant of the given ONNX type (shared by value). */
  scalar(value: number, dataType: number, dims: readonly number[] = []): string {
    const key = `f${dataType}:${dims.join("x")}:${value}`;
    let name = this.#constants.get(key);
    if (!name) {
      name = this.reserve(`const/f_${this.#constants.size}`);
      this.initializers.push(floatOf(name, [value], dims, dataType));
      this.#constants.set(key, name);
    }
    return name;
  }

  /** A float vector constant of the given ONNX type. */
  floats(base: string, values: ArrayLike<number>, dims: readonly number[], dataType: number): string {
    const name = this.fresh(base);
    this.initializers.push(floatOf(name, Array.from(values), dims, dataType));
    return name;
  }

  /** `Cast(x)` unless `from` already is `to`. */
  cast(x: string, from: number, to: number): string {
    return from === to ? x : this.op("Cast", [x], { to });
  }
}

function floatOf(name: string, values: readonly number[], dims: readonly number[], dataType: number): Tensor {
  switch (dataType) {
    case DataType.FLOAT:
      return tensor(name, dims, Float32Array.from(values));
    case DataType.BFLOAT16:
      return tensor(name, dims, Uint16Array.from(values, toBfloat16Bits), DataType.BFLOAT16);
    case DataType.FLOAT16:
      return tensor(name, dims, Uint16Array.from(values, toFloat16Bits), DataType.FLOAT16);
    default:
      throw new RangeError(`Cannot write a float constant of ONNX type ${dataType}`);
  }
}
