import { broadcastShapesFor } from "./broadcast";
import type { NDArray } from "./ndarray";
import { copy } from "./ops/copy";
import { checkArray } from "./ops/operands";
import { broadcastTo } from "./ops/shape";
import { shapesEqual } from "./shape";

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
  const x = copy(broadcastTo(a, shape)).data;
  const y = copy(broadcastTo(b, shape)).data;
  for (let i = 0; i < x.length; i++) {
    const u = x[i] as number;
    const v = y[i] as number;
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
  const x = copy(a).data;
  const y = copy(b).data;
  for (let i = 0; i < x.length; i++) {
    const u = x[i] as number;
    const v = y[i] as number;
    if (u !== v && !(options.equalNan && Number.isNaN(u) && Number.isNaN(v))) return false;
  }
  return true;
}
