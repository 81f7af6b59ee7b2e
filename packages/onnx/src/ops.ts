// How each autograd Function recorded by a forward pass becomes ONNX nodes. The Functions
// keep their settings (axes, shapes, windows) as fields; the emitters read them and the
// shapes the trace recorded, so every mapping is exact for the traced call.
import type { Function, Variable } from "@zerograd/autograd";
import type { DType, NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { type GraphBuilder, int, ints, onnxType } from "./graph-builder";

/** What an emitter gets: the graph, the recorded call, and its inputs' ONNX names. */
export interface EmitContext {
  graph: GraphBuilder;
  fn: Function<NDArray | NDArray[]>;
  /** The recorded inputs and outputs (their shapes and, for constants, values). */
  inputs: readonly Variable[];
  outputs: readonly Variable[];
  /** The ONNX name of input i (an initializer is made on first use for a constant). */
  name(i: number): string;
  /** Whether input i depends on a graph input (so its leading axis may be the batch). */
  dynamic(i: number): boolean;
  /** Input i's array when it is a constant made during the forward pass, else null. */
  constant(i: number): NDArray | null;
  /**
   * The ONNX name of an array the Function keeps as a field (Embedding's and take's indices):
   * the graph input when it is one (an int32 input passed through), else a new initializer
   * called `name`.
   */
  array(a: NDArray, name: string): string;
}

/** Maps one recorded call to ONNX nodes and returns the names of its outputs. */
export type Emitter = (ctx: EmitContext) => string[];

/** A Function's settings, read from its fields (TypeScript-private, present at run time). */
function field<T>(fn: object, key: string): T {
  return (fn as Record<string, unknown>)[key] as T;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

// The table below holds plain functions (no calls at module level), so a bundler can drop
// all of it when only OnnxExportError or decodeOnnx is imported.
const unary = (ctx: EmitContext, opType: string) => [ctx.graph.op(opType, [ctx.name(0)])];
/**
 * Input i's name, cast to the output's dtype when it has another: ndarray promotes mixed
 * dtypes (an int32 input times a float), ONNX's arithmetic wants one type.
 */
function promoted(ctx: EmitContext, i: number): string {
  const from = (ctx.inputs[i] as Variable).dtype;
  const to = (ctx.outputs[0] as Variable).dtype;
  if (from === to) return ctx.name(i);
  return ctx.graph.op("Cast", [ctx.name(i)], { to: int(onnxType(to)) });
}

const binary = (ctx: EmitContext, opType: string) => [
  ctx.graph.op(opType, [promoted(ctx, 0), promoted(ctx, 1)]),
];

const shapeOf = (ctx: EmitContext, i: number) => (ctx.inputs[i] as Variable).shape;
const outShape = (ctx: EmitContext) => (ctx.outputs[0] as Variable).shape;

/** x − mean(x) squared, averaged over `axes` (population variance, as ndarray's). */
function variance(ctx: EmitContext): string {
  const { graph } = ctx;
  const axes = field<number[]>(ctx.fn, "axes");
  const x = ctx.name(0);
  const centered = graph.op("Sub", [x, graph.reduce("ReduceMean", x, axes, true)]);
  return graph.reduce(
    "ReduceMean",
    graph.op("Mul", [centered, centered]),
    axes,
    field<boolean>(ctx.fn, "keepdims"),
  );
}

const reduction = (ctx: EmitContext, opType: string) => [
  ctx.graph.reduce(
    opType,
    ctx.name(0),
    field<number[]>(ctx.fn, "axes"),
    field<boolean>(ctx.fn, "keepdims"),
  ),
];

/**
 * A reshape to the traced output shape. With a batch-dependent input the leading axis is
 * written as 0 (copy the input's) when it is kept, or -1 when the batch was merged into it
 * (im2col rows, a full flatten), so other batch sizes reshape correctly.
 */
function reshapeTo(
  ctx: EmitContext,
  x: string,
  from: readonly number[],
  to: readonly number[],
): string {
  const target: number[] = [...to];
  if (ctx.dynamic(0) && target.length > 0) {
    if (from.length > 0 && target[0] === from[0]) target[0] = 0;
    else target[0] = -1;
  }
  return ctx.graph.op("Reshape", [x, ctx.graph.int64s("shape", target)]);
}

function normalized(axis: number | readonly number[], ndim: number): number[] {
  return (typeof axis === "number" ? [axis] : [...axis]).map((a) => (a < 0 ? a + ndim : a));
}

/**
 * Sub of a constant that equals max(x) over one kept axis is the stable shift softmax and
 * logSoftmax take (computed on raw data during the trace): recompute it with ReduceMax, so
 * the exported graph shifts each new input by its own maximum.
 */
function sub(ctx: EmitContext): string[] {
  const c = ctx.constant(1);
  const x = ctx.inputs[0] as Variable;
  if (c !== null && ctx.dynamic(0) && c.ndim === x.ndim && c.ndim > 0) {
    for (let axis = 0; axis < x.ndim; axis++) {
      const isShift =
        c.shape[axis] === 1 &&
        c.shape.every((d, k) => k === axis || d === x.shape[k]) &&
        nd.arrayEqual(nd.max(x.data, axis, true), c);
      if (isShift) {
        const shift = ctx.graph.reduce("ReduceMax", ctx.name(0), [axis], true);
        return [ctx.graph.op("Sub", [ctx.name(0), shift])];
      }
    }
  }
  return [ctx.graph.op("Sub", [promoted(ctx, 0), promoted(ctx, 1)])];
}

/**
 * Where with a constant condition equal to `a > 0` is leakyRelu's (its mask comes from raw
 * data during the trace): write the comparison, so new inputs get their own mask.
 */
function where(ctx: EmitContext): string[] {
  const cond = ctx.constant(0);
  const a = ctx.inputs[1] as Variable;
  let condition: string;
  if (
    cond !== null &&
    ctx.dynamic(1) &&
    cond.dtype === "bool" &&
    nd.arrayEqual(cond, nd.greater(a.data, 0))
  ) {
    condition = ctx.graph.op("Greater", [ctx.name(1), ctx.graph.scalar("zero", 0, a.dtype)]);
  } else {
    condition = ctx.name(0);
  }
  return [ctx.graph.op("Where", [condition, ctx.name(1), ctx.name(2)])];
}

/**
 * im2col as a grouped convolution with one-hot kernels: output channel (c·kH + i)·kW + j
 * copies x[c] at kernel offset (i, j), so the result is im2col's columns, exactly.
 */
function im2col(ctx: EmitContext): string[] {
  const { graph } = ctx;
  const windows = field<Record<"kernelSize" | "stride" | "pad" | "dilation", nd.IntPair>>(
    ctx.fn,
    "windows",
  );
  const [kernelSize, stride, pad, dilation] = (
    ["kernelSize", "stride", "pad", "dilation"] as const
  ).map((key) => pairOf(windows[key])) as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  const toMatrix = field<{ toMatrix: boolean }>(ctx.fn, "windows").toMatrix;
  const x = ctx.inputs[0] as Variable;
  const channels = x.shape[1] as number;
  const [kh, kw] = kernelSize;
  const taps = kh * kw;
  const oneHot = nd.zeros([channels * taps, 1, kh, kw], x.dtype);
  const values = oneHot.data;
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < taps; t++) values[(c * taps + t) * taps + t] = 1;
  }
  const conv = graph.op("Conv", [ctx.name(0), graph.tensor("im2col_kernel", oneHot)], {
    group: int(channels),
    kernel_shape: ints(kernelSize),
    strides: ints(stride),
    pads: ints([pad[0], pad[1], pad[0], pad[1]]),
    dilations: ints(dilation),
  });
  const out = outShape(ctx);
  if (toMatrix) {
    const rows = graph.op("Transpose", [conv], { perm: ints([0, 2, 3, 1]) });
    return [graph.op("Reshape", [rows, graph.int64s("shape", [-1, channels * taps])])];
  }
  return [graph.op("Reshape", [conv, graph.int64s("shape", [0, ...out.slice(1)])])];
}

