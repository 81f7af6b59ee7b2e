import { expect } from "vitest";
import { allclose, arrayEqual, copy, NDArray, type TypedArray } from "../src/index";

// Helpers for the core tests: the same logical values stored in other memory layouts, so that
// every op's strided path is compared with its result on a plain contiguous copy.

function emptyLike(data: TypedArray, length: number): TypedArray {
  return new (data.constructor as new (length: number) => TypedArray)(length);
}

function rowMajorStrides(shape: readonly number[], scale: number): number[] {
  const strides: number[] = [];
  let step = scale;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d] as number;
  }
  return strides;
}

/** Every stride negative and doubled (a gap after each element), starting at a non-zero offset. */
export function reversedLayout(x: NDArray): NDArray {
  const flat = copy(x).data;
  const n = flat.length;
  const buffer = emptyLike(flat, 2 * n + 1);
  for (let i = 0; i < n; i++) buffer[2 * (n - 1 - i) + 1] = flat[i] as number;
  const strides = rowMajorStrides(x.shape, 2).map((s) => -s);
  return new NDArray(buffer, x.shape, strides, n === 0 ? 0 : 2 * (n - 1) + 1);
}

/** Column-major (Fortran) order: the transpose of a contiguous array holding the transpose. */
export function columnMajorLayout(x: NDArray): NDArray {
  const axes = x.shape.map((_, i) => x.ndim - 1 - i);
  return copy(x.transpose(axes)).transpose(axes);
}

/** Row-major with a step of 3 and an offset of 2 (what slicing with a step gives). */
export function steppedLayout(x: NDArray): NDArray {
  const flat = copy(x).data;
  const buffer = emptyLike(flat, 3 * flat.length + 2);
  flat.forEach((v, i) => {
    buffer[2 + 3 * i] = v;
  });
  return new NDArray(buffer, x.shape, rowMajorStrides(x.shape, 3), 2);
}

/** The layouts each op is checked on, with names for failure messages. */
export function layouts(x: NDArray): [string, NDArray][] {
  return [
    ["contiguous", copy(x)],
    ["reversed", reversedLayout(x)],
    ["column-major", columnMajorLayout(x)],
    ["stepped", steppedLayout(x)],
  ];
}

/**
 * Same dtype, same shape, same values (NaN equal to NaN). With `rtol`, values need only be that
 * close: a float reduction may add in another order when the memory layout differs.
 */
export function expectSameArray(actual: NDArray, expected: NDArray, label = "", rtol = 0): void {
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  const same =
    rtol === 0
      ? arrayEqual(actual, expected, { equalNan: true })
      : allclose(actual, expected, { rtol, atol: rtol, equalNan: true });
  expect(same, `${label} values: ${actual.toArray()} vs ${expected.toArray()}`).toBe(true);
}

/**
 * Runs `op` on every layout of its array inputs (all inputs in the same layout at a time) and
 * expects the result a contiguous run gives (up to `rtol`, see expectSameArray). Inputs are
 * checked to be unchanged.
 */
export function expectLayoutInvariant(
  op: (...xs: NDArray[]) => NDArray,
  inputs: NDArray[],
  label = "",
  rtol = 0,
): void {
  const expected = op(...inputs.map((x) => copy(x)));
  const variants = inputs.map((x) => layouts(x));
  const names = layouts(inputs[0] ?? copy(expected)).map(([name]) => name);
  names.forEach((name, k) => {
    const args = variants.map((v) => (v[k] as [string, NDArray])[1]);
    const before = args.map((a) => Array.from(copy(a).data));
    expectSameArray(op(...args), expected, `${label} (${name})`, rtol);
    args.forEach((a, i) => {
      expect(Array.from(copy(a).data), `${label} (${name}) input ${i} modified`).toEqual(before[i]);
    });
  });
}
