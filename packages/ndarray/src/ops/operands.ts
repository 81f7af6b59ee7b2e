import { broadcastShapesFor, broadcastStrides } from "../broadcast";
import { allocate, type DType, promoteTypes, promoteWithScalar } from "../dtype";
import { DTypeError } from "../errors";
import { engine, type ScalarFn, type StridedOperand } from "../kernels/engine";
import { type ArrayOrScalar, NDArray } from "../ndarray";
import { shapeSize } from "../shape";

/** Rejects anything that is neither an NDArray nor a JS number. */
export function checkOperand(x: unknown, op: string): asserts x is ArrayOrScalar {
  if (!(x instanceof NDArray) && typeof x !== "number") {
    const what = x === null ? "null" : Array.isArray(x) ? "a JS array" : typeof x;
    throw new DTypeError(
      `${op}: expected an NDArray or a number, got ${what} (wrap values with array())`,
    );
  }
}

export function checkArray(x: unknown, op: string): asserts x is NDArray {
  if (!(x instanceof NDArray)) {
    const what = x === null ? "null" : Array.isArray(x) ? "a JS array" : typeof x;
    throw new DTypeError(`${op}: expected an NDArray, got ${what} (wrap values with array())`);
  }
}

/** The dtype several operands combine to; JS numbers are weak scalars, two numbers give float32. */
export function resultType(operands: readonly ArrayOrScalar[]): DType {
  let dtype: DType | undefined;
  for (const x of operands)
    if (x instanceof NDArray) dtype = dtype ? promoteTypes(dtype, x.dtype) : x.dtype;
  if (dtype === undefined) return "float32";
  for (const x of operands) if (typeof x === "number") dtype = promoteWithScalar(dtype, x);
  return dtype;
}

/** A 0-d array holding `value` in `dtype`: what a weak scalar becomes once the dtype is known. */
export function scalarIn(value: number, dtype: DType, op: string): NDArray {
  if (dtype === "int32" && Number.isInteger(value) && (value < -2147483648 || value > 2147483647)) {
    throw new DTypeError(`${op}: the scalar ${value} does not fit in int32`);
  }
  const data = allocate(dtype, 1);
  data[0] = value;
  return new NDArray(data, []);
}

export function asArray(x: ArrayOrScalar, dtype: DType, op: string): NDArray {
  return x instanceof NDArray ? x : scalarIn(x, dtype, op);
}

/** The operand as the kernels read it over `shape` (stride 0 on broadcast axes). */
export function stridedOver(x: NDArray, shape: readonly number[]): StridedOperand {
  return { data: x.data, offset: x.offset, strides: broadcastStrides(x.shape, x.strides, shape) };
}

/** Applies `fn` elementwise over the broadcast of `inputs`, into a new array of `outDtype`. */
export function mapArrays(
  op: string,
  fn: ScalarFn,
  outDtype: DType,
  inputs: readonly NDArray[],
): NDArray {
  const shape = broadcastShapesFor(op, ...inputs.map((x) => x.shape));
  const out = allocate(outDtype, shapeSize(shape));
  engine().map(
    fn,
    shape,
    out,
    inputs.map((x) => stridedOver(x, shape)),
  );
  return new NDArray(out, shape);
}
