import { type DType, floatResult, isFloat } from "../dtype";
import { DTypeError } from "../errors";
import type { ScalarFn } from "../kernels/engine";
import { scalar } from "../kernels/scalar";
import { type ArrayOrScalar, NDArray } from "../ndarray";
import { asArray, checkOperand, mapArrays, type OutOption, resultType } from "./operands";

/**
 * A broadcasting binary op. `pick` chooses the scalar function for the dtype the operands
 * promote to (bool + bool is logical or, int32 * int32 wraps like C); `outDtype` maps that
 * dtype to the result's.
 */
function binary(
  op: string,
  a: ArrayOrScalar,
  b: ArrayOrScalar,
  options: OutOption | undefined,
  pick: (dtype: DType) => ScalarFn,
  outDtype: (dtype: DType) => DType = (d) => d,
): NDArray {
  checkOperand(a, op);
  checkOperand(b, op);
  const common = resultType(a, b);
  const fn = pick(common);
  return mapArrays(
    op,
    fn,
    outDtype(common),
    [asArray(a, common, op), asArray(b, common, op)],
    options,
  );
}

// Any non-zero byte is true, even in a bool array built by hand around a Uint8Array.
const or = (a: number, b: number) => (a !== 0 || b !== 0 ? 1 : 0);
const and = (a: number, b: number) => (a !== 0 && b !== 0 ? 1 : 0);
const timesInt = (a: number, b: number) => Math.imul(a, b);
// IEEE pow (C99 Annex F) where JS's ** differs: 1 ** NaN and (-1) ** ±Infinity are 1.
const power = (a: number, b: number) =>
  a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b;
// Integer power by squaring with 32-bit multiplication, so overflow wraps as NumPy's int32
// does (a ** b in doubles is inexact beyond 2^53). The exponent is never negative here.
const powerInt = (a: number, b: number) => {
  let result = 1;
  let base = a;
  for (let e = b; e > 0; e >>>= 1) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
};

/**
 * A broadcasting comparison into bool. An int32 or bool array against a JS number compares in
 * float64, which holds every int32 and every JS number exactly, so `int32 == 16777216.5` and
 * `int32 > 2147483646.5` answer as NumPy does (a float32 compare would round the number).
 */
function comparison(
  op: string,
  a: ArrayOrScalar,
  b: ArrayOrScalar,
  fn: ScalarFn,
  options?: OutOption,
): NDArray {
  checkOperand(a, op);
  checkOperand(b, op);
  let common = resultType(a, b);
  if (typeof a === "number" && typeof b === "number") common = "float64";
  else if (typeof a === "number" || typeof b === "number") {
    const arrayType = (a instanceof NDArray ? a : (b as NDArray)).dtype;
    if (!isFloat(arrayType)) common = "float64";
  }
  return mapArrays(op, fn, "bool", [asArray(a, common, op), asArray(b, common, op)], options);
}

/** a + b with broadcasting; bool + bool is logical or. */
export function add(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return binary("add", a, b, options, (d) => (d === "bool" ? or : scalar.add));
}

/** a − b with broadcasting; bool − bool is a DTypeError (use notEqual for xor), as in NumPy. */
export function sub(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return binary("sub", a, b, options, (d) => {
    if (d === "bool") {
      throw new DTypeError("sub: boolean subtract is not supported (use notEqual for logical xor)");
    }
    return scalar.sub;
  });
}

/** a · b elementwise with broadcasting; bool · bool is logical and. */
export function mul(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return binary("mul", a, b, options, (d) =>
    d === "bool" ? and : d === "int32" ? timesInt : scalar.mul,
  );
}

/** True division: integer and bool operands give float32. */
export function div(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return binary("div", a, b, options, () => scalar.div, floatResult);
}

/**
 * a ** b with broadcasting. int32 ** int32 stays int32 and wraps on overflow like C (negative
 * integer exponents are a DTypeError); bool ** bool gives int32; floats follow IEEE pow.
 */
export function pow(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  checkOperand(a, "pow");
  checkOperand(b, "pow");
  const common = resultType(a, b);
  if (common === "int32" || common === "bool") {
    const exponent = asArray(b, "int32", "pow");
    if (exponent.size > 0 && (exponent.min().item() as number) < 0) {
      throw new DTypeError(
        "pow: integers to negative integer powers are not allowed (use a float base)",
      );
    }
  }
  return binary(
    "pow",
    a,
    b,
    options,
    (d) => (d === "int32" || d === "bool" ? powerInt : power),
    (d) => (d === "bool" ? "int32" : d),
  );
}

/** Elementwise maximum; NaN propagates. */
export function maximum(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return binary("maximum", a, b, options, () => scalar.maximum);
}

/** Elementwise minimum; NaN propagates. */
export function minimum(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return binary("minimum", a, b, options, () => scalar.minimum);
}

/** a == b → bool (NaN is never equal). */
export function equal(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return comparison("equal", a, b, scalar.equal, options);
}

/** a != b → bool. */
export function notEqual(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return comparison("notEqual", a, b, scalar.notEqual, options);
}

/** a < b → bool. */
export function less(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return comparison("less", a, b, scalar.less, options);
}

/** a <= b → bool. */
export function lessEqual(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return comparison("lessEqual", a, b, scalar.lessEqual, options);
}

/** a > b → bool. */
export function greater(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return comparison("greater", a, b, scalar.greater, options);
}

/** a >= b → bool. */
export function greaterEqual(a: ArrayOrScalar, b: ArrayOrScalar, options?: OutOption): NDArray {
  return comparison("greaterEqual", a, b, scalar.greaterEqual, options);
}
