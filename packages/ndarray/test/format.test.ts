import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arange, array, broadcastTo, type NDArray, slice, transpose, zeros } from "../src/index";

// Every expected string below is what NumPy 2.4 prints for the same array (its repr with our
// `shape=[..], dtype=..` extras in place of NumPy's own), generated once with Python.
const f32 = (values: number[], shape?: number[]) =>
  array(values, shape ? { dtype: "float32", shape } : { dtype: "float32" });
const f64 = (values: number[], shape?: number[]) =>
  array(values, shape ? { dtype: "float64", shape } : { dtype: "float64" });

describe("format (toString)", () => {
  it("prints a 2-D float32 array with NumPy's brackets and indentation", () => {
    expect(f32([1, 2, 3, 4], [2, 2]).toString()).toBe(
      "array([[1., 2.],\n       [3., 4.]], shape=[2,2], dtype=float32)",
    );
  });

  it("prints float32 values by their shortest float32 digits, padded to one width", () => {
    // 0.1 stored as float32 is 0.100000001490116...; NumPy prints 0.1, and so do we.
    expect(f32([0.1, 0.2, 0.3, 1 / 3, 2 / 3]).toString()).toBe(
      "array([0.1       , 0.2       , 0.3       , 0.33333334, 0.6666667 ],\n      shape=[5], dtype=float32)",
    );
    expect(f64([1 / 3, 2 / 3, 1]).toString()).toBe(
      "array([0.33333333, 0.66666667, 1.        ], shape=[3], dtype=float64)",
    );
  });

  it("rounds ties to even like Dragon4", () => {
    expect(f64([0.001953125, 1]).toString()).toBe(
      "array([0.00195312, 1.        ], shape=[2], dtype=float64)",
    );
    expect(f32([51992.5625, 100]).toString()).toBe(
      "array([51992.562,   100.   ], shape=[2], dtype=float32)",
    );
  });

  it("switches to scientific notation when the range demands it", () => {
    expect(f32([1e-5, 1.5, 1000]).toString()).toBe(
      "array([1.0e-05, 1.5e+00, 1.0e+03], shape=[3], dtype=float32)",
    );
    // float32 goes scientific from 1e6 (NumPy 2.3+), float64 from 1e8.
    expect(f32([1e6, 2.5]).toString()).toBe("array([1.0e+06, 2.5e+00], shape=[2], dtype=float32)");
    // Digits past a value's shortest form are its exact digits (0.3f is 0.300000011920...).
    expect(f32([0.3, 1.2345678e-5, -2]).toString()).toBe(
      "array([ 3.0000001e-01,  1.2345678e-05, -2.0000000e+00],\n      shape=[3], dtype=float32)",
    );
    // At a power of two Dragon4 rounds the padding digit up, toward the wider half-gap.
    expect(f32([2 ** 90, 1.2345678e-5]).toString()).toBe(
      "array([1.2379401e+27, 1.2345678e-05], shape=[2], dtype=float32)",
    );
  });

  it("prints nan, inf, -inf and -0 aligned with the other values", () => {
    expect(
      f64([Number.NaN, 1.5, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0]).toString(),
    ).toBe("array([ nan,  1.5, -inf,  inf, -0. ], shape=[5], dtype=float64)");
    expect(f32([Number.NaN, Number.NEGATIVE_INFINITY]).toString()).toBe(
      "array([ nan, -inf], shape=[2], dtype=float32)",
    );
  });

  it("prints 0-d and empty arrays", () => {
    expect(array(3.5).toString()).toBe("array(3.5, shape=[], dtype=float32)");
    expect(array(true).toString()).toBe("array(True, shape=[], dtype=bool)");
    expect(array(-7, { dtype: "int32" }).toString()).toBe("array(-7, shape=[], dtype=int32)");
    expect(zeros([0, 3]).toString()).toBe("array([], shape=[0,3], dtype=float32)");
  });

  it("right-aligns ints and prints bools as True/False", () => {
    expect(
      array(
        [
          [1, -20, 300],
          [4000, 5, -6],
        ],
        { dtype: "int32" },
      ).toString(),
    ).toBe("array([[   1,  -20,  300],\n       [4000,    5,   -6]], shape=[2,3], dtype=int32)");
    expect(
      array([
        [true, false],
        [false, true],
      ]).toString(),
    ).toBe("array([[ True, False],\n       [False,  True]], shape=[2,2], dtype=bool)");
  });

  it("separates the blocks of 3-D and 4-D arrays with blank lines", () => {
    expect(arange(12).reshape([2, 2, 3]).toString()).toBe(
      [
        "array([[[ 0,  1,  2],",
        "        [ 3,  4,  5]],",
        "",
        "       [[ 6,  7,  8],",
        "        [ 9, 10, 11]]], shape=[2,2,3], dtype=int32)",
      ].join("\n"),
    );
    expect(arange(16).astype("float32").div(2).reshape([2, 2, 2, 2]).toString()).toBe(
      [
        "array([[[[0. , 0.5],",
        "         [1. , 1.5]],",
        "",
        "        [[2. , 2.5],",
        "         [3. , 3.5]]],",
        "",
        "",
        "       [[[4. , 4.5],",
        "         [5. , 5.5]],",
        "",
        "        [[6. , 6.5],",
        "         [7. , 7.5]]]], shape=[2,2,2,2], dtype=float32)",
      ].join("\n"),
    );
  });

  it("wraps long rows at 75 columns and moves the extras to a new line when needed", () => {
    expect(arange(30).astype("float64").div(4).toString()).toBe(
      [
        "array([0.  , 0.25, 0.5 , 0.75, 1.  , 1.25, 1.5 , 1.75, 2.  , 2.25, 2.5 ,",
        "       2.75, 3.  , 3.25, 3.5 , 3.75, 4.  , 4.25, 4.5 , 4.75, 5.  , 5.25,",
        "       5.5 , 5.75, 6.  , 6.25, 6.5 , 6.75, 7.  , 7.25],",
        "      shape=[30], dtype=float64)",
      ].join("\n"),
    );
    expect(f64([...Array(12).fill(0.5), 123456.789]).toString()).toBe(
      [
        "array([5.00000000e-01, 5.00000000e-01, 5.00000000e-01, 5.00000000e-01,",
        "       5.00000000e-01, 5.00000000e-01, 5.00000000e-01, 5.00000000e-01,",
        "       5.00000000e-01, 5.00000000e-01, 5.00000000e-01, 5.00000000e-01,",
        "       1.23456789e+05], shape=[13], dtype=float64)",
      ].join("\n"),
    );
  });

  it("summarises arrays of over 1000 elements with 3 edge items per axis", () => {
    expect(arange(1000).toString()).not.toContain("...");
    expect(arange(1001).toString()).toBe(
      "array([   0,    1,    2, ...,  998,  999, 1000], shape=[1001], dtype=int32)",
    );
    expect(arange(1100).reshape([100, 11]).toString()).toBe(
      [
        "array([[   0,    1,    2, ...,    8,    9,   10],",
        "       [  11,   12,   13, ...,   19,   20,   21],",
        "       [  22,   23,   24, ...,   30,   31,   32],",
        "       ...,",
        "       [1067, 1068, 1069, ..., 1075, 1076, 1077],",
        "       [1078, 1079, 1080, ..., 1086, 1087, 1088],",
        "       [1089, 1090, 1091, ..., 1097, 1098, 1099]],",
        "      shape=[100,11], dtype=int32)",
      ].join("\n"),
    );
    // Only printed values choose the format (here the ratio 1999/1 asks for e-notation).
    expect(arange(2000).astype("float32").reshape([2, 10, 100]).toString()).toBe(
      [
        "array([[[0.000e+00, 1.000e+00, 2.000e+00, ..., 9.700e+01, 9.800e+01,",
        "         9.900e+01],",
        "        [1.000e+02, 1.010e+02, 1.020e+02, ..., 1.970e+02, 1.980e+02,",
        "         1.990e+02],",
        "        [2.000e+02, 2.010e+02, 2.020e+02, ..., 2.970e+02, 2.980e+02,",
        "         2.990e+02],",
        "        ...,",
        "        [7.000e+02, 7.010e+02, 7.020e+02, ..., 7.970e+02, 7.980e+02,",
        "         7.990e+02],",
        "        [8.000e+02, 8.010e+02, 8.020e+02, ..., 8.970e+02, 8.980e+02,",
        "         8.990e+02],",
        "        [9.000e+02, 9.010e+02, 9.020e+02, ..., 9.970e+02, 9.980e+02,",
        "         9.990e+02]],",
        "",
        "       [[1.000e+03, 1.001e+03, 1.002e+03, ..., 1.097e+03, 1.098e+03,",
        "         1.099e+03],",
        "        [1.100e+03, 1.101e+03, 1.102e+03, ..., 1.197e+03, 1.198e+03,",
        "         1.199e+03],",
        "        [1.200e+03, 1.201e+03, 1.202e+03, ..., 1.297e+03, 1.298e+03,",
        "         1.299e+03],",
        "        ...,",
        "        [1.700e+03, 1.701e+03, 1.702e+03, ..., 1.797e+03, 1.798e+03,",
        "         1.799e+03],",
        "        [1.800e+03, 1.801e+03, 1.802e+03, ..., 1.897e+03, 1.898e+03,",
        "         1.899e+03],",
        "        [1.900e+03, 1.901e+03, 1.902e+03, ..., 1.997e+03, 1.998e+03,",
        "         1.999e+03]]], shape=[2,10,100], dtype=float32)",
      ].join("\n"),
    );
  });

  it("prints transposed, reversed and broadcast views", () => {
    const a = arange(12).astype("float32").reshape([3, 4]).div(4);
    expect(transpose(a).toString()).toBe(
      [
        "array([[0.  , 1.  , 2.  ],",
        "       [0.25, 1.25, 2.25],",
        "       [0.5 , 1.5 , 2.5 ],",
        "       [0.75, 1.75, 2.75]], shape=[4,3], dtype=float32)",
      ].join("\n"),
    );
    expect(
      slice(a, [
        [null, null, -1],
        [3, 0, -2],
      ]).toString(),
    ).toBe(
      "array([[2.75, 2.25],\n       [1.75, 1.25],\n       [0.75, 0.25]], shape=[3,2], dtype=float32)",
    );
    expect(broadcastTo(f32([0.1, 0.25, 3]), [2, 3]).toString()).toBe(
      "array([[0.1 , 0.25, 3.  ],\n       [0.1 , 0.25, 3.  ]], shape=[2,3], dtype=float32)",
    );
    // A summarised broadcast view reads only the elements it shows.
    expect(broadcastTo(f32([7]), [5000]).toString()).toBe(
      "array([7., 7., 7., ..., 7., 7., 7.], shape=[5000], dtype=float32)",
    );
  });

  it("prints floats in digits that read back to the same value", () => {
    const printedValue = (x: NDArray) => {
      const match = /^array\((\S+), shape/.exec(x.toString());
      return Number(match?.[1]);
    };
    // Positional printing stops at 8 fractional digits, so take the range where it cannot.
    const outsideCut = (v: number) => Math.abs(v) >= 1 || Math.abs(v) < Math.fround(1e-4);
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }).filter(outsideCut), (v) => {
        expect(Math.fround(printedValue(f32([v]).reshape([]))) === v).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-300, max: 1e300 }),
        (v) => {
          // Scientific digits are cut at 9 significant, positional ones (1e-4 <= |v| < 1e8) at
          // 8 after the point, as NumPy does: compare within whichever precision applies.
          const printed = printedValue(f64([v]).reshape([]));
          const positional = Math.abs(v) >= 1e-4 && Math.abs(v) < 1e8;
          const tolerance = Math.abs(v) * 5e-9 + (positional ? 5e-9 : 0);
          expect(Math.abs(printed - v)).toBeLessThanOrEqual(tolerance);
        },
      ),
      // A value fast-check once found: positional digits stop 5e-13 away from it.
      { examples: [[0.00010000000050000002]] },
    );
  });
});
