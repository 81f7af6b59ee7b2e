import { broadcastStrides } from "../broadcast";
import { IndexError, ShapeError } from "../errors";
import { NDArray } from "../ndarray";
import {
  checkShape,
  contiguousStrides,
  formatShape,
  normalizeAxes,
  normalizeAxis,
  type Shape,
  shapeSize,
  shapesEqual,
} from "../shape";
import { copy } from "./copy";
import { checkArray } from "./operands";
import { sum } from "./reduce";

/**
 * Strides that let `x`'s elements be read in `shape` without copying, or null if its memory
 * layout does not allow it. Groups of old axes that multiply to groups of new axes must each be
 * contiguous among themselves (NumPy's no-copy reshape).
 */
function reshapeStrides(x: NDArray, shape: readonly number[]): number[] | null {
  if (x.size === 0 || x.isContiguous) return contiguousStrides(shape);
  const oldShape: number[] = [];
  const oldStrides: number[] = [];
  x.shape.forEach((d, i) => {
    if (d !== 1) {
      oldShape.push(d);
      oldStrides.push(x.strides[i] as number);
    }
  });
  const strides = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (ni < shape.length && oi < oldShape.length) {
    let oj = oi + 1;
    let nj = ni + 1;
    let oldCount = oldShape[oi] as number;
    let newCount = shape[ni] as number;
    while (oldCount !== newCount) {
      if (oldCount < newCount) oldCount *= oldShape[oj++] as number;
      else newCount *= shape[nj++] as number;
    }
    for (let k = oi; k < oj - 1; k++) {
      if (oldStrides[k] !== (oldStrides[k + 1] as number) * (oldShape[k + 1] as number))
        return null;
    }
    strides[nj - 1] = oldStrides[oj - 1] as number;
    for (let k = nj - 1; k > ni; k--)
      strides[k - 1] = (strides[k] as number) * (shape[k] as number);
    oi = oj;
    ni = nj;
  }
  // Trailing new axes of length 1 take any stride.
  for (let k = ni; k < shape.length; k++) strides[k] = 1;
  return strides;
}

/** Gives `x` a new shape (one −1 is inferred); a view when the layout allows, else a copy. */
export function reshape(x: NDArray, shape: Shape): NDArray {
  checkArray(x, "reshape");
  if (!Array.isArray(shape))
    throw new ShapeError(`reshape: shape must be an array, got ${String(shape)}`);
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1)
    throw new ShapeError(`reshape: can only infer one dimension, got ${formatShape(shape)}`);
  const known = checkShape(
    shape.map((d) => (d === -1 ? 1 : d)),
    "reshape",
  );
  let target = known;
  if (unknown === 1) {
    const rest = shapeSize(known);
    const inferred = rest === 0 ? -1 : x.size / rest;
    if (!Number.isInteger(inferred) || inferred < 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (size ${x.size}) into ${formatShape(shape)}`,
      );
    }
    target = shape.map((d) => (d === -1 ? inferred : d));
  }
  if (shapeSize(target) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (size ${x.size}) into ${formatShape(target)} (size ${shapeSize(target)})`,
    );
  }
  const strides = reshapeStrides(x, target);
  if (strides) return new NDArray(x.data, target, strides, x.offset);
  const c = copy(x);
  return new NDArray(c.data, target);
}

/** Permutes the axes (reversed by default); a view. */
export function transpose(x: NDArray, axes?: readonly number[]): NDArray {
  checkArray(x, "transpose");
  const n = x.ndim;
  const order = axes === undefined ? x.shape.map((_, i) => n - 1 - i) : [...axes];
  // An axis that does not exist is an IndexError (NumPy's AxisError), as in every other op;
  // a list of valid axes that is not a permutation is a ShapeError.
  const resolved = order.map((a) => normalizeAxis(a, n, "transpose", x.shape));
  const isPermutation = resolved.length === n && new Set(resolved).size === n;
  if (!isPermutation) {
    throw new ShapeError(
      `transpose: axes [${order.join(",")}] are not a permutation of the ${n} axes of ${formatShape(x.shape)}`,
    );
  }
  return new NDArray(
    x.data,
    resolved.map((a) => x.shape[a] as number),
    resolved.map((a) => x.strides[a] as number),
    x.offset,
  );
}

