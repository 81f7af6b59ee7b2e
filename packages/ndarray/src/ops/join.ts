import { allocate, checkFits, promoteTypes, type TypedArray } from "../dtype";
import { DTypeError, IndexError, ShapeError } from "../errors";
import { engine, identity } from "../kernels/engine";
import { NDArray } from "../ndarray";
import { formatShape, normalizeAxis, shapeSize, shapesEqual } from "../shape";
import { astype, contiguous } from "./copy";
import { type SliceSpec, slice } from "./indexing";
import { checkArray } from "./operands";
import { expandDims } from "./shape";

/** Below this length a plain loop beats `subarray` + `set` (which allocates a view per call). */
const BULK_COPY_MIN = 64;

/** out[to .. to+n) = src[from .. from+n), converting element types when they differ. */
function copyRun(out: TypedArray, to: number, src: TypedArray, from: number, n: number): void {
  if (n >= BULK_COPY_MIN) {
    out.set(src.subarray(from, from + n), to);
    return;
  }
  for (let k = 0; k < n; k++) out[to + k] = src[from + k] as number;
}

function checkList(xs: unknown, op: string): asserts xs is readonly NDArray[] {
  if (!Array.isArray(xs)) {
    throw new DTypeError(
      `${op}: expected a list of NDArrays, got ${xs === null ? "null" : typeof xs}`,
    );
  }
  for (const x of xs) checkArray(x, op);
  if (xs.length === 0) throw new ShapeError(`${op}: need at least one array`);
}

/**
 * Joins arrays along an existing axis (NumPy's concatenate). All inputs must have the same
 * number of dimensions and equal lengths on every other axis; the result's dtype is the
 * promotion of theirs, and the result is a new contiguous array.
 * Shape: the common shape with `axis` of length Σ xs[i].shape[axis].
 * Throws ShapeError for an empty list, 0-d inputs, differing ranks or a mismatched axis
 * (`concat: [2,3] and [2,4] differ on axis 1 (3 vs 4)`), IndexError for `axis` out of range.
 */
export function concat(xs: readonly NDArray[], axis = 0): NDArray {
  checkList(xs, "concat");
  const first = xs[0] as NDArray;
  if (first.ndim === 0) {
    throw new ShapeError("concat: zero-dimensional arrays cannot be concatenated (shape [])");
  }
  for (const x of xs) {
    if (x.ndim !== first.ndim) {
      throw new ShapeError(
        `concat: ${formatShape(first.shape)} and ${formatShape(x.shape)} have different numbers of dimensions (${first.ndim} vs ${x.ndim})`,
      );
    }
  }
  const ax = normalizeAxis(axis, first.ndim, "concat", first.shape);
  let dtype = first.dtype;
  let total = 0;
  for (const x of xs) {
    for (let d = 0; d < first.ndim; d++) {
      if (d !== ax && x.shape[d] !== first.shape[d]) {
        throw new ShapeError(
          `concat: ${formatShape(first.shape)} and ${formatShape(x.shape)} differ on axis ${d} (${first.shape[d]} vs ${x.shape[d]}); only the concatenation axis ${ax} may differ`,
        );
      }
    }
    dtype = promoteTypes(dtype, x.dtype);
    total += x.shape[ax] as number;
  }
  const shape = [...first.shape];
  shape[ax] = total;
  const out = allocate(dtype, shapeSize(shape));
  if (out.length === 0) return new NDArray(out, shape);
  // Each input fills one block per index of the leading axes: `outer` blocks of `block`
  // elements, `rowLength` apart in the output.
  const outer = shapeSize(shape.slice(0, ax));
  const inner = shapeSize(shape.slice(ax + 1));
  const rowLength = total * inner;
  let start = 0;
  for (const x of xs) {
    const block = (x.shape[ax] as number) * inner;
    if (block === 0) continue;
    if (outer === 1) {
      // The whole input lands in one contiguous range: the kernel reads any strides and
      // converts (a contiguous input of the same type becomes a memory copy).
      engine().map(identity, x.shape, out, [x], start);
    } else {
      const src = x.isContiguous ? x : astype(x, dtype);
      for (
        let o = 0, from = src.offset, to = start;
        o < outer;
        o++, from += block, to += rowLength
      ) {
        copyRun(out, to, src.data, from, block);
      }
    }
    start += block;
  }
  return new NDArray(out, shape);
}

