// Findings of the review of 2026-11-24, each reproduced here so it stays fixed.
import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  DTypeError,
  equal,
  expandDims,
  full,
  greater,
  IndexError,
  less,
  matmul,
  mul,
  NDArray,
  pad,
  sum,
  take,
  zeros,
} from "../src/index";

const i32 = (values: number[] | number[][]) => array(values, { dtype: "int32" });

describe("review regressions", () => {
  it("compares int32 arrays with fractional numbers exactly (not via float32)", () => {
    expect(equal(i32([16777216]), 16777216.5).toArray()).toEqual([false]);
    expect(greater(i32([2147483647]), 2147483646.5).toArray()).toEqual([true]);
    expect(less(16777216.5, i32([16777217])).toArray()).toEqual([true]);
    expect(equal(array(16777216, "float64"), 16777217).item()).toBe(0);
  });

  it("int32 matmul wraps every product and sum to 32 bits, as NumPy", () => {
    expect(matmul(i32([[1073741825]]), i32([[1073741825]])).toArray()).toEqual([[-2147483647]]);
    const m = i32([
      [1073741825, 1],
      [1, 1],
    ]);
    expect((matmul(m, m).toArray() as number[][])[0]?.[0]).toBe(-2147483646);
    expect(matmul(m, m).dtype).toBe("int32");
  });

  it("rejects JS indices outside int32 instead of wrapping them", () => {
    const x = array([10, 20, 30]);
    expect(() => take(x, [4294967297])).toThrow(IndexError);
    expect(() => take(x, [2147483648])).toThrow("take: index 2147483648 is out of bounds");
  });

  it("refuses numbers that do not fit in int32 when creating arrays", () => {
    expect(() => array([2147483648], { dtype: "int32" })).toThrow(DTypeError);
    expect(() => full([1], 3e9, "int32")).toThrow("full: 3000000000 does not fit in int32");
    expect(() => full([1], Number.NaN, "int32")).toThrow(DTypeError);
    expect(() => pad(i32([1]), 1, 3e9)).toThrow(DTypeError);
    expect(array([1.9, -1.9], "int32").toArray()).toEqual([1, -1]);
    expect(() => arange(2147483647, 2147483650)).toThrow(DTypeError);
    expect(arange(2147483645, 2147483648).toArray()).toEqual([2147483645, 2147483646, 2147483647]);
  });

  it("steps float32 aranges in float32, as NumPy", () => {
    const values = arange(0, 1, 0.1).toTypedArray();
    expect(values[9]).toBe(Math.fround(0.90000004));
    expect(values[3]).toBe(Math.fround(0.3));
    expect(arange(0, 1, 0.1, "float64").toTypedArray()[9]).toBe(0.9);
  });

  it("takes the dtype as a string in array(), like every other creator", () => {
    expect(array([1, 2], "int32").dtype).toBe("int32");
    expect(array([1, 2], "float64").dtype).toBe("float64");
  });

  it("reads nested NDArrays and typed arrays inside lists, with short error messages", () => {
    const row = array([1, 2]);
    expect(array([row, new Float32Array([3, 4])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    let message = "";
    try {
      array([[{ huge: "x".repeat(100000) }]] as never);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^array: unsupported element/);
    expect(message.length).toBeLessThan(120);
  });

  it("treats any non-zero byte of a hand-built bool array as true", () => {
    const a = new NDArray(new Uint8Array([2, 1, 0]), [3]);
    const b = new NDArray(new Uint8Array([1, 4, 1]), [3]);
    expect(mul(a, b).toArray()).toEqual([true, true, false]);
  });

  it("says expandDims axes count in the result", () => {
    expect(() => expandDims(zeros([2, 3]), 3)).toThrow("(ndim 3)");
    expect(expandDims(zeros([2, 3]), 2).shape).toEqual([2, 3, 1]);
  });

  it("sums accumulate in float64 (documented: more exact than NumPy's float32)", () => {
    expect(sum(array([3e38, 3e38, -3e38])).item()).toBe(Math.fround(3e38));
  });
});

describe("fast paths found by the benchmark agree with the general ones", () => {
  it("argmax/argmin over leading axes of a contiguous array (ties, NaN)", async () => {
    const { argmax, argmin, transpose } = await import("../src/index");
    const values = [
      [1, 5, Number.NaN, 2],
      [3, 5, 0, Number.NaN],
      [3, 1, Number.NaN, 7],
    ];
    const x = array(values, "float64");
    // The same values through a transposed (non-contiguous) view take the general path.
    const strided = transpose(
      array(values[0]?.map((_, j) => values.map((r) => r[j] as number)) as number[][], "float64"),
    );
    expect(strided.isContiguous).toBe(false);
    for (const op of [argmax, argmin]) {
      expect(op(x, 0).toArray()).toEqual(op(strided, 0).toArray());
      expect(op(x, [0, 1]).toArray()).toEqual(op(strided, [0, 1]).toArray());
    }
    expect(argmax(x, 0).toArray()).toEqual([1, 0, 0, 1]);
    expect(argmin(x, 0, true).toArray()).toEqual([[0, 2, 0, 1]]);
    const cube = arange(24, undefined, 1, "float64").reshape([2, 3, 4]);
    expect(argmax(cube, [0, 1]).toArray()).toEqual([5, 5, 5, 5]);
  });

  it("take of single elements along the last axis", () => {
    const x = arange(12, undefined, 1, "float32").reshape([3, 4]);
    expect(take(x, [3, 0, -1], 1).toArray()).toEqual([
      [3, 0, 3],
      [7, 4, 7],
      [11, 8, 11],
    ]);
  });
});

describe("creators take the dtype the same ways", () => {
  it("as a string or as { dtype }", async () => {
    const { eye, linspace, zeros } = await import("../src/index");
    expect(linspace(0, 1, 5, "float64").dtype).toBe("float64");
    expect(linspace(0, 1, 4, { endpoint: false, dtype: "float64" }).toArray()).toEqual([
      0, 0.25, 0.5, 0.75,
    ]);
    expect(eye(2, 3, "int32").toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(zeros([2], "float64").dtype).toBe("float64");
  });
});
