import { broadcastShapesFor } from "./broadcast";
import type { NDArray } from "./ndarray";
import { rowMajor } from "./ops/copy";
import { checkArray } from "./ops/operands";
import { broadcastTo } from "./ops/shape";
import { shapeSize, shapesEqual } from "./shape";

/**
 * Whether every pair of elements satisfies |a − b| <= atol + rtol·|b| after broadcasting
 * (NumPy's allclose, with its defaults). NaNs compare equal only with `equalNan`; an infinity
 * is close only to the same infinity.
 * Shapes that do not broadcast are a ShapeError.
 */
export function allclose(
  a: NDArray,
  b: NDArray,
  options: { rtol?: number; atol?: number; equalNan?: boolean } = {},
): boolean {
  checkArray(a, "allclose");
  checkArray(b, "allclose");
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  const shape = broadcastShapesFor("allclose", a.shape, b.shape);
  // Same-shape contiguous inputs are read in place; broadcast ones are materialised.
  const { data: x, start: xs } = rowMajor(broadcastTo(a, shape));
  const { data: y, start: ys } = rowMajor(broadcastTo(b, shape));
  const size = shapeSize(shape);
  for (let i = 0; i < size; i++) {
    const u = x[xs + i] as number;
    const v = y[ys + i] as number;
    if (u === v) continue;
    if (Number.isNaN(u) || Number.isNaN(v)) {
      if (equalNan && Number.isNaN(u) && Number.isNaN(v)) continue;
      return false;
    }
    // An infinity is close only to the same infinity (u === v above), as in NumPy.
    if (!Number.isFinite(u) || !Number.isFinite(v)) return false;
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}

/** Whether `a` and `b` have the same shape and equal elements (dtype is not compared, as in NumPy). */
export function arrayEqual(a: NDArray, b: NDArray, options: { equalNan?: boolean } = {}): boolean {
  checkArray(a, "arrayEqual");
  checkArray(b, "arrayEqual");
  if (!shapesEqual(a.shape, b.shape)) return false;
  const { data: x, start: xs } = rowMajor(a);
  const { data: y, start: ys } = rowMajor(b);
  for (let i = 0; i < a.size; i++) {
    const u = x[xs + i] as number;
    const v = y[ys + i] as number;
    if (u !== v && !(options.equalNan && Number.isNaN(u) && Number.isNaN(v))) return false;
  }
  return true;
}