/** A window size given as one number or a pair, as a pair. */
function pairOf(value: nd.IntPair): [number, number] {
  return typeof value === "number" ? [value, value] : [value[0], value[1]];
}

/** Slice with Python semantics: missing bounds become ONNX's clamped int64 extremes. */
function slice(ctx: EmitContext): string[] {
  const specs = field<readonly nd.SliceSpec[]>(ctx.fn, "specs");
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  specs.forEach((spec, axis) => {
    if (spec === null || spec === undefined) return;
    const [start, stop, step] = spec;
    const s = step ?? 1;
    axes.push(axis);
    steps.push(s);
    starts.push(start === null || start === undefined ? (s > 0 ? 0n : INT64_MAX) : BigInt(start));
    ends.push(stop === null || stop === undefined ? (s > 0 ? INT64_MAX : INT64_MIN) : BigInt(stop));
  });
  if (axes.length === 0) return [ctx.graph.op("Identity", [ctx.name(0)])];
  const g = ctx.graph;
  return [
    g.op("Slice", [
      ctx.name(0),
      g.int64s("starts", starts),
      g.int64s("ends", ends),
      g.int64s("axes", axes),
      g.int64s("steps", steps),
    ]),
  ];
}

function take(ctx: EmitContext): string[] {
  const { graph } = ctx;
  const indices = field<NDArray | readonly number[] | number>(ctx.fn, "indices");
  const axis = field<number | undefined>(ctx.fn, "axis");
  const source =
    axis === undefined
      ? graph.op("Reshape", [ctx.name(0), graph.int64s("shape", [-1])])
      : ctx.name(0);
  const index =
    typeof indices === "number"
      ? graph.int64s("indices", [indices], true)
      : Array.isArray(indices)
        ? graph.int64s("indices", indices as number[])
        : ctx.array(indices as NDArray, "indices");
  return [graph.op("Gather", [source, index], { axis: int(axis ?? 0) })];
}

