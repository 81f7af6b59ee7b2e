import { broadcastShapesFor, broadcastStrides } from "../broadcast";
import { allocate, checkFits, type DType, promoteTypes, promoteWithScalar } from "../dtype";
import { DTypeError, ShapeError } from "../errors";
import { engine, type ScalarFn, type StridedOperand } from "../kernels/engine";
import { type ArrayOrScalar, NDArray } from "../ndarray";
import { formatShape, shapeSize, shapesEqual } from "../shape";
import { copy } from "./copy";

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

/**
 * The dtype an elementwise op over `operands` returns, NumPy's `result_type`: arrays promote
 * bool < int32 < float32 < float64, JS numbers are weak scalars (they never widen a float dtype;
 * a fractional number makes an int or bool result float32), and numbers alone give float32.
 */
export function resultType(...operands: readonly ArrayOrScalar[]): DType {
  let dtype: DType | undefined;
  for (const x of operands)
    if (x instanceof NDArray) dtype = dtype ? promoteTypes(dtype, x.dtype) : x.dtype;
  if (dtype === undefined) return "float32";
  for (const x of operands) if (typeof x === "number") dtype = promoteWithScalar(dtype, x);
  return dtype;
}

/** A 0-d array holding `value` in `dtype`: what a weak scalar becomes once the dtype is known. */
function scalarIn(value: number, dtype: DType, op: string): NDArray {
  if (dtype === "int32" && Number.isInteger(value)) checkFits(value, dtype, op);
  const data = allocate(dtype, 1);
  data[0] = value;
  return new NDArray(data, []);
}

export function asArray(x: ArrayOrScalar, dtype: DType, op: string): NDArray {
  return x instanceof NDArray ? x : scalarIn(x, dtype, op);
}

/** The operand as the kernels read it over `shape` (stride 0 on broadcast axes). */
function stridedOver(x: NDArray, shape: readonly number[]): StridedOperand {
  return { data: x.data, offset: x.offset, strides: broadcastStrides(x.shape, x.strides, shape) };
}

/**
 * Where an elementwise op writes, NumPy's `out=`: a contiguous array with exactly the result's
 * shape and dtype, which is filled in place and returned (no allocation). It may be one of the
 * inputs (`add(x, y, { out: x })`).
 */
export interface OutOption {
  out?: NDArray;
}

/** Whether `x`, read over `shape`, visits exactly the memory `out` is written in, element by element. */
export function sameElements(x: NDArray, out: NDArray, shape: readonly number[]): boolean {
  if (x.data.buffer !== out.data.buffer) return false;
  if (x.data.BYTES_PER_ELEMENT !== out.data.BYTES_PER_ELEMENT) return false;
  const start = (a: NDArray) => a.data.byteOffset + a.offset * a.data.BYTES_PER_ELEMENT;
  if (start(x) !== start(out)) return false;
  const strides = broadcastStrides(x.shape, x.strides, shape);
  return shape.every((d, i) => d === 1 || strides[i] === out.strides[i]);
}

/** Throws unless `out` can take a result of `shape` and `dtype` (see `OutOption`). */
export function checkOut(op: string, out: NDArray, shape: readonly number[], dtype: DType): void {
  checkArray(out, op);
  if (!shapesEqual(out.shape, shape)) {
    throw new ShapeError(
      `${op}: out has shape ${formatShape(out.shape)} but the result has shape ${formatShape(shape)}`,
    );
  }
  if (out.dtype !== dtype) {
    throw new DTypeError(`${op}: out has dtype ${out.dtype} but the result is ${dtype}`);
  }
  if (!out.isContiguous) {
    throw new ShapeError(`${op}: out must be contiguous (got strides ${formatShape(out.strides)})`);
  }
}

/**
 * Applies `fn` elementwise over the broadcast of `inputs`, into a new array of `outDtype`, or
 * into `options.out`. An input that shares memory with `out` in a different layout is copied
 * first, so overlapping reads never see values the op already wrote.
 */
export function mapArrays(
  op: string,
  fn: ScalarFn,
  outDtype: DType,
  inputs: readonly NDArray[],
  options?: OutOption,
): NDArray {
  const shape = broadcastShapesFor(op, ...inputs.map((x) => x.shape));
  const target = options?.out;
  if (target === undefined) {
    const out = allocate(outDtype, shapeSize(shape));
    engine().map(
      fn,
      shape,
      out,
      inputs.map((x) => stridedOver(x, shape)),
    );
    return new NDArray(out, shape);
  }
  checkOut(op, target, shape, outDtype);
  const safe = inputs.map((x) =>
    x.data.buffer === target.data.buffer && !sameElements(x, target, shape) ? copy(x) : x,
  );
  engine().map(
    fn,
    shape,
    target.data,
    safe.map((x) => stridedOver(x, shape)),
    target.offset,
  );
  return target;
}
