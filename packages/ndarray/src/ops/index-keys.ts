import { broadcastShapesFor } from "../broadcast";
import { allocate } from "../dtype";
import { DTypeError, IndexError, ShapeError } from "../errors";
import { NDArray } from "../ndarray";
import { formatShape, shapeSize } from "../shape";
import { rowMajor } from "./copy";
import { resolveSlice, sliceLength } from "./indexing";
import { checkArray } from "./operands";
import { broadcastTo } from "./shape";

/**
 * One key of {@link index}, as NumPy writes it inside `x[...]`:
 * - a number: picks one position and drops the axis (negatives count from the end);
 * - `null`: the whole axis (`:`);
 * - `[start, stop, step]`: a slice, Python semantics, `null` or missing parts take defaults;
 * - `'...'`: as many whole axes as the other keys leave (at most one per call);
 * - `'newaxis'`: a new axis of length 1;
 * - an int32 NDArray (positions, negatives from the end) or a bool NDArray (a mask over as
 *   many axes as it has): advanced indexing.
 */
export type IndexKey =
  | number
  | null
  | readonly [start?: number | null, stop?: number | null, step?: number | null]
  | "..."
  | "newaxis"
  | NDArray;

/** An advanced index after resolution: int positions along one axis of the basic view. */
interface Advanced {
  /** The key it came from (for NumPy's adjacency rule). */
  key: number;
  /** The axis of the basic view it indexes. */
  axis: number;
  shape: number[];
  /** Positions as given (negatives not yet resolved): NumPy checks broadcasting first. */
  given: NDArray;
  /** The axis of x it indexes, for error messages. */
  sourceAxis: number;
}

function describeKey(key: unknown): string {
  if (key instanceof NDArray) return `${key.dtype} array of shape ${formatShape(key.shape)}`;
  if (typeof key === "string") return JSON.stringify(key);
  try {
    return JSON.stringify(key) ?? String(key);
  } catch {
    return String(key);
  }
}

/** How many axes of `x` a key consumes. */
function axesConsumed(key: IndexKey): number {
  if (key === "newaxis" || key === "...") return 0;
  if (key instanceof NDArray) return key.dtype === "bool" ? key.ndim : 1;
  return 1;
}

function checkKey(key: unknown, position: number, shape: readonly number[]): void {
  if (key === null || key === "..." || key === "newaxis" || Array.isArray(key)) return;
  if (typeof key === "number") {
    if (!Number.isInteger(key)) {
      throw new DTypeError(
        `index: key ${position} must be an integer, got ${key} (array of shape ${formatShape(shape)})`,
      );
    }
    return;
  }
  if (key instanceof NDArray) {
    if (key.dtype !== "int32" && key.dtype !== "bool") {
      throw new DTypeError(
        `index: index arrays must be int32 or bool, got ${describeKey(key)} at key ${position} (array of shape ${formatShape(shape)})`,
      );
    }
    return;
  }
  throw new IndexError(
    `index: key ${position} is ${describeKey(key)}; expected a number, null, [start, stop, step], '...', 'newaxis' or an int32/bool NDArray`,
  );
}

/** The positions of an int array resolved against `length` (negatives from the end). */
function resolvePositions(
  given: NDArray,
  length: number,
  axis: number,
  shape: readonly number[],
): Int32Array {
  const { data, start } = rowMajor(given);
  const out = new Int32Array(given.size);
  for (let i = 0; i < out.length; i++) {
    const v = data[start + i] as number;
    if (v < -length || v >= length) {
      throw new IndexError(
        `index: index ${v} is out of bounds for axis ${axis} with size ${length} (array of shape ${formatShape(shape)})`,
      );
    }
    out[i] = v < 0 ? v + length : v;
  }
  return out;
}

/** The coordinates of the true elements of `mask`, one Int32Array per axis (row-major order). */
function nonzero(mask: NDArray): Int32Array[] {
  const { data, start } = rowMajor(mask);
  let count = 0;
  for (let i = 0; i < mask.size; i++) if (data[start + i]) count++;
  const coords = mask.shape.map(() => new Int32Array(count));
  const at = new Array<number>(mask.ndim).fill(0);
  for (let i = 0, n = 0; i < mask.size; i++) {
    if (data[start + i]) {
      for (let d = 0; d < mask.ndim; d++) (coords[d] as Int32Array)[n] = at[d] as number;
      n++;
    }
    for (let d = mask.ndim - 1; d >= 0; d--) {
      at[d] = (at[d] as number) + 1;
      if ((at[d] as number) < (mask.shape[d] as number)) break;
      at[d] = 0;
    }
  }
  return coords;
}

