import { enableGrad, type Function, Parameter, Variable } from "@zerograd/autograd";
import { isFloat, NDArray } from "@zerograd/ndarray";
import type { Layer } from "@zerograd/nn";
import { OnnxExportError } from "./errors";
import { GraphBuilder, onnxType } from "./graph-builder";
import { EMITTERS, type EmitContext } from "./ops";
import { encodeModel, type ValueInfoMessage } from "./proto";

/** Options of `toOnnx`. */
export interface ToOnnxOptions {
  /** One name per example input (default `input`, or `input0`, `input1`, ... for several). */
  inputNames?: readonly string[];
  /** One name per output (default `output`, or `output0`, `output1`, ...). */
  outputNames?: readonly string[];
  /**
   * Make the leading (batch) axis of every input and output symbolic (`batch`), so the model
   * runs on any batch size (default true). With false, the traced shapes are fixed.
   */
  dynamicBatch?: boolean;
  /** The ONNX opset of the default domain, 13 to 21 (default 17). */
  opset?: number;
}

/** The opsets `toOnnx` writes; every mapping in ops.ts exists in each of them. */
const OPSETS = { min: 13, max: 21 };

/** ONNX IR version for an opset (onnx's VERSION_TABLE). */
function irVersion(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

type Outputs = Variable | readonly Outputs[];

function flattenOutputs(value: unknown, into: Variable[], op: string): Variable[] {
  if (value instanceof Variable) into.push(value);
  else if (Array.isArray(value)) for (const v of value) flattenOutputs(v, into, op);
  else {
    throw new OnnxExportError(
      `${op}: the model's forward must return Variables (or nested arrays of them), got ${value === null ? "null" : typeof value}`,
    );
  }
  return into;
}

function names(
  given: readonly string[] | undefined,
  count: number,
  base: string,
  what: string,
): string[] {
  const result = given
    ? [...given]
    : count === 1
      ? [base]
      : Array.from({ length: count }, (_, i) => `${base}${i}`);
  if (
    result.length !== count ||
    !result.every((n) => typeof n === "string" && n !== "") ||
    new Set(result).size !== count
  ) {
    throw new OnnxExportError(
      `toOnnx: ${what} must be ${count} distinct non-empty strings, got ${JSON.stringify(given)}`,
    );
  }
  return result;
}

/**
 * Exports `model` to ONNX and returns the model's bytes (an `.onnx` file's contents).
 *
 * It runs one forward pass on `exampleInputs` in eval mode (as `torch.onnx.export` does;
 * training mode is restored afterwards), with the graph recorded, and maps every autograd
 * Function of that graph to ONNX ops. Parameters become initializers named by
 * `namedParameters()` (`layers.0.weight`, ...), so the file keeps PyTorch's keys; other
 * constants (BatchNorm's running statistics, scalars) become unnamed initializers. Python
 * control flow in forward is not recorded: the graph is the traced path, as with
 * `torch.jit.trace`.
 *
 * A float input becomes a Variable for the trace. An int32 or bool NDArray input (token
 * indices) reaches forward as it is, as Embedding wants, and is declared an INT32 (BOOL) graph
 * input that Gather reads directly. Ops on int arrays alone record nothing in autograd, so feed
 * such an input to the layer that uses it (Embedding, take, where, arithmetic with floats)
 * unchanged; an input the recorded graph does not read is an error.
 *
 * Covered: every op of autograd (arithmetic, math, erf, reductions, shape ops, slicing, take,
 * concat/stack/split/pad, where, clip, im2col) and nn's linear, maxPool2d and embedding, hence
 * Linear, MLP, the activations, GELU, softmax / logSoftmax, BatchNorm (eval), Dropout (eval),
 * Flatten, Conv1d/Conv2d, the poolings, Embedding, LayerNorm, scaledDotProductAttention and
 * MultiheadAttention (so the names demo's GPT), and RNN/LSTM/GRU as their unrolled steps
 * (pass their state as an input: the default zero state is a constant of the traced batch).
 * Arrays a layer makes from shapes (a causal
 * mask, `arange` positions) are constants of the traced sequence length: only the batch axis
 * stays dynamic. Throws OnnxExportError naming the Function when one has no mapping, for an
 * input the outputs do not depend on, and for bad names or an opset outside 13–21.
 */
export function toOnnx(
  model: Layer,
  exampleInputs: NDArray | Variable | readonly (NDArray | Variable)[],
  options: ToOnnxOptions = {},
): Uint8Array {
  const { dynamicBatch = true, opset = 17 } = options;
  if (!Number.isInteger(opset) || opset < OPSETS.min || opset > OPSETS.max) {
    throw new OnnxExportError(
      `toOnnx: opset must be an integer from ${OPSETS.min} to ${OPSETS.max}, got ${String(opset)}`,
    );
  }
  if (typeof (model as { call?: unknown })?.call !== "function") {
    throw new OnnxExportError(
      "toOnnx: model must be a Layer (something with call and namedParameters)",
    );
  }
  const examples = Array.isArray(exampleInputs) ? exampleInputs : [exampleInputs];
  const arrays = examples.map((x, i) => {
    const data = x instanceof Variable ? x.data : x;
    if (!(data instanceof NDArray)) {
      throw new OnnxExportError(`toOnnx: example input ${i} must be an NDArray or a Variable`);
    }
    return data;
  });
  const inputNames = names(options.inputNames, arrays.length, "input", "inputNames");

  // The trace: eval mode, every parameter recorded (even frozen ones), float inputs as graph
  // leaves. An int32 or bool NDArray (token indices) reaches forward as it is, because layers
  // such as Embedding take raw indices; the Functions that use it keep it as a field (or wrap
  // it as a constant Variable), and `inputOf` recognises it there.
  const wasTraining = model.training;
  const parameters = model.namedParameters();
  const frozen = parameters.filter(([, p]) => !p.requiresGrad).map(([, p]) => p);
  const passThrough = examples.map((x) => !(x instanceof Variable) && !isFloat(x.dtype));
  const inputs = arrays.map((a) => new Variable(a, { requiresGrad: isFloat(a.dtype) }));
  const callArguments = arrays.map((a, i) => (passThrough[i] ? a : inputs[i]));
  let result: unknown;
  try {
    model.eval();
    for (const p of frozen) p.requiresGrad = true;
    result = enableGrad(() =>
      (model.call as (...xs: (Variable | NDArray)[]) => Outputs)(...callArguments),
    );
  } finally {
    for (const p of frozen) p.requiresGrad = false;
    if (wasTraining) model.train();
  }
  const outputs = flattenOutputs(result, [], "toOnnx");
  const outputNames = names(options.outputNames, outputs.length, "output", "outputNames");

  const graph = new GraphBuilder(opset);
  const valueNames = new Map<Variable, string>();
  const dynamic = new Set<Variable>();
  inputs.forEach((x, i) => {
    valueNames.set(x, graph.unique(inputNames[i] as string));
    dynamic.add(x);
  });
  for (const name of outputNames) graph.unique(name);
  const parameterNames = new Map<Parameter, string>(parameters.map(([n, p]) => [p, n]));

  /**
   * The graph input an array of the trace is, or null for a true constant. A view of an input
   * (a reshape or slice taken with ndarray, outside autograd) shares its buffer but was not
   * recorded: the graph cannot follow it, so that is an error rather than a frozen constant.
   */
  const inputOf = (a: NDArray, where: string): string | null => {
    const k = arrays.indexOf(a);
    if (k >= 0) return valueNames.get(inputs[k] as Variable) as string;
    const shared = arrays.findIndex((x) => x.data === a.data);
    if (shared >= 0) {
      throw new OnnxExportError(
        `toOnnx: ${where} uses ${a.dtype} [${a.shape.join(",")}], a view of input ${inputNames[shared]} [${(arrays[shared] as NDArray).shape.join(",")}] made outside autograd, which the trace cannot follow; pass the input itself, or use autograd's ops on it`,
      );
    }
    return null;
  };

  const nameOf = (v: Variable): string => {
    let name = valueNames.get(v);
    if (name === undefined) {
      const key = v instanceof Parameter ? parameterNames.get(v) : undefined;
      name = graph.tensor(key ?? v.name ?? "constant", v.data);
      valueNames.set(v, name);
    }
    return name;
  };

  for (const fn of recordedFunctions(outputs)) {
    const emitter = EMITTERS[fn.name] ?? EMITTERS[fn.name.replace(/\d+$/, "")];
    if (emitter === undefined) {
      throw new OnnxExportError(
        `toOnnx: no ONNX mapping for the Function ${fn.name} (inputs ${fn.inputs.map((v) => `[${v.shape.join(",")}]`).join(", ")}); supported: ${Object.keys(EMITTERS).join(", ")}`,
      );
    }
    const where = `the Function ${fn.name}`;
    // A pass-through input that autograd wrapped as a constant Variable is the graph input.
    for (const v of fn.inputs) {
      if (valueNames.has(v) || v.creator !== null || v instanceof Parameter) continue;
      const input = inputOf(v.data, where);
      if (input !== null) {
        valueNames.set(v, input);
        dynamic.add(v);
      }
    }
    let readsInput = false;
    const ctx: EmitContext = {
      graph,
      fn,
      inputs: fn.inputs,
      outputs: fn.outputs,
      name: (i) => nameOf(fn.inputs[i] as Variable),
      dynamic: (i) => dynamic.has(fn.inputs[i] as Variable),
      constant: (i) => {
        const v = fn.inputs[i] as Variable;
        return v.creator === null && !dynamic.has(v) && !(v instanceof Parameter) ? v.data : null;
      },
      array: (a, name) => {
        const input = inputOf(a, where);
        if (input === null) return graph.tensor(name, a);
        readsInput = true;
        return input;
      },
    };
    const produced = emitter(ctx);
    const isDynamic = readsInput || fn.inputs.some((v) => dynamic.has(v));
    fn.outputs.forEach((y, k) => {
      valueNames.set(y, produced[k] as string);
      if (isDynamic) dynamic.add(y);
    });
  }

  const valueInfo = (name: string, v: Variable, symbolicBatch: boolean): ValueInfoMessage => ({
    name,
    type: {
      tensorType: {
        elemType: onnxType(v.dtype),
        shape: {
          dim: v.shape.map((d, axis) =>
            axis === 0 && symbolicBatch ? { dimParam: "batch" } : { dimValue: d },
          ),
        },
      },
    },
  });
  outputs.forEach((y, i) => {
    graph.nodes.push({
      name: graph.unique(`${outputNames[i]}_identity`),
      opType: "Identity",
      input: [nameOf(y)],
      output: [outputNames[i] as string],
      attribute: [],
    });
  });
  // An input the outputs do not read went through something autograd did not record (ndarray
  // ops, noGrad, int-only arithmetic): the file would ignore it, so say so instead.
  const read = new Set(graph.nodes.flatMap((node) => node.input));
  for (const x of inputs) {
    const name = valueNames.get(x) as string;
    if (!read.has(name)) {
      throw new OnnxExportError(
        `toOnnx: the outputs do not depend on input ${name} (${x.dtype} [${x.shape.join(",")}]) in the recorded graph; the model computes from it outside autograd (ndarray ops, noGrad, or ops on int or bool arrays alone, which record nothing), so the export would treat the result as a constant`,
      );
    }
  }
  return encodeModel({
    irVersion: irVersion(opset),
    producerName: "zerograd",
    producerVersion: "0",
    opsetImport: [{ domain: "", version: opset }],
    graph: {
      name: model.constructor.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: inputs.map((x, i) => valueInfo(inputNames[i] as string, x, dynamicBatch)),
      output: outputs.map((y, i) =>
        valueInfo(outputNames[i] as string, y, dynamicBatch && dynamic.has(y)),
      ),
    },
  });
}

/** The Functions that made `outputs`, inputs before users (ascending generation). */
function recordedFunctions(outputs: readonly Variable[]): Function<NDArray | NDArray[]>[] {
  const seen = new Set<Function<NDArray | NDArray[]>>();
  const stack = outputs.map((y) => y.creator).filter((f) => f !== null) as Function<
    NDArray | NDArray[]
  >[];
  const found: Function<NDArray | NDArray[]>[] = [];
  while (stack.length > 0) {
    const fn = stack.pop() as Function<NDArray | NDArray[]>;
    if (seen.has(fn)) continue;
    seen.add(fn);
    found.push(fn);
    for (const x of fn.inputs)
      if (x.creator !== null) stack.push(x.creator as Function<NDArray | NDArray[]>);
  }
  return found.sort((a, b) => a.generation - b.generation);
}
