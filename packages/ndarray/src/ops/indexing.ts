import { allocate, promoteTypes, type TypedArray } from "../dtype";
import { DTypeError, IndexError, ShapeError } from "../errors";
import { NDArray } from "../ndarray";
import { formatShape, normalizeAxis, shapeSize, shapesEqual } from "../shape";
import { cast, contiguous, copy, rowMajor } from "./copy";
import { checkArray, checkOut, type OutOption, sameElements } from "./operands";
import { reshape } from "./shape";

/**
 * One entry per leading axis: `[start, stop, step]` with Python slice semantics (negative
 * values count from the end, missing or null parts take their defaults), or `null` for the
 * whole axis.
 */
export type SliceSpec =
  | readonly [start?: number | null, stop?: number | null, step?: number | null]
  | null;

/** `[start, stop, step]` resolved against an axis of `length` (Python slice semantics). */
export function resolveSlice(
  spec: SliceSpec,
  length: number,
  axis: number,
  shape: readonly number[],
  op = "slice",
): [number, number, number] {
  if (spec === null || spec === undefined) return [0, length, 1];
  if (!Array.isArray(spec) || spec.length > 3) {
    throw new IndexError(
      `${op}: axis ${axis}: expected [start, stop, step] or null, got ${JSON.stringify(spec)}`,
    );
  }
  const [rawStart, rawStop, rawStep] = spec;
  for (const v of spec) {
    if (v !== null && v !== undefined && !Number.isInteger(v)) {
      throw new DTypeError(
        `${op}: axis ${axis}: slice bounds must be integers, got ${JSON.stringify(spec)}`,
      );
    }
  }
  const step = rawStep ?? 1;
  if (step === 0)
    throw new IndexError(`${op}: axis ${axis} of shape ${formatShape(shape)}: step cannot be zero`);
  const clampIndex = (v: number, lo: number, hi: number) => {
    const i = v < 0 ? v + length : v;
    return Math.min(Math.max(i, lo), hi);
  };
  let start: number;
  let stop: number;
  if (step > 0) {
    start = rawStart == null ? 0 : clampIndex(rawStart, 0, length);
    stop = rawStop == null ? length : clampIndex(rawStop, 0, length);
  } else {
    start = rawStart == null ? length - 1 : clampIndex(rawStart, -1, length - 1);
    stop = rawStop == null ? -1 : clampIndex(rawStop, -1, length - 1);
  }
  return [start, stop, step];
}

/**
 * A view selecting `[start, stop, step]` along each leading axis (Python slice semantics; axes
 * without a spec are kept whole). More specs than axes or a zero step is an IndexError, a
 * non-integer bound a DTypeError.
 */
export function slice(x: NDArray, specs: readonly SliceSpec[]): NDArray {
  checkArray(x, "slice");
  if (!Array.isArray(specs))
    throw new IndexError(`slice: specs must be an array, got ${String(specs)}`);
  if (specs.length > x.ndim) {
    throw new IndexError(
      `slice: ${specs.length} slices for an array of shape ${formatShape(x.shape)}`,
    );
  }
  const shape = [...x.shape];
  const strides = [...x.strides];
  let offset = x.offset;
  specs.forEach((spec, axis) => {
    const length = x.shape[axis] as number;
    const [start, stop, step] = resolveSlice(spec, length, axis, x.shape);
    const count = sliceLength(start, stop, step);
    if (count > 0) offset += start * (x.strides[axis] as number);
    shape[axis] = count;
    strides[axis] = (x.strides[axis] as number) * step;
  });
  // An empty result reads nothing: moving the offset (a zero-size array with negative
  // strides) could leave the buffer, so keep x's.
  if (shapeSize(shape) === 0) offset = x.offset;
  return new NDArray(x.data, shape, strides, offset);
}

/** How many positions a resolved `[start, stop, step]` selects. */
export function sliceLength(start: number, stop: number, step: number): number {
  return step > 0
    ? Math.max(0, Math.ceil((stop - start) / step))
    : Math.max(0, Math.ceil((start - stop) / -step));
}

/** Checks int32 indices against `length` and returns them resolved (negatives from the end). */
/** `axis` undefined: the indices address the flattened array. */
function resolveIndices(
  op: string,
  indices: NDArray,
  length: number,
  axis: number | undefined,
  shape: readonly number[],
): Int32Array {
  const { data: given, start } = int32Indices(op, indices);
  const resolved = new Int32Array(indices.size);
  for (let i = 0; i < resolved.length; i++) {
    resolved[i] = resolveIndex(op, given[start + i] as number, length, axis, shape);
  }
  return resolved;
}

