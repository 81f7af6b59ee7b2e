import { allocate } from "../dtype";
import { DTypeError, IndexError } from "../errors";
import { NDArray } from "../ndarray";
import { formatShape, normalizeAxis, shapeSize } from "../shape";
import { rowMajor } from "./copy";
import { checkArray } from "./operands";

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** Largest first (default false: smallest first). */
  descending?: boolean;
}

/**
 * The stable order of every line of `x` along `axis`, as positions within the line, together
 * with the matching values: `k` per line (all of them without `k`). NaN sorts as the largest
 * value (last ascending, first descending, as NumPy and PyTorch); equal values, -0 and 0
 * included, keep their order.
 */
function order(
  op: string,
  x: NDArray,
  axis: number,
  descending: boolean,
  k?: number,
): { values: NDArray; indices: NDArray } {
  checkArray(x, op);
  const ax = normalizeAxis(axis, x.ndim, op, x.shape);
  const length = x.shape[ax] as number;
  const count = k ?? length;
  const outer = shapeSize(x.shape.slice(0, ax));
  const inner = shapeSize(x.shape.slice(ax + 1));
  const { data, start } = rowMajor(x);
  const shape = x.shape.map((d, i) => (i === ax ? count : d));
  const values = allocate(x.dtype, shapeSize(shape));
  const indices = new Int32Array(shapeSize(shape));
  const line = new Float64Array(length);
  const positions: number[] = new Array(length);
  // NaN is the largest value; ties go to the lower position either way (stable).
  const byValue = (u: number, v: number) => {
    if (u < v) return -1;
    if (u > v) return 1;
    const nanU = Number.isNaN(u);
    return nanU === Number.isNaN(v) ? 0 : nanU ? 1 : -1;
  };
  const compare = descending
    ? (a: number, b: number) => byValue(line[b] as number, line[a] as number) || a - b
    : (a: number, b: number) => byValue(line[a] as number, line[b] as number) || a - b;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const first = o * length * inner + j;
      for (let i = 0; i < length; i++) {
        line[i] = data[start + first + i * inner] as number;
        positions[i] = i;
      }
      positions.sort(compare);
      const to = o * count * inner + j;
      for (let i = 0; i < count; i++) {
        const p = positions[i] as number;
        indices[to + i * inner] = p;
        values[to + i * inner] = line[p] as number;
      }
    }
  }
  return { values: new NDArray(values, shape), indices: new NDArray(indices, shape) };
}

/**
 * The values of `x` sorted along `axis` (default the last), smallest first or with
 * `{ descending: true }` largest first. Stable; NaN counts as the largest value (last
 * ascending, as NumPy; first descending, as PyTorch). Same dtype and shape as `x`; an axis out
 * of range (a 0-d array has none) is an `IndexError`.
 */
export function sort(x: NDArray, axis = -1, options: SortOptions = {}): NDArray {
  return order("sort", x, axis, options.descending === true).values;
}

/**
 * The int32 positions that sort `x` along `axis` (default the last): `sort`'s order, stable
 * (NumPy's `argsort(kind="stable")`, PyTorch's `argsort(stable=True)`), NaN as the largest value.
 */
export function argsort(x: NDArray, axis = -1, options: SortOptions = {}): NDArray {
  return order("argsort", x, axis, options.descending === true).indices;
}

/**
 * The `k` largest values along `axis` (default the last) and their int32 positions, as
 * `[values, indices]`, sorted largest first; equal values come lower position first (PyTorch
 * on the CPU), NaN counts as the largest value. Both have `x`'s shape with `k` on `axis`. A `k`
 * outside [0, length] is an `IndexError`, a fractional one a `DTypeError`.
 */
export function topk(x: NDArray, k: number, axis = -1): [NDArray, NDArray] {
  checkArray(x, "topk");
  const ax = normalizeAxis(axis, x.ndim, "topk", x.shape);
  const length = x.shape[ax] as number;
  if (typeof k !== "number" || !Number.isInteger(k)) {
    throw new DTypeError(`topk: k must be an integer, got ${String(k)}`);
  }
  if (k < 0 || k > length) {
    throw new IndexError(
      `topk: k = ${k} is out of range for axis ${ax} of length ${length} (shape ${formatShape(x.shape)})`,
    );
  }
  const { values, indices } = order("topk", x, ax, true, k);
  return [values, indices];
}
