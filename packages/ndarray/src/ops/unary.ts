import { type DType, floatResult } from "../dtype";
import { DTypeError } from "../errors";
import type { ScalarFn } from "../kernels/engine";
import { type ArrayOrScalar, NDArray } from "../ndarray";
import { asArray, checkArray, checkOperand, mapArrays, resultType } from "./operands";

function unary(op: string, x: NDArray, fn: ScalarFn, outDtype: DType): NDArray {
  checkArray(x, op);
  return mapArrays(op, fn, outDtype, [x]);
}

/** An op computed in floating point: int32 and bool inputs give float32. */
function floating(op: string, x: NDArray, fn: ScalarFn): NDArray {
  checkArray(x, op);
  return unary(op, x, fn, floatResult(x.dtype));
}

/** −x; a DTypeError on bool (NumPy has no boolean negative). */
export function neg(x: NDArray): NDArray {
  checkArray(x, "neg");
  if (x.dtype === "bool") throw new DTypeError("neg: negative of a bool array is not supported");
  return unary("neg", x, (v) => -v, x.dtype);
}

/** |x|, same dtype. */
export function abs(x: NDArray): NDArray {
  return unary("abs", x, (v) => Math.abs(v), x?.dtype);
}

/** −1, 0 or 1 by sign (NaN stays NaN, −0 stays −0); same dtype. */
export function sign(x: NDArray): NDArray {
  return unary("sign", x, (v) => (v > 0 ? 1 : v < 0 ? -1 : v), x?.dtype === "bool" ? "int32" : x?.dtype);
}

/** x², same dtype (int32 wraps like C; bool stays bool). */
export function square(x: NDArray): NDArray {
  checkArray(x, "square");
  return unary("square", x, x.dtype === "int32" ? (v) => Math.imul(v, v) : (v) => v * v, x.dtype);
}

/** max(x, 0), same dtype; NaN propagates. */
export function relu(x: NDArray): NDArray {
  return unary("relu", x, (v) => (v > 0 ? v : v === v ? 0 : v), x?.dtype);
}

export function exp(x: NDArray): NDArray {
  return floating("exp", x, (v) => Math.exp(v));
}

/** Natural logarithm (−Infinity at 0, NaN below). */
export function log(x: NDArray): NDArray {
  return floating("log", x, (v) => Math.log(v));
}

export function sqrt(x: NDArray): NDArray {
  return floating("sqrt", x, (v) => Math.sqrt(v));
}

export function tanh(x: NDArray): NDArray {
  return floating("tanh", x, (v) => Math.tanh(v));
}

export function sin(x: NDArray): NDArray {
  return floating("sin", x, (v) => Math.sin(v));
}

export function cos(x: NDArray): NDArray {
  return floating("cos", x, (v) => Math.cos(v));
}

/** 1 / (1 + e^−x), written so that neither branch overflows. */
export function sigmoid(x: NDArray): NDArray {
  return floating("sigmoid", x, (v) => {
    if (v >= 0) return 1 / (1 + Math.exp(-v));
    const e = Math.exp(v);
    return e / (1 + e);
  });
}

const pick = (c: number, a: number, b: number) => (c !== 0 ? a : b);

/** Elementwise `cond ? a : b` with broadcasting over all three; any non-zero (or NaN) condition is true. */
export function where(cond: NDArray, a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  checkArray(cond, "where");
  checkOperand(a, "where");
  checkOperand(b, "where");
  const dtype = resultType([a, b]);
  return mapArrays("where", pick, dtype, [cond, asArray(a, dtype, "where"), asArray(b, dtype, "where")]);
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
export function clip(x: NDArray, lo: ArrayOrScalar | null, hi: ArrayOrScalar | null): NDArray {
  checkArray(x, "clip");
  if (lo !== null) checkOperand(lo, "clip");
  if (hi !== null) checkOperand(hi, "clip");
  const dtype = resultType([x, ...[lo, hi].filter((v): v is ArrayOrScalar => v !== null)]);
  return mapArrays("clip", clamp, dtype, [x, bound(lo, dtype, -Infinity), bound(hi, dtype, Infinity)]);
}

