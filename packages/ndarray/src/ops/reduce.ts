import { allocate, type DType, floatResult, isFloat } from "../dtype";
import { ShapeError } from "../errors";
import { engine, type ScalarFn } from "../kernels/engine";
import { NDArray } from "../ndarray";
import { contiguousStrides, formatShape, normalizeAxes, reducedShape, shapeSize } from "../shape";
import { sub } from "./binary";
import { astype, contiguous } from "./copy";
import { checkArray } from "./operands";
import { transpose } from "./shape";
import { exp, log, sqrt, square } from "./unary";

/** Which axes to reduce: one, several (negatives allowed), or all when undefined or null (Python's None). */
export type Axis = number | readonly number[] | null | undefined;

interface Reduction {
  readonly fn: ScalarFn;
  readonly init: number;
  readonly pairwise: boolean;
  /** Whether a reduction over zero elements is an error (max/min have no identity). */
  readonly needsElements: boolean;
}

const SUM: Reduction = { fn: (s, v) => s + v, init: 0, pairwise: true, needsElements: false };
const PROD: Reduction = { fn: (s, v) => s * v, init: 1, pairwise: false, needsElements: false };
// Integer products wrap in 32 bits like C (a float64 product is inexact beyond 2^53).
const PROD_INT: Reduction = {
  fn: (s, v) => Math.imul(s, v),
  init: 1,
  pairwise: false,
  needsElements: false,
};
const MAX: Reduction = {
  fn: (s, v) => Math.max(s, v),
  init: -Infinity,
  pairwise: false,
  needsElements: true,
};
const MIN: Reduction = {
  fn: (s, v) => Math.min(s, v),
  init: Infinity,
  pairwise: false,
  needsElements: true,
};

/** A reduction's float64 accumulators, the result shape, and how many elements each one folded. */
interface Accumulated {
  acc: Float64Array;
  shape: number[];
  count: number;
}

function accumulate(
  op: string,
  x: NDArray,
  axis: Axis,
  keepdims: boolean,
  r: Reduction,
): Accumulated {
  checkArray(x, op);
  const axes = normalizeAxes(axis, x.ndim, op, x.shape);
  const withOnes = reducedShape(x.shape, axes, true);
  let count = 1;
  for (const a of axes) count *= x.shape[a] as number;
  if (r.needsElements && count === 0) {
    throw new ShapeError(
      `${op}: cannot reduce zero elements (axes [${axes.join(",")}] of shape ${formatShape(x.shape)})`,
    );
  }
  const acc = new Float64Array(shapeSize(withOnes)).fill(r.init);
  const accStrides = contiguousStrides(withOnes).map((s, i) => (axes.includes(i) ? 0 : s));
  engine().reduce(r.fn, x.shape, x, accStrides, acc, r.pairwise);
  return { acc, shape: reducedShape(x.shape, axes, keepdims), count };
}

/** The float64 accumulators as an array of the result dtype (rounded or wrapped on the way). */
function castAccumulators(values: Float64Array, shape: number[], dtype: DType): NDArray {
  if (dtype === "float64") return new NDArray(values, shape);
  const out = allocate(dtype, values.length);
  out.set(values);
  return new NDArray(out, shape);
}

/** Integer and bool sums and products are int32; floats keep their dtype. */
const sumDType = (dtype: DType): DType => (isFloat(dtype) ? dtype : "int32");

/** Sum over `axis` (float sums are pairwise, with float64 accumulators). */
export function sum(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const { acc, shape } = accumulate("sum", x, axis, keepdims, SUM);
  return castAccumulators(acc, shape, sumDType(x.dtype));
}

/** Product over `axis`; int32 and bool give int32, wrapping on overflow like C. */
export function prod(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const integral = x instanceof NDArray && !isFloat(x.dtype);
  const { acc, shape } = accumulate("prod", x, axis, keepdims, integral ? PROD_INT : PROD);
  return castAccumulators(acc, shape, sumDType(x.dtype));
}

/** Maximum over `axis`; NaN propagates; a ShapeError for an empty reduction. */
export function max(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const { acc, shape } = accumulate("max", x, axis, keepdims, MAX);
  return castAccumulators(acc, shape, x.dtype);
}

/** Minimum over `axis`; NaN propagates; a ShapeError for an empty reduction. */
export function min(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const { acc, shape } = accumulate("min", x, axis, keepdims, MIN);
  return castAccumulators(acc, shape, x.dtype);
}

/** Arithmetic mean over `axis` (int and bool give float32; an empty mean is NaN). */
export function mean(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const { acc, shape, count } = accumulate("mean", x, axis, keepdims, SUM);
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) / count;
  return castAccumulators(acc, shape, floatResult(x.dtype));
}

/** Population variance in float64 (two passes: the mean, then the mean squared deviation). */
function varianceWide(op: string, x: NDArray, axis: Axis, keepdims: boolean): NDArray {
  checkArray(x, op);
  normalizeAxes(axis, x.ndim, op, x.shape); // errors name this op, not the helpers below
  const wide = x.dtype === "float64" ? x : astype(x, "float64");
  const centred = sub(wide, mean(wide, axis, true));
  return mean(square(centred), axis, keepdims);
}