/** The buffer offsets of every element of an array of `shape`/`strides`, in row-major order. */
function elementOffsets(shape: readonly number[], strides: readonly number[]): number[] {
  let offsets = [0];
  shape.forEach((n, d) => {
    const stride = strides[d] as number;
    const next: number[] = [];
    for (const o of offsets) for (let i = 0; i < n; i++) next.push(o + i * stride);
    offsets = next;
  });
  return offsets;
}

/**
 * NumPy indexing in one call, `x[k0, k1, ...]` written `index(x, [k0, k1, ...])` (see
 * {@link IndexKey}). Keys apply to the leading axes; axes without a key are kept whole.
 *
 * With only basic keys (numbers, `null`, slices, `'...'`, `'newaxis'`) the result is a view that
 * shares `x`'s buffer, as `slice` does. With an int32 or bool array among the keys it is a new
 * contiguous array, by NumPy's advanced-indexing rules: the index arrays (a bool mask counts as
 * the int arrays of its true positions, a number as a 0-d int array) broadcast together to a
 * shape B; if they stand next to each other in the keys, B replaces their axes in place,
 * otherwise (a slice, `'...'` or `'newaxis'` between them) B comes first.
 *
 * ```ts
 * const x = arange(24).reshape([2, 3, 4]);
 * index(x, [0, [null, null, -1]]);            // x[0, ::-1]      → [3, 4], a view
 * index(x, ["...", "newaxis"]);               // x[..., None]    → [2, 3, 4, 1]
 * index(x, [null, array([2, 0], { dtype: "int32" })]); // x[:, [2, 0]] → [2, 2, 4]
 * ```
 *
 * Errors: an index out of range, too many keys, two `'...'`, a mask whose shape does not match
 * the axes it covers, or an unknown key is an `IndexError`; a fractional number or an index
 * array that is neither int32 nor bool a `DTypeError`; index arrays that do not broadcast
 * together a `ShapeError`. `x` is never modified.
 */
export function index(x: NDArray, keys: readonly IndexKey[]): NDArray {
  checkArray(x, "index");
  if (!Array.isArray(keys)) {
    throw new IndexError(`index: keys must be an array of keys, got ${describeKey(keys)}`);
  }
  keys.forEach((key, position) => {
    checkKey(key, position, x.shape);
  });
  const ellipses = keys.filter((k) => k === "...").length;
  if (ellipses > 1) {
    throw new IndexError(
      `index: an index can only have a single ellipsis ('...'), got ${ellipses}`,
    );
  }
  const consumed = keys.reduce((n, k) => n + axesConsumed(k), 0);
  if (consumed > x.ndim) {
    throw new IndexError(
      `index: too many indices for array of shape ${formatShape(x.shape)}: ${consumed} axes indexed, ${x.ndim} available`,
    );
  }
  // NumPy treats integers as 0-d index arrays as soon as any index array is present.
  const advancedMode = keys.some((k) => k instanceof NDArray);

  const shape: number[] = [];
  const strides: number[] = [];
  let offset = x.offset;
  const advanced: Advanced[] = [];
  let axis = 0; // the next axis of x
  keys.forEach((key, position) => {
    if (key === "...") {
      for (const stop = axis + x.ndim - consumed; axis < stop; axis++) {
        shape.push(x.shape[axis] as number);
        strides.push(x.strides[axis] as number);
      }
      return;
    }
    if (key === "newaxis") {
      shape.push(1);
      strides.push(0);
      return;
    }
    if (key instanceof NDArray && key.dtype === "bool") {
      if (key.ndim === 0) {
        // x[True] adds an axis of length 1 and picks it; x[False] picks nothing from it.
        const picked = key.item() !== 0;
        advanced.push({
          key: position,
          axis: shape.length,
          shape: [picked ? 1 : 0],
          given: new NDArray(new Int32Array(picked ? 1 : 0), [picked ? 1 : 0]),
          sourceAxis: axis,
        });
        shape.push(1);
        strides.push(0);
        return;
      }
      key.shape.forEach((d, i) => {
        const length = x.shape[axis + i] as number;
        if (d !== length) {
          throw new IndexError(
            `index: boolean index did not match the indexed array along axis ${axis + i}: axis is ${length} but the mask's axis ${i} is ${d} (array of shape ${formatShape(x.shape)}, mask of shape ${formatShape(key.shape)})`,
          );
        }
      });
      for (const values of nonzero(key)) {
        const given = new NDArray(values, [values.length]);
        advanced.push({
          key: position,
          axis: shape.length,
          shape: [values.length],
          given,
          sourceAxis: axis,
        });
        shape.push(x.shape[axis] as number);
        strides.push(x.strides[axis] as number);
        axis++;
      }
      return;
    }
    const length = x.shape[axis] as number;
    if (key instanceof NDArray || (typeof key === "number" && advancedMode)) {
      const given = key instanceof NDArray ? key : new NDArray(Int32Array.of(key), []);
      advanced.push({
        key: position,
        axis: shape.length,
        shape: [...given.shape],
        given,
        sourceAxis: axis,
      });
      shape.push(length);
      strides.push(x.strides[axis] as number);
    } else if (typeof key === "number") {
      if (key < -length || key >= length) {
        throw new IndexError(
          `index: index ${key} is out of bounds for axis ${axis} with size ${length} (array of shape ${formatShape(x.shape)})`,
        );
      }
      offset += (key < 0 ? key + length : key) * (x.strides[axis] as number);
    } else {
      const [start, stop, step] = resolveSlice(key, length, axis, x.shape, "index");
      const count = sliceLength(start, stop, step);
      if (count > 0) offset += start * (x.strides[axis] as number);
      shape.push(count);
      strides.push((x.strides[axis] as number) * step);
    }
    axis++;
  });
  for (; axis < x.ndim; axis++) {
    shape.push(x.shape[axis] as number);
    strides.push(x.strides[axis] as number);
  }
  // An empty result reads nothing; keep an offset that is valid for any buffer.
  if (shapeSize(shape) === 0) offset = x.offset;
  if (advanced.length === 0) return new NDArray(x.data, shape, strides, offset);
  return gather(x, shape, strides, offset, advanced);
}

