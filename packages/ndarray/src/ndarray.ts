import { type DType, storageDType, type TypedArray } from "./dtype";
import { IndexError, ShapeError } from "./errors";
import { format } from "./format";
import {
  add,
  div,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  mul,
  notEqual,
  pow,
  sub,
} from "./ops/binary";
import { astype, contiguous, copy } from "./ops/copy";
import { cumsum } from "./ops/cumulative";
import { type IndexKey, index } from "./ops/index-keys";
import { type SliceSpec, slice, take } from "./ops/indexing";
import { matmul } from "./ops/matmul";
import { argmax, argmin, logsumexp, max, mean, min, prod, std, sum, variance } from "./ops/reduce";
import { broadcastTo, expandDims, flatten, reshape, squeeze, sumTo, transpose } from "./ops/shape";
import { argsort, type SortOptions, sort, topk } from "./ops/sort";
import { tril, triu } from "./ops/triangle";
import {
  abs,
  clip,
  cos,
  exp,
  log,
  neg,
  relu,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from "./ops/unary";
import { contiguousStrides, formatShape, type Shape, shapeSize } from "./shape";

/** A JS number, a boolean, or nested arrays of them. */
export type NestedArray = number | boolean | NestedArray[];

/** An NDArray, or a JS number used as a weak scalar. */
export type ArrayOrScalar = NDArray | number;

/**
 * An n-dimensional array: a typed-array buffer read through `shape`, `strides` and `offset`
 * (all in elements). Several arrays may share one buffer (views); ops never modify their inputs.
 */
export class NDArray {
  readonly data: TypedArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;

  /**
   * Wraps `data` without copying. `strides` default to row-major. A shape that is not
   * non-negative integers, or strides that are not integers or do not match it, are a
   * `ShapeError`; a view that would read outside `data` is an `IndexError`.
   */
  constructor(data: TypedArray, shape: Shape, strides?: Shape, offset = 0) {
    const dims = [...shape];
    const steps = strides ? [...strides] : contiguousStrides(dims);
    if (steps.length !== dims.length) {
      throw new ShapeError(
        `NDArray: strides ${formatShape(steps)} do not match shape ${formatShape(dims)}`,
      );
    }
    for (const d of dims) {
      if (!Number.isInteger(d) || d < 0) {
        throw new ShapeError(`NDArray: invalid shape ${formatShape(dims)}`);
      }
    }
    if (!steps.every(Number.isInteger)) {
      throw new ShapeError(`NDArray: strides ${formatShape(steps)} must be integers`);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new IndexError(`NDArray: offset must be a non-negative integer, got ${offset}`);
    }
    if (shapeSize(dims) > 0) {
      let lo = offset;
      let hi = offset;
      dims.forEach((d, i) => {
        const reach = (d - 1) * (steps[i] as number);
        if (reach < 0) lo += reach;
        else hi += reach;
      });
      if (lo < 0 || hi >= data.length) {
        throw new IndexError(
          `NDArray: shape ${formatShape(dims)} with strides ${formatShape(steps)} and offset ${offset} reads outside a buffer of ${data.length}`,
        );
      }
    }
    this.data = data;
    this.dtype = storageDType(data);
    this.shape = Object.freeze(dims);
    this.strides = Object.freeze(steps);
    this.offset = offset;
  }

  /** The number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements (the product of the shape). */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** Whether the elements sit in row-major order with no gaps (offset may be non-zero). */
  get isContiguous(): boolean {
    let step = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i] as number;
      if (d === 0) return true;
      if (d !== 1 && this.strides[i] !== step) return false;
      step *= d;
    }
    return true;
  }

  /** The transpose (axes reversed), a view. */
  get T(): NDArray {
    return transpose(this);
  }

  /** Method form of {@link add}: `add(this, ...)`. */
  add(other: ArrayOrScalar): NDArray {
    return add(this, other);
  }
  /** Method form of {@link sub}: `sub(this, ...)`. */
  sub(other: ArrayOrScalar): NDArray {
    return sub(this, other);
  }
  /** Method form of {@link mul}: `mul(this, ...)`. */
  mul(other: ArrayOrScalar): NDArray {
    return mul(this, other);
  }
  /** Method form of {@link div}: `div(this, ...)`. */
  div(other: ArrayOrScalar): NDArray {
    return div(this, other);
  }
  /** Method form of {@link pow}: `pow(this, ...)`. */
  pow(other: ArrayOrScalar): NDArray {
    return pow(this, other);
  }
  /** Method form of {@link maximum}: `maximum(this, ...)`. */
  maximum(other: ArrayOrScalar): NDArray {
    return maximum(this, other);
  }
  /** Method form of {@link minimum}: `minimum(this, ...)`. */
  minimum(other: ArrayOrScalar): NDArray {
    return minimum(this, other);
  }
  /** Method form of {@link equal}: `equal(this, ...)`. */
  equal(other: ArrayOrScalar): NDArray {
    return equal(this, other);
  }
  /** Method form of {@link notEqual}: `notEqual(this, ...)`. */
  notEqual(other: ArrayOrScalar): NDArray {
    return notEqual(this, other);
  }
  /** Method form of {@link less}: `less(this, ...)`. */
  less(other: ArrayOrScalar): NDArray {
    return less(this, other);
  }
  /** Method form of {@link lessEqual}: `lessEqual(this, ...)`. */
  lessEqual(other: ArrayOrScalar): NDArray {
    return lessEqual(this, other);
  }
  /** Method form of {@link greater}: `greater(this, ...)`. */
  greater(other: ArrayOrScalar): NDArray {
    return greater(this, other);
  }
  /** Method form of {@link greaterEqual}: `greaterEqual(this, ...)`. */
  greaterEqual(other: ArrayOrScalar): NDArray {
    return greaterEqual(this, other);
  }
  /** Method form of {@link neg}: `neg(this, ...)`. */
  neg(): NDArray {
    return neg(this);
  }
  /** Method form of {@link abs}: `abs(this, ...)`. */
  abs(): NDArray {
    return abs(this);
  }
  /** Method form of {@link sign}: `sign(this, ...)`. */
  sign(): NDArray {
    return sign(this);
  }
  /** Method form of {@link exp}: `exp(this, ...)`. */
  exp(): NDArray {
    return exp(this);
  }
  /** Method form of {@link log}: `log(this, ...)`. */
  log(): NDArray {
    return log(this);
  }
  /** Method form of {@link sqrt}: `sqrt(this, ...)`. */
  sqrt(): NDArray {
    return sqrt(this);
  }
  /** Method form of {@link square}: `square(this, ...)`. */
  square(): NDArray {
    return square(this);
  }
  /** Method form of {@link tanh}: `tanh(this, ...)`. */
  tanh(): NDArray {
    return tanh(this);
  }
  /** Method form of {@link sin}: `sin(this, ...)`. */
  sin(): NDArray {
    return sin(this);
  }
  /** Method form of {@link cos}: `cos(this, ...)`. */
  cos(): NDArray {
    return cos(this);
  }
  /** Method form of {@link sigmoid}: `sigmoid(this, ...)`. */
  sigmoid(): NDArray {
    return sigmoid(this);
  }
  /** Method form of {@link relu}: `relu(this, ...)`. */
  relu(): NDArray {
    return relu(this);
  }
  /** Method form of {@link clip}: `clip(this, ...)`. */
  clip(lo: ArrayOrScalar | null, hi: ArrayOrScalar | null): NDArray {
    return clip(this, lo, hi);
  }

  /** Method form of {@link sum}: `sum(this, ...)`. */
  sum(axis?: number | readonly number[], keepdims = false): NDArray {
    return sum(this, axis, keepdims);
  }
  /** Method form of {@link mean}: `mean(this, ...)`. */
  mean(axis?: number | readonly number[], keepdims = false): NDArray {
    return mean(this, axis, keepdims);
  }
  /** Method form of {@link max}: `max(this, ...)`. */
  max(axis?: number | readonly number[], keepdims = false): NDArray {
    return max(this, axis, keepdims);
  }
  /** Method form of {@link min}: `min(this, ...)`. */
  min(axis?: number | readonly number[], keepdims = false): NDArray {
    return min(this, axis, keepdims);
  }
  /** Method form of {@link prod}: `prod(this, ...)`. */
  prod(axis?: number | readonly number[], keepdims = false): NDArray {
    return prod(this, axis, keepdims);
  }
  /** Method form of {@link variance}: `variance(this, ...)`. */
  variance(axis?: number | readonly number[], keepdims = false): NDArray {
    return variance(this, axis, keepdims);
  }
  /** Method form of {@link variance}: `variance(this, ...)`. */
  var(axis?: number | readonly number[], keepdims = false): NDArray {
    return variance(this, axis, keepdims);
  }
  /** Method form of {@link std}: `std(this, ...)`. */
  std(axis?: number | readonly number[], keepdims = false): NDArray {
    return std(this, axis, keepdims);
  }
  /** Method form of {@link logsumexp}: `logsumexp(this, ...)`. */
  logsumexp(axis?: number | readonly number[], keepdims = false): NDArray {
    return logsumexp(this, axis, keepdims);
  }
  /** Method form of {@link argmax}: `argmax(this, ...)`. */
  argmax(axis?: number | readonly number[], keepdims = false): NDArray {
    return argmax(this, axis, keepdims);
  }
  /** Method form of {@link argmin}: `argmin(this, ...)`. */
  argmin(axis?: number | readonly number[], keepdims = false): NDArray {
    return argmin(this, axis, keepdims);
  }

  /** Method form of {@link reshape}: `reshape(this, ...)`. */
  reshape(shape: Shape): NDArray {
    return reshape(this, shape);
  }
  /** Method form of {@link transpose}: `transpose(this, ...)`. */
  transpose(axes?: readonly number[]): NDArray {
    return transpose(this, axes);
  }
  /** Method form of {@link broadcastTo}: `broadcastTo(this, ...)`. */
  broadcastTo(shape: Shape): NDArray {
    return broadcastTo(this, shape);
  }
  /** Method form of {@link sumTo}: `sumTo(this, ...)`. */
  sumTo(shape: Shape): NDArray {
    return sumTo(this, shape);
  }
  /** Method form of {@link squeeze}: `squeeze(this, ...)`. */
  squeeze(axis?: number | readonly number[]): NDArray {
    return squeeze(this, axis);
  }
  /** Method form of {@link expandDims}: `expandDims(this, ...)`. */
  expandDims(axis: number | readonly number[]): NDArray {
    return expandDims(this, axis);
  }
  /** Method form of {@link flatten}: `flatten(this, ...)`. */
  flatten(): NDArray {
    return flatten(this);
  }
  /** Method form of {@link slice}: `slice(this, ...)`. */
  slice(specs: readonly SliceSpec[]): NDArray {
    return slice(this, specs);
  }
  /** Method form of {@link index}: `index(this, keys)`, so `x.index(0, null, "newaxis")` reads `x[0, :, None]`. */
  index(...keys: IndexKey[]): NDArray {
    return index(this, keys);
  }
  /** Method form of {@link take}: `take(this, ...)`. */
  take(indices: NDArray | readonly number[] | number, axis?: number): NDArray {
    return take(this, indices, axis);
  }
  /** Method form of {@link cumsum}: `cumsum(this, axis)`. */
  cumsum(axis?: number): NDArray {
    return cumsum(this, axis);
  }
  /** Method form of {@link tril}: `tril(this, k)`. */
  tril(k = 0): NDArray {
    return tril(this, k);
  }
  /** Method form of {@link triu}: `triu(this, k)`. */
  triu(k = 0): NDArray {
    return triu(this, k);
  }
  /** Method form of {@link sort}: `sort(this, axis, options)`. */
  sort(axis = -1, options: SortOptions = {}): NDArray {
    return sort(this, axis, options);
  }
  /** Method form of {@link argsort}: `argsort(this, axis, options)`. */
  argsort(axis = -1, options: SortOptions = {}): NDArray {
    return argsort(this, axis, options);
  }
  /** Method form of {@link topk}: `topk(this, k, axis)`, `[values, indices]`. */
  topk(k: number, axis = -1): [NDArray, NDArray] {
    return topk(this, k, axis);
  }
  /** Method form of {@link matmul}: `matmul(this, ...)`. */
  matmul(other: NDArray): NDArray {
    return matmul(this, other);
  }

  /** A copy converted to `dtype` (floats to ints truncate toward zero; non-zero is true). */
  astype(dtype: DType): NDArray {
    return astype(this, dtype);
  }
  /** This array if it is already contiguous, else a contiguous copy. */
  contiguous(): NDArray {
    return contiguous(this);
  }
  /** A contiguous copy that shares nothing with this array. */
  copy(): NDArray {
    return copy(this);
  }

  /** A row-major copy of the elements in this dtype's typed array. */
  toTypedArray(): TypedArray {
    const c = copy(this);
    return c.data;
  }

  /** Nested JS arrays (booleans for bool arrays); a 0-d array gives a bare value. */
  toArray(): NestedArray {
    const flat = this.toTypedArray();
    const asBool = this.dtype === "bool";
    let at = 0;
    const build = (axis: number): NestedArray => {
      if (axis === this.shape.length) {
        const v = flat[at++] as number;
        return asBool ? v !== 0 : v;
      }
      const n = this.shape[axis] as number;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(axis + 1);
      return out;
    };
    return build(0);
  }

  /** The single element of a one-element array, as a number (bool gives 0 or 1). */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        `item: can only convert an array of size 1, got shape ${formatShape(this.shape)} (size ${this.size})`,
      );
    }
    const at = this.offset;
    return this.data[at] as number;
  }

  /** NumPy-like text: `array([[1., 2.], [3., 4.]], shape=[2,2], dtype=float32)`. */
  toString(): string {
    return format(this);
  }
}
