import type { DType, NDArray } from "@zerograd/ndarray";
import {
  type AttributeMessage,
  AttributeType,
  type NodeMessage,
  TensorDataType,
  type TensorMessage,
} from "./proto";

/** An attribute value: an integer, a list of integers, or a tensor. */
export type AttributeValue =
  | { int: number }
  | { ints: readonly number[] }
  | { tensor: TensorMessage };

/** One integer attribute. */
export const int = (value: number): AttributeValue => ({ int: value });
/** A list-of-integers attribute. */
export const ints = (values: readonly number[]): AttributeValue => ({ ints: values });

/** Little-endian bytes of a typed array (ONNX's raw_data layout). */
function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(
    values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
  );
}

/** The ONNX element type of a zerograd dtype. */
export function onnxType(dtype: DType): number {
  return TensorDataType[dtype];
}

/**
 * Collects the nodes and initializers of one ONNX graph, giving every value a unique name.
 * Op emitters call `node` with input names and get output names back.
 */
export class GraphBuilder {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  private readonly names = new Set<string>();

  constructor(
    /** The default-domain opset the graph targets. */
    readonly opset: number,
  ) {}

  /** Reserves `name` (or `name_1`, `name_2`, ... when taken) and returns it. */
  unique(name: string): string {
    let candidate = name;
    for (let k = 1; this.names.has(candidate); k++) candidate = `${name}_${k}`;
    this.names.add(candidate);
    return candidate;
  }

  /** Adds a node of `opType` and returns its `outputs` output names. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    outputs = 1,
  ): string[] {
    const name = this.unique(`${opType}_node`);
    const outputNames = Array.from({ length: outputs }, () => this.unique(`${opType}_out`));
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: outputNames,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return outputNames;
  }

  /** `node` for an op with exactly one output. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
  ): string {
    return this.node(opType, inputs, attributes)[0] as string;
  }

  /** Adds an initializer holding `array` (copied, row-major) and returns its name. */
  tensor(name: string, array: NDArray): string {
    const unique = this.unique(name);
    this.initializers.push({
      name: unique,
      dims: [...array.shape],
      dataType: onnxType(array.dtype),
      rawData: bytesOf(array.toTypedArray()),
    });
    return unique;
  }

  /** Adds an int64 initializer (1-D, or 0-d with `scalar`) and returns its name. */
  int64s(name: string, values: readonly (number | bigint)[], scalar = false): string {
    const unique = this.unique(name);
    this.initializers.push({
      name: unique,
      dims: scalar ? [] : [values.length],
      dataType: TensorDataType.int64,
      rawData: bytesOf(BigInt64Array.from(values, (v) => BigInt(v))),
    });
    return unique;
  }

  /** Adds a 0-d initializer of `dtype` holding `value` and returns its name. */
  scalar(name: string, value: number, dtype: DType): string {
    const unique = this.unique(name);
    const Typed = {
      float32: Float32Array,
      float64: Float64Array,
      int32: Int32Array,
      bool: Uint8Array,
    }[dtype];
    this.initializers.push({
      name: unique,
      dims: [],
      dataType: onnxType(dtype),
      rawData: bytesOf(Typed.of(value)),
    });
    return unique;
  }

  /**
   * A reduction over `axes`: the axes are an attribute before opset 18 (except ReduceSum's,
   * an input since 13) and an input from 18 on. No axes reduce nothing (Identity).
   */
  reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
    if (axes.length === 0) return this.op("Identity", [x]);
    const keep = { keepdims: int(keepdims ? 1 : 0) };
    if (opType === "ReduceSum" || this.opset >= 18) {
      return this.op(opType, [x, this.int64s("axes", axes)], keep);
    }
    return this.op(opType, [x], { axes: ints(axes), ...keep });
  }
}

function attribute(name: string, value: AttributeValue): AttributeMessage {
  if ("int" in value) return { name, type: AttributeType.INT, i: value.int };
  if ("ints" in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  return { name, type: AttributeType.TENSOR, t: value.tensor };
}
