import { type DType, floatResult } from "../dtype";
import { DTypeError } from "../errors";
import type { ScalarFn } from "../kernels/engine";
import { scalar } from "../kernels/scalar";
import { type ArrayOrScalar, NDArray } from "../ndarray";
import {
  asArray,
  checkArray,
  checkOperand,
  mapArrays,
  type OutOption,
  resultType,
} from "./operands";

function unary(
  op: string,
  x: NDArray,
  fn: ScalarFn,
  outDtype: DType,
  options: OutOption | undefined,
): NDArray {
  checkArray(x, op);
  return mapArrays(op, fn, outDtype, [x], options);
}

/** An op computed in floating point: int32 and bool inputs give float32. */
function floating(op: string, x: NDArray, fn: ScalarFn, options: OutOption | undefined): NDArray {
  checkArray(x, op);
  return unary(op, x, fn, floatResult(x.dtype), options);
}

const signum = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : v);
const squaredInt = (v: number) => Math.imul(v, v);
const sinOf = (v: number) => Math.sin(v);
const cosOf = (v: number) => Math.cos(v);

/** −x, same dtype (int32 wraps like C); a DTypeError on bool (NumPy has no boolean negative). */
export function neg(x: NDArray, options?: OutOption): NDArray {
  checkArray(x, "neg");
  if (x.dtype === "bool") throw new DTypeError("neg: negative of a bool array is not supported");
  return unary("neg", x, scalar.neg, x.dtype, options);
}

/** |x|, same dtype. */
export function abs(x: NDArray, options?: OutOption): NDArray {
  checkArray(x, "abs");
  return unary("abs", x, scalar.abs, x.dtype, options);
}

/** −1, 0 or 1 by sign (NaN stays NaN, −0 stays −0); same dtype, except bool gives int32. */
export function sign(x: NDArray, options?: OutOption): NDArray {
  checkArray(x, "sign");
  return unary("sign", x, signum, x.dtype === "bool" ? "int32" : x.dtype, options);
}

/** x², same dtype (int32 wraps like C); bool gives int32, as NumPy's integer square. */
export function square(x: NDArray, options?: OutOption): NDArray {
  checkArray(x, "square");
  if (x.dtype === "bool") return unary("square", x, scalar.square, "int32", options);
  return unary("square", x, x.dtype === "int32" ? squaredInt : scalar.square, x.dtype, options);
}

/** max(x, 0), same dtype; NaN propagates. */
export function relu(x: NDArray, options?: OutOption): NDArray {
  checkArray(x, "relu");
  return unary("relu", x, scalar.relu, x.dtype, options);
}

/** e^x; int32 and bool give float32. */
export function exp(x: NDArray, options?: OutOption): NDArray {
  return floating("exp", x, scalar.exp, options);
}

/** Natural logarithm (−Infinity at 0, NaN below); int32 and bool give float32. */
export function log(x: NDArray, options?: OutOption): NDArray {
  return floating("log", x, scalar.log, options);
}

/** Square root (NaN below 0, −0 stays −0); int32 and bool give float32. */
export function sqrt(x: NDArray, options?: OutOption): NDArray {
  return floating("sqrt", x, scalar.sqrt, options);
}

/** Hyperbolic tangent; int32 and bool give float32. */
export function tanh(x: NDArray, options?: OutOption): NDArray {
  return floating("tanh", x, scalar.tanh, options);
}

/** Sine (radians); int32 and bool give float32. */
export function sin(x: NDArray, options?: OutOption): NDArray {
  return floating("sin", x, sinOf, options);
}

/** Cosine (radians); int32 and bool give float32. */
export function cos(x: NDArray, options?: OutOption): NDArray {
  return floating("cos", x, cosOf, options);
}

/** The logistic function 1 / (1 + e^−x), finite for any input; int32 and bool give float32. */
export function sigmoid(x: NDArray, options?: OutOption): NDArray {
  return floating("sigmoid", x, scalar.sigmoid, options);
}

const pick = (c: number, a: number, b: number) => (c !== 0 ? a : b);

/** Elementwise `cond ? a : b` with broadcasting over all three; any non-zero (or NaN) condition is true. */
export function where(
  cond: NDArray,
  a: ArrayOrScalar,
  b: ArrayOrScalar,
  options?: OutOption,
): NDArray {
  checkArray(cond, "where");
  checkOperand(a, "where");
  checkOperand(b, "where");
  const dtype = resultType(a, b);
  return mapArrays(
    "where",
    pick,
    dtype,
    [cond, asArray(a, dtype, "where"), asArray(b, dtype, "where")],
    options,
  );
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

function bound(value: ArrayOrScalar | null, dtype: DType, missing: number): NDArray {
  if (value === null) {
    const data = new Float64Array([missing]);
    return new NDArray(data, []);
  }
  return asArray(value, dtype, "clip");
}

/**
 * Limits x to [lo, hi] with broadcasting (`null` leaves that side open), as NumPy's
 * `minimum(maximum(x, lo), hi)`: where lo > hi the result is hi; NaN propagates.
 */
export function clip(
  x: NDArray,
  lo: ArrayOrScalar | null,
  hi: ArrayOrScalar | null,
  options?: OutOption,
): NDArray {
  checkArray(x, "clip");
  if (lo !== null) checkOperand(lo, "clip");
  if (hi !== null) checkOperand(hi, "clip");
  const dtype = resultType(x, ...[lo, hi].filter((v): v is ArrayOrScalar => v !== null));
  return mapArrays(
    "clip",
    clamp,
    dtype,
    [x, bound(lo, dtype, -Infinity), bound(hi, dtype, Infinity)],
    options,
  );
}