/** Embedding's row lookup: Gather of the weight's rows by the (int32) indices. */
function embedding(ctx: EmitContext): string[] {
  const indices = ctx.array(field<NDArray>(ctx.fn, "indices"), "indices");
  return [ctx.graph.op("Gather", [ctx.name(0), indices], { axis: int(0) })];
}

function maxPool2d(ctx: EmitContext): string[] {
  const { kernel, stride, padding, dilation } = field<{
    kernel: [number, number];
    stride: [number, number];
    padding: [number, number];
    dilation: [number, number];
  }>(ctx.fn, "window");
  return [
    ctx.graph.op("MaxPool", [ctx.name(0)], {
      kernel_shape: ints(kernel),
      strides: ints(stride),
      pads: ints([padding[0], padding[1], padding[0], padding[1]]),
      dilations: ints(dilation),
    }),
  ];
}

/** y = x·weightᵀ (+ bias): Gemm for a matrix x, else MatMul with the transposed weight. */
function linear(ctx: EmitContext): string[] {
  const { graph } = ctx;
  const hasBias = ctx.inputs.length > 2;
  if (shapeOf(ctx, 0).length === 2) {
    const inputs = [ctx.name(0), ctx.name(1), ...(hasBias ? [ctx.name(2)] : [])];
    return [graph.op("Gemm", inputs, { transB: int(1) })];
  }
  const weightT = graph.op("Transpose", [ctx.name(1)], { perm: ints([1, 0]) });
  const y = graph.op("MatMul", [ctx.name(0), weightT]);
  return [hasBias ? graph.op("Add", [y, ctx.name(2)]) : y];
}

