import {
  asVariable,
  concat,
  div,
  expandDims,
  Function,
  im2col,
  isGradEnabled,
  mean,
  reshape,
  scatterAdd,
  slice,
  squeeze,
  sum,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { formatShape, type NDArray, ShapeError } from "@zerograd/ndarray";
import { type Pair, pairOf } from "./conv";

/** Options of `maxPool2d`; each size is a number or `[height, width]`. */
export interface MaxPool2dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: Pair;
  /** Implicit -∞ padding on each side, at most half the kernel (default 0). */
  padding?: Pair;
  /** The spacing of the window's taps (default 1). */
  dilation?: Pair;
}

/** Options of `avgPool2d`; each size is a number or `[height, width]`. */
export interface AvgPool2dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: Pair;
  /** Implicit zero padding on each side, at most half the kernel (default 0). */
  padding?: Pair;
  /** Whether padded zeros count in each window's divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** A window geometry after its checks: every size a pair. */
interface Window {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/**
 * Reads a pooling's sizes and checks them and the input against PyTorch's rules (padding at
 * most half the kernel, a non-empty output); x is batched here.
 */
function poolWindow(
  op: string,
  x: Variable | NDArray,
  kernelSize: Pair,
  stride: Pair | undefined,
  padding: Pair | undefined,
  dilation: Pair | undefined,
): Window {
  const kernel = pairOf(kernelSize, "kernelSize", 1, op);
  const window: Window = {
    kernel,
    stride: pairOf(stride ?? kernel, "stride", 1, op),
    padding: pairOf(padding ?? 0, "padding", 0, op),
    dilation: pairOf(dilation ?? 1, "dilation", 1, op),
  };
  const shapes = `input ${formatShape(x.shape)}, kernel ${formatShape(kernel)}, padding ${formatShape(window.padding)}`;
  if (window.padding[0] > kernel[0] / 2 || window.padding[1] > kernel[1] / 2) {
    throw new ShapeError(`${op}: padding must be at most half the kernel (${shapes})`);
  }
  const [, , h, w] = x.shape as [number, number, number, number];
  for (const [axis, size] of [
    [0, h],
    [1, w],
  ] as const) {
    const extent = window.dilation[axis] * (kernel[axis] - 1) + 1;
    if (extent > size + 2 * window.padding[axis]) {
      throw new ShapeError(`${op}: the window is larger than the padded input (${shapes})`);
    }
  }
  return window;
}

/** Batches an unbatched `[C, H, W]`; `restore` undoes it on the result. */
function batched(x: Variable, op: string) {
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      `${op}: expected input [N, C, H, W] or unbatched [C, H, W], got ${formatShape(x.shape)}`,
    );
  }
  const unbatched = x.ndim === 3;
  return {
    input: unbatched ? expandDims(x, 0) : x,
    restore: (y: Variable) => (unbatched ? squeeze(y, 0) : y),
  };
}

/**
 * Max pooling as one Function (its node reads "MaxPool2d", and exporters read its `window`):
 * the forward takes each window's first maximum and its index (ndarray's `windowMaxima`); the backward
 * scatter-adds the output gradient to those elements: into a zero array in place, or with
 * Variable ops when the gradient must be differentiable again (createGraph).
 */
class MaxPool2dFunction extends Function {
  /** int32 [N, C, OH, OW]: the flat input index each output took. */
  private chosen: NDArray | null = null;

  constructor(readonly window: Window) {
    super();
  }

  override get name(): string {
    return "MaxPool2d";
  }

  forward(x: NDArray): NDArray {
    const { kernel, stride, padding, dilation } = this.window;
    const [values, indices] = nd.windowMaxima(x, kernel, stride, padding, dilation);
    this.chosen = indices;
    return values;
  }

  backward(gy: Variable): Variable | NDArray {
    const x = this.inputs[0] as Variable;
    const chosen = this.chosen as NDArray;
    if (!isGradEnabled()) {
      // On raw arrays, into the zeros themselves: one full-size array instead of two.
      const dx = nd.zeros(x.shape, gy.dtype);
      return nd.scatterAdd(dx, chosen, gy.data, undefined, { out: dx });
    }
    const flat = scatterAdd(
      nd.zeros([x.size], gy.dtype),
      nd.reshape(chosen, [-1]),
      reshape(gy, [-1]),
    );
    return reshape(flat, x.shape);
  }
}

