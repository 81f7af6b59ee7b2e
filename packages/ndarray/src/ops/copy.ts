import { checkDType, type DType, type TypedArray } from "../dtype";
import { identity } from "../kernels/engine";
import type { NDArray } from "../ndarray";
import { checkArray, mapArrays, type OutOption } from "./operands";

const truthy = (x: number) => (x !== 0 ? 1 : 0);

/**
 * A contiguous copy converted to `dtype`. Floats truncate toward zero into int32; NaN, ±Infinity
 * and values outside int32 wrap modulo 2^32 (NaN and ±Infinity give 0) where NumPy's C cast is
 * undefined (it gives INT_MIN with a warning). Into bool, non-zero (and NaN) is true.
 */
export function astype(x: NDArray, dtype: DType): NDArray {
  checkArray(x, "astype");
  checkDType(dtype, "astype");
  return cast(x, dtype);
}

/** `astype` without the checks, into `options.out` when given (contiguous, x's shape, `dtype`). */
export function cast(x: NDArray, dtype: DType, options?: OutOption): NDArray {
  return mapArrays(
    "astype",
    dtype === "bool" && x.dtype !== "bool" ? truthy : identity,
    dtype,
    [x],
    options,
  );
}

/** A contiguous copy that shares no memory with `x`. */
export function copy(x: NDArray): NDArray {
  checkArray(x, "copy");
  return mapArrays("copy", identity, x.dtype, [x]);
}

/** `x` itself when it is contiguous, otherwise a contiguous copy. */
export function contiguous(x: NDArray): NDArray {
  checkArray(x, "contiguous");
  return x.isContiguous ? x : copy(x);
}

/**
 * x's elements in row-major order as one run of a buffer, for reading: `data[start + i]` is
 * element i. It is x's own buffer when x is contiguous, otherwise a copy.
 */
export function rowMajor(x: NDArray): { data: TypedArray; start: number } {
  const c = contiguous(x);
  return { data: c.data, start: c.offset };
}