/** A read-only-by-convention view of `x` repeated (stride 0) to `shape`. */
export function broadcastTo(x: NDArray, shape: Shape): NDArray {
  checkArray(x, "broadcastTo");
  const target = checkShape(shape, "broadcastTo");
  const lead = target.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(
      `broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(target)} (fewer dimensions)`,
    );
  }
  x.shape.forEach((d, i) => {
    const t = target[lead + i] as number;
    if (d !== t && d !== 1) {
      throw new ShapeError(
        `broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(target)} (axis ${lead + i}: ${d} vs ${t})`,
      );
    }
  });
  return new NDArray(x.data, target, broadcastStrides(x.shape, x.strides, target), x.offset);
}

/**
 * Sums `x` down to `shape`, the adjoint of `broadcastTo`: leading extra axes and axes where
 * `shape` has 1 are summed. `shape` must broadcast to `x.shape`. When the shapes already match
 * it returns `x` itself, not a copy (so do not use the result as an `out` you then write).
 */
export function sumTo(x: NDArray, shape: Shape): NDArray {
  checkArray(x, "sumTo");
  const target = checkShape(shape, "sumTo");
  if (shapesEqual(target, x.shape)) return x;
  const lead = x.ndim - target.length;
  if (lead < 0) {
    throw new ShapeError(
      `sumTo: cannot sum ${formatShape(x.shape)} to ${formatShape(target)} (more dimensions)`,
    );
  }
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  target.forEach((t, i) => {
    const d = x.shape[lead + i] as number;
    if (t === 1 && d !== 1) axes.push(lead + i);
    else if (t !== d) {
      throw new ShapeError(
        `sumTo: cannot sum ${formatShape(x.shape)} to ${formatShape(target)} (axis ${lead + i}: ${d} vs ${t})`,
      );
    }
  });
  return reshape(sum(x, axes, true), target);
}

/** Removes axes of length 1 (all of them, or those given); a view. */
export function squeeze(x: NDArray, axis?: number | readonly number[]): NDArray {
  checkArray(x, "squeeze");
  const drop =
    axis === undefined || axis === null
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes(axis, x.ndim, "squeeze", x.shape);
  for (const a of drop) {
    if (x.shape[a] !== 1) {
      throw new ShapeError(
        `squeeze: cannot squeeze axis ${a} of shape ${formatShape(x.shape)}: its length is ${x.shape[a]}, not 1`,
      );
    }
  }
  const keep = x.shape.map((_, i) => i).filter((i) => !drop.includes(i));
  return new NDArray(
    x.data,
    keep.map((i) => x.shape[i] as number),
    keep.map((i) => x.strides[i] as number),
    x.offset,
  );
}

/** Inserts axes of length 1 at the given positions of the result (NumPy's expand_dims); a view. */
export function expandDims(x: NDArray, axis: number | readonly number[]): NDArray {
  checkArray(x, "expandDims");
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list))
    throw new IndexError(`expandDims: axis must be a number or a list, got ${String(axis)}`);
  const ndim = x.ndim + list.length;
  // Positions count in the result, which has ndim axes (not x's).
  const positions = normalizeAxes(list, ndim, "expandDims");
  const shape: number[] = [];
  const strides: number[] = [];
  let from = 0;
  for (let i = 0; i < ndim; i++) {
    if (positions.includes(i)) {
      shape.push(1);
      strides.push(0);
    } else {
      shape.push(x.shape[from] as number);
      strides.push(x.strides[from] as number);
      from++;
    }
  }
  return new NDArray(x.data, shape, strides, x.offset);
}

/**
 * A 1-D copy of the elements in row-major order. Like NumPy's `flatten` it always copies, so
 * writing into the result (`{ out }`, `Random.shuffle`) never reaches `x`; `reshape(x, [-1])`
 * gives a view where the layout allows.
 */
export function flatten(x: NDArray): NDArray {
  checkArray(x, "flatten");
  return reshape(copy(x), [x.size]);
}