/**
 * 2-D max pooling, PyTorch's `F.max_pool2d`: x `[N, C, H, W]` (or unbatched `[C, H, W]`) →
 * `[N, C, OH, OW]`, each output the largest element of its window, padding reading as −∞.
 * Where a window holds several maxima the first (row-major) gets the gradient, as in PyTorch;
 * it is computed as the gather of each window's first maximum.
 * Throws ShapeError for a wrong rank, bad sizes, padding over half the kernel, or a window
 * larger than the padded input.
 */
export function maxPool2d(
  x: VariableLike,
  kernelSize: Pair,
  options: MaxPool2dOptions = {},
): Variable {
  const { input, restore } = batched(asVariable(x), "maxPool2d");
  const { stride, padding, dilation } = options;
  const window = poolWindow("maxPool2d", input, kernelSize, stride, padding, dilation);
  return restore(new MaxPool2dFunction(window).apply(input));
}

/**
 * 2-D average pooling, PyTorch's `F.avg_pool2d`: x `[N, C, H, W]` (or unbatched) →
 * `[N, C, OH, OW]`, each output its window's mean. Padding reads as 0; with `countIncludePad`
 * false a window divides by its count of real elements only. Throws ShapeError as `maxPool2d`.
 */
export function avgPool2d(
  x: VariableLike,
  kernelSize: Pair,
  options: AvgPool2dOptions = {},
): Variable {
  const { input, restore } = batched(asVariable(x), "avgPool2d");
  const { stride, padding, countIncludePad = true } = options;
  const window = poolWindow("avgPool2d", input, kernelSize, stride, padding, 1);
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const cols = im2col(input, window.kernel, window.stride, window.padding, false);
  const [, , kh, kw, oh, ow] = cols.shape as [number, number, number, number, number, number];
  const total = sum(reshape(cols, [n, c, kh * kw, oh, ow]), 2);
  if (countIncludePad || (window.padding[0] === 0 && window.padding[1] === 0)) {
    return restore(div(total, kh * kw));
  }
  // Each window's count of real pixels: the windows of an image of ones.
  const ones = nd.ones([1, 1, h, w], input.dtype);
  const counts = nd.sum(
    nd.im2col(ones, window.kernel, window.stride, window.padding, false),
    [2, 3],
  );
  return restore(div(total, nd.reshape(counts, [1, 1, oh, ow])));
}

/**
 * 2-D adaptive average pooling, PyTorch's `F.adaptive_avg_pool2d`: x `[N, C, H, W]` (or
 * unbatched) → `[N, C, OH, OW]` for `outputSize` = OH (square) or `[OH, OW]`, `null` keeping
 * that axis. Output row i averages input rows floor(i·H/OH) to ceil((i+1)·H/OH) (bins may
 * overlap), columns likewise. Throws ShapeError for a wrong rank or a non-positive size.
 */
export function adaptiveAvgPool2d(
  x: VariableLike,
  outputSize: number | readonly [number | null, number | null],
): Variable {
  const op = "adaptiveAvgPool2d";
  const { input, restore } = batched(asVariable(x), op);
  const [, , h, w] = input.shape as [number, number, number, number];
  const requested = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(requested) || requested.length !== 2) {
    throw new ShapeError(
      `${op}: outputSize must be a number or a pair, got ${JSON.stringify(outputSize)}`,
    );
  }
  const [oh, ow] = requested.map((v, axis) => (v === null ? (axis === 0 ? h : w) : v)) as [
    number,
    number,
  ];
  for (const size of [oh, ow]) {
    if (!Number.isInteger(size) || size < 1) {
      throw new ShapeError(
        `${op}: outputSize must hold positive integers (or null), got ${JSON.stringify(outputSize)} for input ${formatShape(input.shape)}`,
      );
    }
  }
  if (h % oh === 0 && w % ow === 0) {
    const kernel: [number, number] = [h / oh, w / ow];
    return restore(avgPool2d(input, kernel));
  }
  // Uneven bins: the mean over each row bin, then over each column bin of that.
  const binMeans = (v: Variable, axis: 2 | 3, size: number, bins: number): Variable => {
    const parts: Variable[] = [];
    for (let i = 0; i < bins; i++) {
      const range: [number, number] = [
        Math.floor((i * size) / bins),
        Math.ceil(((i + 1) * size) / bins),
      ];
      const specs = axis === 2 ? [null, null, range] : [null, null, null, range];
      parts.push(mean(slice(v, specs), axis, true));
    }
    return concat(parts, axis);
  };
  return restore(binMeans(binMeans(input, 2, h, oh), 3, w, ow));
}
