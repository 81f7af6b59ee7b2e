import { allocate, type DType } from "../dtype";
import { NDArray } from "../ndarray";
import { normalizeAxis, shapeSize } from "../shape";
import { rowMajor } from "./copy";
import { checkArray } from "./operands";

/**
 * The cumulative sum along `axis` (negatives allowed), or over the flattened array without one
 * (NumPy's `cumsum`, result shape `[x.size]`). int32 and bool arrays give int32 (wrapping like
 * C, as NumPy's int32); floats keep their dtype, each prefix sum computed in float64 and rounded
 * once (NumPy's float32 cumsum rounds every step). An axis out of range is an `IndexError`.
 */
export function cumsum(x: NDArray, axis?: number): NDArray {
  checkArray(x, "cumsum");
  const flat = axis === undefined || axis === null;
  const shape = flat ? [x.size] : [...x.shape];
  const ax = flat ? 0 : normalizeAxis(axis, x.ndim, "cumsum", x.shape);
  const dtype: DType = x.dtype === "float32" || x.dtype === "float64" ? x.dtype : "int32";
  const { data, start } = rowMajor(x);
  const out = allocate(dtype, x.size);
  const length = shape[ax] as number;
  const outer = shapeSize(shape.slice(0, ax));
  const inner = shapeSize(shape.slice(ax + 1));
  const wrap = dtype === "int32";
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let acc = 0;
      for (let i = 0, at = o * length * inner + j; i < length; i++, at += inner) {
        acc = wrap ? (acc + (data[start + at] as number)) | 0 : acc + (data[start + at] as number);
        out[at] = acc;
      }
    }
  }
  return new NDArray(out, shape);
}