function broadcastTo(ctx: EmitContext): string[] {
  const from = shapeOf(ctx, 0);
  const to = outShape(ctx);
  const lead = to.length - from.length;
  // 1 wherever the input already has the size, so a dynamic batch axis is left alone.
  const target = to.map((d, k) => (k >= lead && from[k - lead] === d ? 1 : d));
  return [ctx.graph.op("Expand", [ctx.name(0), ctx.graph.int64s("shape", target)])];
}

function sumTo(ctx: EmitContext): string[] {
  const from = shapeOf(ctx, 0);
  const to = outShape(ctx);
  const lead = from.length - to.length;
  const axes = from
    .map((_, k) => k)
    .filter((k) => k < lead || (to[k - lead] === 1 && from[k] !== 1));
  const summed = ctx.graph.reduce("ReduceSum", ctx.name(0), axes, true);
  if (lead === 0) return [summed];
  // The summed-away leading axes are size 1 now; squeezing them keeps a batch axis dynamic.
  const leading = [...Array(lead).keys()];
  return [ctx.graph.op("Squeeze", [summed, ctx.graph.int64s("axes", leading)])];
}

function logSumExp(ctx: EmitContext): string[] {
  const { graph } = ctx;
  const axes = field<number[]>(ctx.fn, "axes");
  const x = ctx.name(0);
  const m = graph.reduce("ReduceMax", x, axes, true);
  const total = graph.reduce("ReduceSum", graph.op("Exp", [graph.op("Sub", [x, m])]), axes, true);
  const y = graph.op("Add", [graph.op("Log", [total]), m]);
  if (field<boolean>(ctx.fn, "keepdims") || axes.length === 0) return [y];
  return [graph.op("Squeeze", [y, graph.int64s("axes", axes)])];
}

function clip(ctx: EmitContext): string[] {
  const lo = field<number | null>(ctx.fn, "loIndex");
  const hi = field<number | null>(ctx.fn, "hiIndex");
  let y = ctx.name(0);
  if (lo !== null) y = ctx.graph.op("Max", [y, ctx.name(lo)]);
  if (hi !== null) y = ctx.graph.op("Min", [y, ctx.name(hi)]);
  return [y];
}

function pad(ctx: EmitContext): string[] {
  const { graph } = ctx;
  const x = ctx.inputs[0] as Variable;
  const { before, after } = nd.resolvePadWidth(field<nd.PadWidth>(ctx.fn, "padWidth"), x.shape);
  const value = graph.scalar("pad_value", field<number>(ctx.fn, "constantValue"), x.dtype);
  return [graph.op("Pad", [ctx.name(0), graph.int64s("pads", [...before, ...after]), value])];
}

function stack(ctx: EmitContext): string[] {
  const out = outShape(ctx);
  const [axis] = normalized(field<number>(ctx.fn, "axis"), out.length) as [number];
  const axes = ctx.graph.int64s("axes", [axis]);
  const parts = ctx.inputs.map((_, i) => ctx.graph.op("Unsqueeze", [ctx.name(i), axes]));
  return [ctx.graph.op("Concat", parts, { axis: int(axis) })];
}

function split(ctx: EmitContext): string[] {
  const x = ctx.inputs[0] as Variable;
  const [axis] = normalized(field<number>(ctx.fn, "axis"), x.ndim) as [number];
  const sizes = ctx.outputs.map((y) => y.shape[axis] as number);
  return ctx.graph.node(
    "Split",
    [ctx.name(0), ctx.graph.int64s("split", sizes)],
    { axis: int(axis) },
    ctx.outputs.length,
  );
}

