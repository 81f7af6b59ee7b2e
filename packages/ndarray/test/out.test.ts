// NumPy's `out=` for elementwise ops: results written in place, with the usual checks.
import { describe, expect, it } from "vitest";
import {
  add,
  arange,
  array,
  clip,
  DTypeError,
  exp,
  greater,
  mul,
  ShapeError,
  sub,
  transpose,
  where,
  zeros,
} from "../src/index";

describe("out option", () => {
  it("writes the result into out and returns it", () => {
    const a = arange(6, undefined, 1, "float32").reshape([2, 3]);
    const out = zeros([2, 3]);
    const result = add(a, array([10, 20, 30]), { out });
    expect(result).toBe(out);
    expect(out.toArray()).toEqual([
      [10, 21, 32],
      [13, 24, 35],
    ]);
    expect(exp(zeros([2, 3]), { out }).toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    const mask = zeros([2, 3], "bool");
    greater(a, 2, { out: mask });
    expect(mask.toArray()).toEqual([
      [false, false, false],
      [true, true, true],
    ]);
    expect(where(mask, a, -1, { out }).toArray()).toEqual([
      [-1, -1, -1],
      [3, 4, 5],
    ]);
    expect(clip(a, 1, 4, { out }).toArray()).toEqual([
      [1, 1, 2],
      [3, 4, 4],
    ]);
  });

  it("updates an operand in place, as an optimizer step does", () => {
    const w = array([1, 2, 3], { dtype: "float64" });
    const data = w.data;
    sub(w, mul(array([0.5, 0.5, 0.5], { dtype: "float64" }), 2), { out: w });
    expect(w.data).toBe(data);
    expect(w.toArray()).toEqual([0, 1, 2]);
  });

  it("writes into a contiguous slice of a larger buffer at its offset", () => {
    const big = zeros([3, 4]);
    const row = big.slice([[1, 2]]).reshape([4]);
    add(arange(4, undefined, 1, "float32"), 1, { out: row });
    expect(big.toArray()).toEqual([
      [0, 0, 0, 0],
      [1, 2, 3, 4],
      [0, 0, 0, 0],
    ]);
  });

  it("copies an input that overlaps out in another layout before writing", () => {
    const x = arange(9, undefined, 1, "float32").reshape([3, 3]);
    const expected = add(x, transpose(x)).toArray();
    add(x, transpose(x), { out: x });
    expect(x.toArray()).toEqual(expected);
  });

  it("rejects an out of the wrong shape, dtype or layout and leaves it untouched", () => {
    const a = zeros([2, 3]);
    const wrongShape = zeros([3, 2]);
    expect(() => add(a, 1, { out: wrongShape })).toThrow(
      new ShapeError("add: out has shape [3,2] but the result has shape [2,3]"),
    );
    const wrongType = zeros([2, 3], "float64");
    expect(() => add(a, 1, { out: wrongType })).toThrow(
      new DTypeError("add: out has dtype float64 but the result is float32"),
    );
    const strided = transpose(zeros([3, 2]));
    expect(() => add(a, 1, { out: strided })).toThrow(ShapeError);
    expect(() => add(a, 1, { out: strided })).toThrow("add: out must be contiguous");
    for (const o of [wrongShape, wrongType, strided]) expect(o.sum().item()).toBe(0);
  });
});
