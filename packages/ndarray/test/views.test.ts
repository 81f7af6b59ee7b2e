import { describe, expect, it } from "vitest";
import {
  allclose,
  arange,
  array,
  arrayEqual,
  astype,
  broadcastTo,
  contiguous,
  copy,
  expandDims,
  flatten,
  NDArray,
  reshape,
  ShapeError,
  slice,
  squeeze,
  transpose,
  zeros,
} from "../src/index";
import { columnMajorLayout, layouts, reversedLayout, steppedLayout } from "./layouts";
import { flatValues } from "./reference";

const base = () => arange(24).reshape([2, 3, 4]).astype("float32");

describe("views share the buffer and copy nothing", () => {
  it("reshape of a contiguous array", () => {
    const x = base();
    const r = reshape(x, [6, 4]);
    expect(r.data).toBe(x.data);
    expect(reshape(x, [-1]).data).toBe(x.data);
    // flatten copies, as NumPy's does: writing into it must never reach x.
    const flat1 = flatten(x);
    expect(flat1.data).not.toBe(x.data);
    expect(flat1.toArray()).toEqual(reshape(x, [-1]).toArray());
    // A contiguous array at an offset (a slice along the first axis) still reshapes in place.
    const tail = slice(x, [[1, 2]]);
    expect(tail.isContiguous).toBe(true);
    const flat = reshape(tail, [12]);
    expect(flat.data).toBe(x.data);
    expect(flat.offset).toBe(12);
    expect(flat.toArray()).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
  });

  it("transpose, slice, squeeze, expandDims and broadcastTo", () => {
    const x = base();
    for (const view of [
      transpose(x),
      x.T,
      slice(x, [null, [null, null, -1], [1, null, 2]]),
      squeeze(reshape(x, [1, 24, 1])),
      expandDims(x, [0, 2]),
      broadcastTo(x, [5, 2, 3, 4]),
    ]) {
      expect(view.data).toBe(x.data);
    }
  });

  it("reshape of a view that keeps its axes grouped is still a view", () => {
    const x = base();
    // Reversing the first axis keeps each [3,4] block contiguous: merging them is free.
    const flipped = slice(x, [[null, null, -1]]);
    const merged = reshape(flipped, [2, 12]);
    expect(merged.data).toBe(x.data);
    expect(merged.toArray()).toEqual(reshape(copy(flipped), [2, 12]).toArray());
    // A broadcast row reshapes by splitting the stride-0 axis.
    const b = broadcastTo(array([1, 2, 3]), [4, 3]);
    const split = reshape(b, [2, 2, 3]);
    expect(split.data).toBe(b.data);
    expect(split.strides).toEqual([0, 0, 1]);
  });

  it("reshape of a non-contiguous layout copies, with the right values", () => {
    const x = base();
    const t = transpose(x);
    const r = reshape(t, [24]);
    expect(r.data).not.toBe(x.data);
    expect(flatValues(r)).toEqual(flatValues(t));
    const stepped = slice(x, [null, null, [null, null, 2]]);
    const s = reshape(stepped, [12]);
    expect(s.toArray()).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]);
  });

  it("a view shows later changes to the shared buffer (it copies nothing)", () => {
    const x = zeros([2, 3]);
    const t = x.T;
    const b = broadcastTo(x.slice([[0, 1]]), [4, 1, 3]);
    x.data[1] = 5; // row 0, column 1
    expect(t.toArray()).toEqual([
      [0, 0],
      [5, 0],
      [0, 0],
    ]);
    expect(flatValues(b.sum(0))).toEqual([0, 20, 0]);
  });
});