/** Every Function `toOnnx` can export, by the name the Function reports. */
export const EMITTERS: Record<string, Emitter> = {
  Add: (ctx) => binary(ctx, "Add"),
  Sub: sub,
  Mul: (ctx) => binary(ctx, "Mul"),
  Div: (ctx) => binary(ctx, "Div"),
  Pow: (ctx) => [ctx.graph.op("Pow", [promoted(ctx, 0), ctx.name(1)])],
  Maximum: (ctx) => binary(ctx, "Max"),
  Minimum: (ctx) => binary(ctx, "Min"),
  MatMul: (ctx) => binary(ctx, "MatMul"),
  Neg: (ctx) => unary(ctx, "Neg"),
  Exp: (ctx) => unary(ctx, "Exp"),
  Log: (ctx) => unary(ctx, "Log"),
  Sqrt: (ctx) => unary(ctx, "Sqrt"),
  Tanh: (ctx) => unary(ctx, "Tanh"),
  Sin: (ctx) => unary(ctx, "Sin"),
  Cos: (ctx) => unary(ctx, "Cos"),
  Sigmoid: (ctx) => unary(ctx, "Sigmoid"),
  Relu: (ctx) => unary(ctx, "Relu"),
  Abs: (ctx) => unary(ctx, "Abs"),
  Sign: (ctx) => unary(ctx, "Sign"),
  Erf: (ctx) => unary(ctx, "Erf"),
  Copy: (ctx) => unary(ctx, "Identity"),
  Square: (ctx) => [ctx.graph.op("Mul", [ctx.name(0), ctx.name(0)])],
  Sum: (ctx) => reduction(ctx, "ReduceSum"),
  Mean: (ctx) => reduction(ctx, "ReduceMean"),
  Max: (ctx) => reduction(ctx, "ReduceMax"),
  Min: (ctx) => reduction(ctx, "ReduceMin"),
  Prod: (ctx) => reduction(ctx, "ReduceProd"),
  Variance: (ctx) => [variance(ctx)],
  Std: (ctx) => [ctx.graph.op("Sqrt", [variance(ctx)])],
  LogSumExp: logSumExp,
  Where: where,
  Clip: clip,
  Reshape: (ctx) => [reshapeTo(ctx, ctx.name(0), shapeOf(ctx, 0), outShape(ctx))],
  Flatten: (ctx) => [reshapeTo(ctx, ctx.name(0), shapeOf(ctx, 0), outShape(ctx))],
  Squeeze: (ctx) => {
    const from = shapeOf(ctx, 0);
    const axis = field<number | readonly number[] | undefined>(ctx.fn, "axis");
    const axes =
      axis === undefined
        ? from.map((d, k) => (d === 1 ? k : -1)).filter((k) => k >= 0)
        : normalized(axis, from.length);
    return [ctx.graph.op("Squeeze", [ctx.name(0), ctx.graph.int64s("axes", axes)])];
  },
  ExpandDims: (ctx) => {
    const axes = normalized(
      field<number | readonly number[]>(ctx.fn, "axis"),
      outShape(ctx).length,
    );
    return [ctx.graph.op("Unsqueeze", [ctx.name(0), ctx.graph.int64s("axes", axes)])];
  },
  Transpose: (ctx) => {
    const ndim = shapeOf(ctx, 0).length;
    const axes = field<readonly number[] | undefined>(ctx.fn, "axes");
    const perm = axes === undefined ? [...Array(ndim).keys()].reverse() : normalized(axes, ndim);
    return [ctx.graph.op("Transpose", [ctx.name(0)], { perm: ints(perm) })];
  },
  BroadcastTo: broadcastTo,
  SumTo: sumTo,
  AsType: (ctx) => [
    ctx.graph.op("Cast", [ctx.name(0)], { to: int(onnxType(field<DType>(ctx.fn, "dtype"))) }),
  ],
  Slice: slice,
  Take: take,
  Concat: (ctx) => {
    const [axis] = normalized(field<number>(ctx.fn, "axis"), outShape(ctx).length) as [number];
    return [
      ctx.graph.op(
        "Concat",
        ctx.inputs.map((_, i) => ctx.name(i)),
        { axis: int(axis) },
      ),
    ];
  },
  Stack: stack,
  Split: split,
  Pad: pad,
  Im2col: im2col,
  MaxPool2d: maxPool2d,
  Linear: linear,
  Embedding: embedding,
};