/** The row-major data of int32 indices; DTypeError for another dtype. */
function int32Indices(op: string, indices: NDArray): { data: ArrayLike<number>; start: number } {
  if (indices.dtype !== "int32") {
    throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}`);
  }
  return rowMajor(indices);
}

/** Index `v` into an axis of `length`, a negative one from the end; IndexError outside it. */
function resolveIndex(
  op: string,
  v: number,
  length: number,
  axis: number | undefined,
  shape: readonly number[],
): number {
  if (v < -length || v >= length) {
    throw new IndexError(
      `${op}: index ${v} is out of bounds for ${axis === undefined ? "the flattened array" : `axis ${axis}`} with size ${length} (shape ${formatShape(shape)})`,
    );
  }
  return v < 0 ? v + length : v;
}

/**
 * out[base + i] += src[start + p] for each index i = indices[p] into a flat `out` of `length`:
 * the scatter of a flat `scatterAdd` (max pooling's backward) in one pass, without a resolved
 * copy of the indices. The indices must have passed `checkFlatIndices`.
 */
function addAt(
  out: TypedArray,
  base: number,
  indices: NDArray,
  length: number,
  src: TypedArray,
  start: number,
): void {
  const { data: given, start: first } = int32Indices("scatterAdd", indices);
  const count = indices.size;
  for (let p = 0; p < count; p++) {
    const v = given[first + p] as number;
    const i = base + (v < 0 ? v + length : v);
    out[i] = (out[i] as number) + (src[start + p] as number);
  }
}

/** The IndexError of the first index outside [-length, length), if any. */
function checkFlatIndices(indices: NDArray, length: number, shape: readonly number[]): void {
  const { data: given, start: first } = int32Indices("scatterAdd", indices);
  const end = first + indices.size;
  let low = 0;
  let high = 0;
  for (let p = first; p < end; p++) {
    const v = given[p] as number;
    if (v < low) low = v;
    else if (v > high) high = v;
  }
  if (low >= -length && high < length) return;
  // Name the first bad index.
  for (let p = first; p < end; p++) {
    resolveIndex("scatterAdd", given[p] as number, length, undefined, shape);
  }
}

function toIndexArray(op: string, indices: NDArray | readonly number[] | number): NDArray {
  if (indices instanceof NDArray) return indices;
  const values = typeof indices === "number" ? [indices] : indices;
  if (!Array.isArray(values)) {
    throw new DTypeError(`${op}: indices must be an int32 NDArray, integers or a number`);
  }
  for (const v of values) {
    if (!Number.isInteger(v))
      throw new DTypeError(`${op}: indices must be integers, got ${String(v)}`);
    // Int32Array.from would wrap 2^32 + 1 to 1: reject what no int32 index can mean.
    if (v < -2147483648 || v > 2147483647)
      throw new IndexError(`${op}: index ${v} is out of bounds`);
  }
  const data = Int32Array.from(values);
  return new NDArray(data, typeof indices === "number" ? [] : [data.length]);
}

/**
 * Elements of `x` at `indices` (int32, negatives from the end) along `axis`, or of the flattened
 * array without one. Shape: x.shape[:axis] + indices.shape + x.shape[axis+1:] (NumPy's take).
 */
export function take(
  x: NDArray,
  indices: NDArray | readonly number[] | number,
  axis?: number,
): NDArray {
  checkArray(x, "take");
  const idx = toIndexArray("take", indices);
  const flat = axis === undefined || axis === null; // null: Python's axis=None
  const source = flat ? reshape(x, [x.size]) : x;
  const ax = flat ? 0 : normalizeAxis(axis, x.ndim, "take", x.shape);
  const length = source.shape[ax] as number;
  const picks = resolveIndices("take", idx, length, flat ? undefined : ax, x.shape);
  const outer = shapeSize(source.shape.slice(0, ax));
  const inner = shapeSize(source.shape.slice(ax + 1));
  const src = contiguous(source);
  const out = allocate(x.dtype, outer * picks.length * inner);
  const data = src.data;
  if (inner === 1) {
    // Picking single elements (take along the last axis): no innermost loop of length 1.
    for (let o = 0, to = 0; o < outer; o++) {
      const row = src.offset + o * length;
      for (let p = 0; p < picks.length; p++, to++)
        out[to] = data[row + (picks[p] as number)] as number;
    }
  } else {
    // Long runs (rows of a dataset) are memory copies; short ones a plain loop, cheaper than
    // the subarray a copy needs.
    const bulk = inner >= 64;
    for (let o = 0; o < outer; o++) {
      for (let p = 0; p < picks.length; p++) {
        const from = src.offset + (o * length + (picks[p] as number)) * inner;
        const to = (o * picks.length + p) * inner;
        if (bulk) out.set(data.subarray(from, from + inner), to);
        else for (let i = 0; i < inner; i++) out[to + i] = data[from + i] as number;
      }
    }
  }
  const shape = [...source.shape.slice(0, ax), ...idx.shape, ...source.shape.slice(ax + 1)];
  return new NDArray(out, shape);
}

/**
 * The adjoint of `take`: a copy of `target` with each slice of `values` added at its index
 * along `axis` (flattened without one). Repeated indices accumulate. `values` must have the
 * shape `take(target, indices, axis)` would return. The result has `target`'s shape and the
 * dtype `target` and `values` promote to (bool + bool stays bool, as logical or); `target`
 * itself is not modified, unless it is `options.out`.
 *
 * With `out` (NumPy's `out=`: contiguous, target's shape, the result's dtype) the result is
 * written there instead of a new array. It may be `target` itself, which then accumulates in
 * place as NumPy's `np.add.at(target, indices, values)`; every index is checked before
 * anything is written.
 */
export function scatterAdd(
  target: NDArray,
  indices: NDArray | readonly number[] | number,
  values: NDArray,
  axis?: number,
  options?: OutOption,
): NDArray {
  checkArray(target, "scatterAdd");
  checkArray(values, "scatterAdd");
  const idx = toIndexArray("scatterAdd", indices);
  const flat = axis === undefined || axis === null;
  const ax = flat ? 0 : normalizeAxis(axis, target.ndim, "scatterAdd", target.shape);
  const base = flat ? [target.size] : [...target.shape];
  const length = base[ax] as number;
  const expected = [...base.slice(0, ax), ...idx.shape, ...base.slice(ax + 1)];
  if (!shapesEqual(values.shape, expected)) {
    throw new ShapeError(
      `scatterAdd: values of shape ${formatShape(values.shape)} do not match ${formatShape(expected)} (target ${formatShape(target.shape)}, indices ${formatShape(idx.shape)}, axis ${axis ?? "none"})`,
    );
  }
  const dtype = promoteTypes(target.dtype, values.dtype);
  // bool + bool is logical or (as `add`): a sum would store 2 in a bool array.
  const logical = dtype === "bool";
  const into = options?.out;
  if (into !== undefined) checkOut("scatterAdd", into, target.shape, dtype);
  // Every index is checked before anything is written.
  const fast = flat && !logical;
  const picks = fast
    ? undefined
    : resolveIndices("scatterAdd", idx, length, flat ? undefined : ax, target.shape);
  if (fast) checkFlatIndices(idx, length, target.shape);
  // values read from where the result goes are copied before the first write.
  const src = into !== undefined && values.data.buffer === into.data.buffer ? copy(values) : values;
  // The result starts as target in its dtype: a new array, or out (unless out is target).
  const result =
    into === undefined
      ? cast(target, dtype)
      : sameElements(target, into, target.shape)
        ? into
        : cast(target, dtype, { out: into });
  const { data: out, offset: at } = result;
  const { data: adds, start } = rowMajor(src);
  if (picks === undefined) {
    addAt(out, at, idx, length, adds, start);
  } else {
    const outer = shapeSize(base.slice(0, ax));
    const inner = shapeSize(base.slice(ax + 1));
    for (let o = 0; o < outer; o++) {
      for (let p = 0; p < picks.length; p++) {
        const to = at + (o * length + (picks[p] as number)) * inner;
        const from = start + (o * picks.length + p) * inner;
        for (let i = 0; i < inner; i++) {
          const u = out[to + i] as number;
          const v = adds[from + i] as number;
          out[to + i] = logical ? u | v : u + v;
        }
      }
    }
  }
  return result;
}

/** float32 one-hot rows: shape indices.shape + [numClasses]; an index outside [0, numClasses) is an IndexError. */
export function oneHot(indices: NDArray | readonly number[], numClasses: number): NDArray {
  const idx = toIndexArray("oneHot", indices);
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ShapeError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (idx.dtype !== "int32")
    throw new DTypeError(`oneHot: indices must be int32, got ${idx.dtype}`);
  const { data: labels, start } = rowMajor(idx);
  const out = new Float32Array(idx.size * numClasses);
  for (let i = 0; i < idx.size; i++) {
    const c = labels[start + i] as number;
    if (c < 0 || c >= numClasses) {
      throw new IndexError(
        `oneHot: class ${c} at flat position ${i} is outside [0, ${numClasses})`,
      );
    }
    out[i * numClasses + c] = 1;
  }
  return new NDArray(out, [...idx.shape, numClasses]);
}