describe("contiguous and copy", () => {
  it("contiguous returns a contiguous array itself, and copies anything else", () => {
    const x = base();
    expect(contiguous(x)).toBe(x);
    expect(x.contiguous()).toBe(x);
    for (const [name, view] of layouts(x).slice(1)) {
      const c = contiguous(view);
      expect(c.data, name).not.toBe(view.data);
      expect(c.isContiguous).toBe(true);
      expect(c.offset).toBe(0);
      expect(c.strides).toEqual([12, 4, 1]);
      expect(c.toArray(), name).toEqual(x.toArray());
    }
    const b = broadcastTo(array([1, 2]), [3, 2]);
    expect(contiguous(b).toArray()).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it("copy always gives a new buffer that shares nothing", () => {
    const x = base();
    const c = copy(x);
    expect(c.data).not.toBe(x.data);
    expect(x.copy().data).not.toBe(x.data);
    c.data[0] = 100;
    expect(x.data[0]).toBe(0);
    expect(copy(reversedLayout(x)).toArray()).toEqual(x.toArray());
    expect(copy(array(3)).shape).toEqual([]);
  });

  it("isContiguous tells row-major layouts from the others", () => {
    const x = base();
    expect(x.isContiguous).toBe(true);
    expect(x.T.isContiguous).toBe(false);
    expect(columnMajorLayout(x).isContiguous).toBe(false);
    expect(steppedLayout(x).isContiguous).toBe(false);
    expect(reversedLayout(x).isContiguous).toBe(false);
    expect(slice(x, [[1, 2]]).isContiguous).toBe(true);
    expect(expandDims(x, 1).isContiguous).toBe(true);
    expect(broadcastTo(array([1]), [3]).isContiguous).toBe(false);
    expect(zeros([0, 3]).T.isContiguous).toBe(true);
  });

  it("astype converts any layout into a new contiguous array", () => {
    const x = array([-1.5, 0, 2.7, Number.NaN]);
    expect(astype(x, "int32").toArray()).toEqual([-1, 0, 2, 0]);
    expect(astype(x, "bool").toArray()).toEqual([true, false, true, true]);
    expect(astype(x, "float64").dtype).toBe("float64");
    const y = reversedLayout(x);
    expect(astype(y, "float32").toArray()).toEqual(x.toArray());
    expect(astype(y, "float32").data).not.toBe(y.data);
    expect(x.astype("int32").dtype).toBe("int32");
  });
});

describe("reading values out", () => {
  it("toArray nests by shape, with booleans for bool arrays and a bare value at 0-d", () => {
    const x = base();
    const t = transpose(x, [2, 0, 1]);
    const nested = t.toArray() as number[][][];
    expect(nested.length).toBe(4);
    expect(nested[3]?.[1]?.[2]).toBe(1 * 12 + 2 * 4 + 3);
    expect(array([true, false]).toArray()).toEqual([true, false]);
    expect(array(2.5).toArray()).toBe(2.5);
    expect(array(true).toArray()).toBe(true);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it("toTypedArray is a row-major copy in the dtype's typed array", () => {
    const x = base();
    for (const [name, view] of layouts(x)) {
      const t = view.toTypedArray();
      expect(t, name).toBeInstanceOf(Float32Array);
      expect(t.length).toBe(24);
      expect(t).not.toBe(view.data);
      expect(Array.from(t), name).toEqual(Array.from({ length: 24 }, (_, i) => i));
    }
    expect(x.toTypedArray()).not.toBe(x.data);
    expect(array([1], { dtype: "int32" }).toTypedArray()).toBeInstanceOf(Int32Array);
    expect(array([true]).toTypedArray()).toBeInstanceOf(Uint8Array);
  });

  it("item reads the one element of any size-1 view", () => {
    const x = base();
    expect(
      slice(x, [
        [1, 2],
        [2, 3],
        [3, 4],
      ]).item(),
    ).toBe(23);
    expect(reversedLayout(array([[7]])).item()).toBe(7);
    expect(broadcastTo(array(4), [1, 1]).item()).toBe(4);
    expect(array(true).item()).toBe(1);
    expect(() => x.item()).toThrow(ShapeError);
    expect(() => x.item()).toThrow(
      "item: can only convert an array of size 1, got shape [2,3,4] (size 24)",
    );
    expect(() => zeros([0]).item()).toThrow(ShapeError);
  });
});

describe("allclose and arrayEqual", () => {
  it("allclose uses |a - b| <= atol + rtol·|b| after broadcasting", () => {
    const a = array([1, 2, 3], { dtype: "float64" });
    expect(allclose(a, array([1, 2, 3.00002], { dtype: "float64" }))).toBe(true);
    expect(allclose(a, array([1, 2, 3.0001], { dtype: "float64" }))).toBe(false);
    expect(allclose(a, array([1, 2, 3.0001], { dtype: "float64" }), { rtol: 1e-3 })).toBe(true);
    expect(allclose(array([0], { dtype: "float64" }), array([1e-9], { dtype: "float64" }))).toBe(
      true,
    );
    expect(allclose(array([0], { dtype: "float64" }), array([1e-6], { dtype: "float64" }))).toBe(
      false,
    );
    expect(allclose(array([0]), array([1e-6]), { atol: 1e-5 })).toBe(true);
    expect(allclose(array([[1], [1]]), array([1, 1, 1]))).toBe(true);
    expect(allclose(array([1, 1]).T, broadcastTo(array(1), [2]))).toBe(true);
    expect(() => allclose(zeros([2]), zeros([3]))).toThrow(ShapeError);
  });

  it("allclose treats NaN as unequal unless equalNan, and an infinity as close only to itself", () => {
    const nan = array([Number.NaN]);
    expect(allclose(nan, nan)).toBe(false);
    expect(allclose(nan, nan, { equalNan: true })).toBe(true);
    expect(allclose(nan, array([1]), { equalNan: true })).toBe(false);
    expect(allclose(array([Infinity]), array([Infinity]))).toBe(true);
    expect(allclose(array([Infinity]), array([-Infinity]))).toBe(false);
    expect(allclose(array([1]), array([Infinity]))).toBe(false);
    expect(allclose(array([Infinity]), array([1e38]), { rtol: 10 })).toBe(false);
  });

  it("arrayEqual compares shape and values, not dtype", () => {
    const x = base();
    expect(arrayEqual(x, x.astype("int32"))).toBe(true);
    expect(arrayEqual(x, reversedLayout(x))).toBe(true);
    expect(arrayEqual(x, reshape(x, [6, 4]))).toBe(false);
    expect(arrayEqual(array([1, 2]), array([1, 3]))).toBe(false);
    expect(arrayEqual(array([Number.NaN]), array([Number.NaN]))).toBe(false);
    expect(arrayEqual(array([Number.NaN]), array([Number.NaN]), { equalNan: true })).toBe(true);
    expect(arrayEqual(array([0]), array([-0]))).toBe(true);
    expect(arrayEqual(zeros([0]), zeros([0]))).toBe(true);
  });
});

describe("views built by hand", () => {
  it("read through strides and offset", () => {
    const data = new Float64Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const v = new NDArray(data, [2, 2], [-4, 2], 5);
    expect(v.toArray()).toEqual([
      [5, 7],
      [1, 3],
    ]);
    expect(v.sum(0).toArray()).toEqual([6, 10]);
    expect(v.T.toArray()).toEqual([
      [5, 1],
      [7, 3],
    ]);
  });
});
