import {
  asVariable,
  concat,
  div,
  expandDims,
  Function,
  im2col,
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
import { convOutputSize, formatShape, NDArray, ShapeError } from "@zerograd/ndarray";
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
 * Each window's first maximum of `x` ([N, C, H, W]) and its flat index into `x` read row-major,
 * PyTorch's tie rule, in one pass over the windows: padding is skipped (it reads as −∞), and a
 * NaN wins its window as in PyTorch. Returns the maxima (x's dtype) and the int32 indices, both
 * [N, C, OH, OW].
 */
function firstMaxima(x: NDArray, window: Window): { values: NDArray; indices: NDArray } {
  const { kernel, stride, padding, dilation } = window;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [kh, kw] = kernel;
  const [sh, sw] = stride;
  const [ph, pw] = padding;
  const [dh, dw] = dilation;
  const oh = convOutputSize(h, kh, sh, ph, dh);
  const ow = convOutputSize(w, kw, sw, pw, dw);
  const source = nd.contiguous(x);
  const data = source.data;
  const base = source.offset;
  const values = nd.zeros([n, c, oh, ow], x.dtype);
  const maxima = values.data;
  const indices = new Int32Array(n * c * oh * ow);
  // Per output row (column): the window's first row (column) and the range [first, end) of its
  // taps inside the image, as flat triples.
  const taps = (count: number, s: number, p: number, d: number, k: number, size: number) => {
    const table = new Int32Array(3 * count);
    for (let o = 0; o < count; o++) {
      const from = o * s - p;
      table[3 * o] = from;
      table[3 * o + 1] = from >= 0 ? 0 : Math.ceil(-from / d);
      table[3 * o + 2] = Math.min(k, Math.floor((size - 1 - from) / d) + 1);
    }
    return table;
  };
  const rows = taps(oh, sh, ph, dh, kh, h);
  const cols = taps(ow, sw, pw, dw, kw, w);
  let out = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const origin = base + plane * h * w;
    for (let i = 0; i < oh; i++) {
      const top = rows[3 * i] as number;
      const aFirst = rows[3 * i + 1] as number;
      const aEnd = rows[3 * i + 2] as number;
      for (let j = 0; j < ow; j++) {
        const left = cols[3 * j] as number;
        const bFirst = cols[3 * j + 1] as number;
        const bEnd = cols[3 * j + 2] as number;
        // The first tap seeds the search; a NaN then holds its place.
        let at = origin + (top + aFirst * dh) * w + left + bFirst * dw;
        let best = data[at] as number;
        for (let a = aFirst; a < aEnd; a++) {
          const row = origin + (top + a * dh) * w + left;
          for (let b = bFirst; b < bEnd; b++) {
            const v = data[row + b * dw] as number;
            if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              at = row + b * dw;
            }
          }
        }
        maxima[out] = best;
        indices[out++] = at - base;
      }
    }
  }
  return { values, indices: new NDArray(indices, [n, c, oh, ow]) };
}

/**
 * Max pooling as one Function (its node reads "MaxPool2d", and exporters read its `window`):
 * the forward gathers each window's first maximum, found in one pass; the backward
 * scatter-adds the output gradient to those elements, with Variable ops, so it can be
 * differentiated again.
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
    const { values, indices } = firstMaxima(x, this.window);
    this.chosen = indices;
    return values;
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const chosen = nd.reshape(this.chosen as NDArray, [-1]);
    const flat = scatterAdd(nd.zeros([x.size], gy.dtype), chosen, reshape(gy, [-1]));
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