/** The advanced part of {@link index}: a copy reading the basic view through the index arrays. */
function gather(
  x: NDArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  advanced: readonly Advanced[],
): NDArray {
  let broadcast: number[];
  try {
    broadcast = broadcastShapesFor("index", ...advanced.map((a) => a.shape));
  } catch (error) {
    throw new ShapeError(
      `${(error as Error).message}: index arrays of shapes ${advanced.map((a) => formatShape(a.shape)).join(", ")} do not broadcast together (array of shape ${formatShape(x.shape)})`,
    );
  }
  const count = shapeSize(broadcast);
  // The buffer offset each broadcast position adds, summed over the index arrays.
  const picked = new Float64Array(count);
  for (const a of advanced) {
    const length = shape[a.axis] as number;
    const values = new NDArray(resolvePositions(a.given, length, a.sourceAxis, x.shape), a.shape);
    const { data, start } = rowMajor(broadcastTo(values, broadcast));
    const stride = strides[a.axis] as number;
    for (let b = 0; b < count; b++)
      picked[b] = (picked[b] as number) + (data[start + b] as number) * stride;
  }
  const keysAdjacent = advanced.every(
    (a, i) => i === 0 || a.key - (advanced[i - 1] as Advanced).key <= 1,
  );
  const isAdvanced = new Set(advanced.map((a) => a.axis));
  const restShape: number[] = [];
  const restStrides: number[] = [];
  let place = 0; // how many kept axes come before the broadcast block
  shape.forEach((d, i) => {
    if (isAdvanced.has(i)) return;
    if (keysAdjacent && i < (advanced[0] as Advanced).axis) place++;
    restShape.push(d);
    restStrides.push(strides[i] as number);
  });
  const outer = elementOffsets(restShape.slice(0, place), restStrides.slice(0, place));
  const inner = elementOffsets(restShape.slice(place), restStrides.slice(place));
  const out = allocate(x.dtype, outer.length * count * inner.length);
  const data = x.data;
  let to = 0;
  for (let o = 0; o < outer.length; o++) {
    for (let b = 0; b < count; b++) {
      const base = offset + (outer[o] as number) + (picked[b] as number);
      for (let i = 0; i < inner.length; i++)
        out[to++] = data[base + (inner[i] as number)] as number;
    }
  }
  return new NDArray(out, [...restShape.slice(0, place), ...broadcast, ...restShape.slice(place)]);
}