/**
 * Joins arrays of one shape along a new axis (NumPy's stack): the result has shape
 * `shape[:axis] + [xs.length] + shape[axis:]` and the promoted dtype. `axis` lies in
 * [-ndim-1, ndim]. Throws ShapeError for an empty list or differing shapes, IndexError for an
 * axis out of range.
 */
export function stack(xs: readonly NDArray[], axis = 0): NDArray {
  checkList(xs, "stack");
  const first = xs[0] as NDArray;
  xs.forEach((x, i) => {
    if (!shapesEqual(x.shape, first.shape)) {
      throw new ShapeError(
        `stack: all inputs must have the same shape, got ${formatShape(first.shape)} (input 0) and ${formatShape(x.shape)} (input ${i})`,
      );
    }
  });
  const ndim = first.ndim + 1;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new IndexError(
      `stack: axis ${axis} is out of bounds for stacking arrays of shape ${formatShape(first.shape)} (expected ${-ndim} to ${ndim - 1})`,
    );
  }
  const ax = axis < 0 ? axis + ndim : axis;
  return concat(
    xs.map((x) => expandDims(x, ax)),
    ax,
  );
}

/**
 * Splits `x` along `axis` into views (NumPy's split). A number `n` gives n equal parts (the
 * axis length must be divisible by n); a list of split points `[i, j, ...]` gives
 * `x[:i], x[i:j], ..., x[last:]` along the axis, with Python slice semantics (negative points
 * count from the end; out-of-order points give empty parts). Throws ShapeError for a section
 * count that is not a positive integer or does not divide the axis, IndexError for a bad axis,
 * DTypeError for a non-integer split point.
 */
export function split(
  x: NDArray,
  indicesOrSections: number | readonly number[],
  axis = 0,
): NDArray[] {
  checkArray(x, "split");
  const ax = normalizeAxis(axis, x.ndim, "split", x.shape);
  const length = x.shape[ax] as number;
  const bounds: number[] = [0];
  if (typeof indicesOrSections === "number") {
    const sections = indicesOrSections;
    if (!Number.isInteger(sections) || sections < 1) {
      throw new ShapeError(
        `split: the number of sections must be a positive integer, got ${sections}`,
      );
    }
    if (length % sections !== 0) {
      throw new ShapeError(
        `split: axis ${ax} of ${formatShape(x.shape)} (length ${length}) does not divide into ${sections} equal sections`,
      );
    }
    const size = length / sections;
    for (let i = 1; i < sections; i++) bounds.push(i * size);
  } else if (Array.isArray(indicesOrSections)) {
    for (const point of indicesOrSections) {
      if (!Number.isInteger(point)) {
        // A fractional position is a float index: DTypeError, as for slice bounds and take.
        throw new DTypeError(`split: split points must be integers, got ${point}`);
      }
      bounds.push(point);
    }
  } else {
    throw new DTypeError(
      `split: expected a number of sections or a list of split points, got ${String(indicesOrSections)}`,
    );
  }
  bounds.push(length);
  const lead: SliceSpec[] = new Array<SliceSpec>(ax).fill(null);
  const parts: NDArray[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    parts.push(slice(x, [...lead, [bounds[i], bounds[i + 1]]]));
  }
  return parts;
}

/**
 * Pad widths as NumPy's `pad` accepts them: a number (every side of every axis), `[n]`,
 * `[before, after]` (every axis), `[[before, after]]` (every axis) or one `[before, after]`
 * per axis.
 */
export type PadWidth = number | readonly number[] | readonly (readonly number[])[];

/**
 * `padWidth` resolved for an array of `shape`: the widths before and after each axis, as `pad`
 * applies them. Throws ShapeError for a malformed or negative `padWidth`.
 */