/**
 * Population variance (ddof 0) over `axis`, computed in two passes in float64 so that a large
 * common offset costs no accuracy; int and bool give float32. Also exported as `var`.
 */
export function variance(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const v = varianceWide("variance", x, axis, keepdims);
  return astype(v, floatResult(x.dtype));
}

export { variance as var };

/** Population standard deviation (ddof 0) over `axis`; int and bool give float32. */
export function std(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const v = varianceWide("std", x, axis, keepdims);
  return astype(sqrt(v), floatResult(x.dtype));
}

/**
 * log(sum(exp(x))) over `axis`, shifted by the maximum so that inputs of ±1000 stay finite;
 * −Infinity for an empty reduction, +Infinity if any element is +Infinity.
 */
export function logsumexp(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  checkArray(x, "logsumexp");
  const wide = x.dtype === "float64" ? x : astype(x, "float64");
  const peak = accumulate("logsumexp", wide, axis, true, { ...MAX, needsElements: false });
  const shift = peak.acc.map((m) => (Number.isFinite(m) ? m : 0));
  const shiftArray = new NDArray(shift, peak.shape);
  const total = log(sum(exp(sub(wide, shiftArray)), axis, true));
  const result = new Float64Array(total.size);
  const totals = total.data;
  for (let i = 0; i < result.length; i++) result[i] = (totals[i] as number) + (shift[i] as number);
  const axes = normalizeAxes(axis, x.ndim, "logsumexp");
  return castAccumulators(result, reducedShape(x.shape, axes, keepdims), floatResult(x.dtype));
}

function argReduce(
  op: string,
  x: NDArray,
  axis: Axis | null,
  keepdims: boolean,
  better: (v: number, best: number) => boolean,
): NDArray {
  checkArray(x, op);
  // null is accepted as "no axis", the way Python code passes axis=None.
  const axes = normalizeAxes(axis ?? undefined, x.ndim, op, x.shape);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  let length = 1;
  for (const a of axes) length *= x.shape[a] as number;
  if (length === 0) {
    throw new ShapeError(
      `${op}: cannot reduce zero elements (axes [${axes.join(",")}] of shape ${formatShape(x.shape)})`,
    );
  }
  const shape = reducedShape(x.shape, axes, keepdims);
  // Reduced axes leading a contiguous array (argmax over axis 0): keep a running best per
  // output element and sweep the rows in memory order, instead of transposing first.
  if (x.isContiguous && axes.every((a, i) => a === i) && keptAxes.length > 0) {
    return new NDArray(argOverLeadingRows(x, length, better), shape);
  }
  // Otherwise move the reduced axes last (in their order) and make the rows contiguous: one
  // scan per output element; the index is the flat position within the reduced axes, row-major.
  const rows = contiguous(transpose(x, [...keptAxes, ...axes]));
  const data = rows.data;
  const base = rows.offset;
  const count = rows.size / length;
  const out = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const start = base + r * length;
    let best = data[start] as number;
    let at = 0;
    for (let i = 1; i < length; i++) {
      const v = data[start + i] as number;
      if (better(v, best)) {
        best = v;
        at = i;
      }
    }
    out[r] = at;
  }
  return new NDArray(out, shape);
}

/** argmax/argmin over the leading `rows` rows of a contiguous x: row r wins where it is better. */
function argOverLeadingRows(
  x: NDArray,
  rows: number,
  better: (v: number, best: number) => boolean,
): Int32Array {
  const width = x.size / rows;
  const data = x.data;
  const best = new Float64Array(width);
  for (let j = 0; j < width; j++) best[j] = data[x.offset + j] as number;
  const at = new Int32Array(width);
  for (let r = 1, row = x.offset + width; r < rows; r++, row += width) {
    for (let j = 0; j < width; j++) {
      const v = data[row + j] as number;
      if (better(v, best[j] as number)) {
        best[j] = v;
        at[j] = r;
      }
    }
  }
  return at;
}

// The first NaN wins, as in NumPy; otherwise the first of equal extremes.
const greaterOrNaN = (v: number, best: number) =>
  v > best || (Number.isNaN(v) && !Number.isNaN(best));
const lessOrNaN = (v: number, best: number) => v < best || (Number.isNaN(v) && !Number.isNaN(best));

/**
 * Index (int32) of the maximum along `axis`; ties give the first, NaN wins. Without an axis
 * it is the flat index, and over several axes the flat index within those axes (row-major).
 */
export function argmax(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  return argReduce("argmax", x, axis, keepdims, greaterOrNaN);
}

/**
 * Index (int32) of the minimum along `axis`; ties give the first, NaN wins. Without an axis
 * it is the flat index, and over several axes the flat index within those axes (row-major).
 */
export function argmin(x: NDArray, axis?: Axis, keepdims = false): NDArray {
  return argReduce("argmin", x, axis, keepdims, lessOrNaN);
}