export function resolvePadWidth(
  padWidth: PadWidth,
  shape: readonly number[],
): { before: number[]; after: number[] } {
  const describe = () => JSON.stringify(padWidth);
  const bad = (why: string) =>
    new ShapeError(`pad: invalid padWidth ${describe()} for shape ${formatShape(shape)}: ${why}`);
  const ndim = shape.length;
  let pairs: readonly (readonly number[])[];
  if (typeof padWidth === "number") pairs = [[padWidth, padWidth]];
  else if (!Array.isArray(padWidth))
    throw bad("expected a number, [before, after] or one pair per axis");
  else if (padWidth.every((v) => typeof v === "number")) {
    const flat = padWidth as readonly number[];
    if (flat.length === 1) pairs = [[flat[0] as number, flat[0] as number]];
    else if (flat.length === 2) pairs = [flat];
    else throw bad("a flat list must be [width] or [before, after]");
  } else if (padWidth.every((v) => Array.isArray(v))) {
    pairs = padWidth as readonly (readonly number[])[];
    if (pairs.length !== 1 && pairs.length !== ndim) {
      throw bad(`expected 1 or ${ndim} [before, after] pairs, got ${pairs.length}`);
    }
  } else throw bad("mixes numbers and lists");
  const before: number[] = [];
  const after: number[] = [];
  for (let d = 0; d < ndim; d++) {
    const pair =
      pairs.length === 1 ? (pairs[0] as readonly number[]) : (pairs[d] as readonly number[]);
    const both = pair.length === 1 ? [pair[0], pair[0]] : pair;
    if (both.length !== 2) throw bad(`axis ${d}: expected [before, after]`);
    for (const w of both) {
      if (typeof w !== "number" || !Number.isInteger(w))
        throw bad(`axis ${d}: widths must be integers`);
      if (w < 0) throw bad(`axis ${d}: widths cannot be negative`);
    }
    before.push(both[0] as number);
    after.push(both[1] as number);
  }
  return { before, after };
}

/**
 * A new array with `x` surrounded by `constantValue` (NumPy's pad, constant mode). The dtype
 * is `x`'s (the value is converted to it: truncated for int32, non-zero is true for bool).
 * Shape: `x.shape[d] + before[d] + after[d]` on each axis. Throws ShapeError for a malformed
 * or negative `padWidth`, DTypeError for a constant that is not a number.
 */
export function pad(x: NDArray, padWidth: PadWidth, constantValue = 0): NDArray {
  checkArray(x, "pad");
  if (typeof constantValue !== "number") {
    throw new DTypeError(`pad: constantValue must be a number, got ${typeof constantValue}`);
  }
  const { before, after } = resolvePadWidth(padWidth, x.shape);
  const shape = x.shape.map((d, i) => d + (before[i] as number) + (after[i] as number));
  const out = allocate(x.dtype, shapeSize(shape));
  const fill = x.dtype === "bool" ? (constantValue !== 0 ? 1 : 0) : constantValue;
  checkFits(fill, x.dtype, "pad");
  if (fill !== 0) out.fill(fill);
  if (x.size === 0) return new NDArray(out, shape);
  // Axes after the last padded one are copied whole: the source is read in blocks of
  // x.shape[last:] elements, placed by an odometer over the axes before it.
  let last = x.ndim - 1;
  while (last >= 0 && before[last] === 0 && after[last] === 0) last--;
  const src = contiguous(x);
  if (last < 0) {
    copyRun(out, 0, src.data, src.offset, out.length);
    return new NDArray(out, shape);
  }
  const outStrides = new Array<number>(x.ndim);
  let step = 1;
  let to = 0;
  for (let d = x.ndim - 1; d >= 0; d--) {
    outStrides[d] = step;
    to += (before[d] as number) * step;
    step *= shape[d] as number;
  }
  const block = shapeSize(x.shape.slice(last));
  const blocks = shapeSize(x.shape.slice(0, last));
  const counter = new Int32Array(last);
  for (let b = 0, from = src.offset; b < blocks; b++, from += block) {
    copyRun(out, to, src.data, from, block);
    for (let d = last - 1; d >= 0; d--) {
      const size = x.shape[d] as number;
      if (++(counter[d] as number) < size) {
        to += outStrides[d] as number;
        break;
      }
      counter[d] = 0;
      to -= (outStrides[d] as number) * (size - 1);
    }
  }
  return new NDArray(out, shape);
}
