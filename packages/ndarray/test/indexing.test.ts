import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  DTypeError,
  IndexError,
  NDArray,
  oneHot,
  ShapeError,
  type SliceSpec,
  scatterAdd,
  slice,
  take,
  zeros,
} from "../src/index";
import { expectLayoutInvariant } from "./layouts";
import { flatValues, pythonSlice } from "./reference";

describe("slice", () => {
  it("matches Python's range(7)[start:stop:step] (values printed by CPython)", () => {
    const x = arange(7);
    const table: [SliceSpec, number[]][] = [
      [
        [null, null, -1],
        [6, 5, 4, 3, 2, 1, 0],
      ],
      [
        [5, 1, -2],
        [5, 3],
      ],
      [
        [-2, null, -3],
        [5, 2],
      ],
      [
        [10, -10, -1],
        [6, 5, 4, 3, 2, 1, 0],
      ],
      [
        [-100, 100, 3],
        [0, 3, 6],
      ],
      [[3, 3, 1], []],
      [
        [-1, -8, -2],
        [6, 4, 2, 0],
      ],
      [
        [null, -3, null],
        [0, 1, 2, 3],
      ],
      [
        [2, null, -1],
        [2, 1, 0],
      ],
    ];
    for (const [spec, expected] of table) {
      expect(slice(x, [spec]).toArray(), JSON.stringify(spec)).toEqual(expected);
    }
  });

  it("agrees with Python's slice rules on every small start/stop/step", () => {
    const bounds = [null, -8, -5, -3, -1, 0, 1, 2, 4, 5, 8];
    const steps = [null, -3, -2, -1, 1, 2, 3];
    for (let length = 0; length <= 5; length++) {
      const x = arange(length);
      for (const start of bounds)
        for (const stop of bounds)
          for (const step of steps) {
            const got = slice(x, [[start, stop, step]]);
            const want = pythonSlice(length, start, stop, step);
            expect(got.toArray(), `range(${length})[${start}:${stop}:${step}]`).toEqual(want);
          }
    }
  });

  it("slices leading axes and keeps the rest whole; null keeps an axis whole", () => {
    const x = arange(24).reshape([2, 3, 4]);
    expect(slice(x, [[1]]).shape).toEqual([1, 3, 4]);
    expect(slice(x, [null, [1, 3]]).shape).toEqual([2, 2, 4]);
    expect(slice(x, []).shape).toEqual([2, 3, 4]);
    const r = slice(x, [
      [null, null, -1],
      [2, null, -2],
      [1, null, 2],
    ]);
    expect(r.toArray()).toEqual([
      [
        [21, 23],
        [13, 15],
      ],
      [
        [9, 11],
        [1, 3],
      ],
    ]);
    expect(slice(x, [null, [2, 0, -2]]).shape).toEqual([2, 1, 4]);
    expect(slice(x, [[5, 9]]).shape).toEqual([0, 3, 4]);
    expect(x.slice([[0, 1], null, [3]]).toArray()).toEqual([[[3], [7], [11]]]);
  });

  it("slices views of views (negative steps compose)", () => {
    const x = arange(10);
    const twice = slice(slice(x, [[null, null, -1]]), [[1, null, 3]]);
    expect(twice.toArray()).toEqual([8, 5, 2]);
    const t = arange(12).reshape([3, 4]).T; // [4,3]
    expect(slice(t, [[null, null, -2], [1]]).toArray()).toEqual([
      [7, 11],
      [5, 9],
    ]);
    expectLayoutInvariant(
      (u) =>
        slice(u, [
          [1, null, -1],
          [null, null, 2],
        ]),
      [arange(20).reshape([4, 5])],
      "slice",
    );
  });

  it("rejects bad specs", () => {
    const x = zeros([2, 3]);
    expect(() => slice(x, [null, null, null])).toThrow(IndexError);
    expect(() => slice(x, [[0, 2, 0]])).toThrow(
      "slice: axis 0 of shape [2,3]: step cannot be zero",
    );
    expect(() => slice(x, [[0.5, 2]])).toThrow(DTypeError);
    expect(() => slice(x, [[0, 1, 2, 3] as never])).toThrow(IndexError);
    expect(() => slice(x, 3 as never)).toThrow(IndexError);
  });
});

describe("take", () => {
  const x = arange(24).reshape([2, 3, 4]);

  it("picks from the flattened array without an axis", () => {
    expect(take(x, [0, 23, -1, 5]).toArray()).toEqual([0, 23, 23, 5]);
    expect(take(x, 7).shape).toEqual([]);
    expect(take(x, 7).item()).toBe(7);
    expect(take(x, array([[1, 2]], { dtype: "int32" })).toArray()).toEqual([[1, 2]]);
    expect(take(x.T, [1]).toArray()).toEqual([12]);
    expect(take(x, [5], null as never).toArray()).toEqual([5]);
  });

  it("gives NumPy's shape x.shape[:axis] + indices.shape + x.shape[axis+1:]", () => {
    const idx = array(
      [
        [1, 0],
        [-1, 1],
      ],
      { dtype: "int32" },
    );
    expect(take(x, idx, 0).shape).toEqual([2, 2, 3, 4]);
    expect(take(x, idx, 1).shape).toEqual([2, 2, 2, 4]);
    expect(take(x, idx, 2).shape).toEqual([2, 3, 2, 2]);
    expect(take(x, idx, -1).toArray()).toEqual(take(x, idx, 2).toArray());
    expect(take(x, [2, 0], 1).toArray()).toEqual([
      [
        [8, 9, 10, 11],
        [0, 1, 2, 3],
      ],
      [
        [20, 21, 22, 23],
        [12, 13, 14, 15],
      ],
    ]);
    expect(take(x, array(-1, { dtype: "int32" }), 2).toArray()).toEqual([
      [3, 7, 11],
      [15, 19, 23],
    ]);
    expect(take(x, [], 1).shape).toEqual([2, 0, 4]);
    expect(x.take([1], 0).shape).toEqual([1, 3, 4]);
  });

  it("agrees with element-by-element indexing on every layout", () => {
    const idx = array([3, 0, 3, 1], { dtype: "int32" });
    const f = x.astype("float32");
    const picks = [
      array([1, 0, 1], { dtype: "int32" }),
      array([2, 0, -1, 1], { dtype: "int32" }),
      idx,
    ];
    for (const axis of [undefined, 0, 1, 2]) {
      const indices = axis === undefined ? idx.mul(5) : (picks[axis] as NDArray);
      expectLayoutInvariant((u) => take(u, indices, axis), [f], `take ${axis}`);
    }
    const picked = take(f, idx, 2).toArray() as number[][][];
    const nested = f.toArray() as number[][][];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++)
          expect(picked[i]?.[j]?.[k]).toBe(nested[i]?.[j]?.[flatValues(idx)[k] as number]);
    // Indices may themselves be a strided view.
    const reversed = slice(array([0, 1, 2], { dtype: "int32" }), [[null, null, -1]]);
    expect(take(arange(3).mul(10), reversed).toArray()).toEqual([20, 10, 0]);
  });

  it("keeps the dtype, bool included", () => {
    expect(take(array([true, false]), [1, 0, 0]).toArray()).toEqual([false, true, true]);
    expect(take(array([1.5], { dtype: "float64" }), [0]).dtype).toBe("float64");
  });

  it("rejects float indices (DTypeError) and out-of-range ones (IndexError)", () => {
    expect(() => take(x, array([1, 2]))).toThrow("take: indices must be int32, got float32");
    expect(() => take(x, [1.5])).toThrow(DTypeError);
    expect(() => take(x, 24)).toThrow(IndexError);
    expect(() => take(x, [-25])).toThrow(IndexError);
    expect(() => take(x, [3], 1)).toThrow(
      "take: index 3 is out of bounds for axis 1 with size 3 (shape [2,3,4])",
    );
    expect(() => take(x, [0], 3)).toThrow(IndexError);
  });
});

describe("scatterAdd", () => {
  it("adds slices of values at their indices; repeated indices accumulate", () => {
    const target = zeros([3, 2]);
    const values = array([
      [1, 2],
      [10, 20],
      [100, 200],
    ]);
    const r = scatterAdd(target, [2, 0, 2], values, 0);
    expect(r.toArray()).toEqual([
      [10, 20],
      [0, 0],
      [101, 202],
    ]);
    expect(target.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(scatterAdd(zeros([4]), [1, 1, -1], array([1, 2, 3])).toArray()).toEqual([0, 3, 0, 3]);
  });

  it("is the adjoint of take: <take(x, i), v> = <x, scatterAdd(0, i, v)>", () => {
    const x = arange(12).reshape([3, 4]).astype("float64");
    const idx = array(
      [
        [0, 3],
        [3, 1],
      ],
      { dtype: "int32" },
    );
    const v = arange(12).reshape([3, 2, 2]).astype("float64").mul(0.5);
    const left = take(x, idx, 1).mul(v).sum().item();
    const right = x
      .mul(scatterAdd(zeros([3, 4], "float64"), idx, v, 1))
      .sum()
      .item();
    expect(left).toBeCloseTo(right, 12);
  });

  it("promotes the dtype and keeps bool as bool (logical or)", () => {
    expect(scatterAdd(zeros([2], "int32"), [0], array([0.5])).dtype).toBe("float32");
    const b = scatterAdd(array([true, false, false]), [0, 0, 1], array([true, true, true]));
    expect(b.dtype).toBe("bool");
    expect(Array.from(b.data)).toEqual([1, 1, 0]);
  });

  it("reads any layout of target and values", () => {
    const target = arange(6).reshape([2, 3]).astype("float32");
    const values = arange(4).reshape([2, 2]).astype("float32");
    expectLayoutInvariant((t, v) => scatterAdd(t, [2, 0], v, 1), [target, values], "scatterAdd");
    // The flat scatter (no axis) too, with repeated and negative indices.
    expectLayoutInvariant(
      (t, v) => scatterAdd(t, array([5, 0, -1, 5], "int32"), v.reshape([-1])),
      [target, values],
      "scatterAdd",
    );
  });

  it("checks the shape of values and the indices", () => {
    expect(() => scatterAdd(zeros([3]), [0, 1], zeros([3]))).toThrow(ShapeError);
    expect(() => scatterAdd(zeros([3]), [3], zeros([1]))).toThrow(IndexError);
    // A bad index after good ones: the target is left as it was, the message names the op.
    const target = array([1, 2, 3]);
    expect(() => scatterAdd(target, [0, 1, -4], array([5, 5, 5]))).toThrow(
      /scatterAdd: index -4 is out of bounds for the flattened array with size 3 \(shape \[3\]\)/,
    );
    expect(target.toArray()).toEqual([1, 2, 3]);
    expect(() => scatterAdd(zeros([3]), array([0]), zeros([1]))).toThrow(DTypeError);
  });

  it("accumulates into out, which may be target itself (np.add.at)", () => {
    const target = array([1, 2, 3, 4]);
    const same = scatterAdd(target, [1, 1, -1], array([10, 20, 30]), undefined, { out: target });
    expect(same).toBe(target);
    expect(target.toArray()).toEqual([1, 32, 3, 34]);
    // Along an axis, in place.
    const rows = zeros([3, 2], "float64");
    scatterAdd(
      rows,
      [2, 0, 2],
      array(
        [
          [1, 2],
          [10, 20],
          [100, 200],
        ],
        { dtype: "float64" },
      ),
      0,
      {
        out: rows,
      },
    );
    expect(rows.toArray()).toEqual([
      [10, 20],
      [0, 0],
      [101, 202],
    ]);
    // Into another array: target is copied there first and left as it was.
    const source = array([1, 2, 3]);
    const into = array([7, 7, 7]);
    expect(scatterAdd(source, [0], array([5]), undefined, { out: into }).toArray()).toEqual([
      6, 2, 3,
    ]);
    expect(source.toArray()).toEqual([1, 2, 3]);
    // A contiguous view with an offset, and a cast from int32 into the float32 result.
    const buffer = zeros([6]);
    const window = slice(buffer, [[2, 5]]);
    scatterAdd(array([1, 2, 3], { dtype: "int32" }), [2, 0], array([0.5, 0.25]), undefined, {
      out: window,
    });
    expect(buffer.toArray()).toEqual([0, 0, 1.25, 2, 3.5, 0]);
    // bool stays logical or.
    const flags = array([false, false, true]);
    scatterAdd(flags, [1, 1], array([true, true]), undefined, { out: flags });
    expect(Array.from(flags.data)).toEqual([0, 1, 1]);
  });

  it("reads values that alias out before writing", () => {
    const x = array([1, 2, 3, 4]);
    // values = x[0:2] is added at [2, 3]: the result is x + [0, 0, 1, 2], not a running sum.
    scatterAdd(x, [2, 3], slice(x, [[0, 2]]), undefined, { out: x });
    expect(x.toArray()).toEqual([1, 2, 4, 6]);
    const y = array([1, 2, 3, 4]);
    scatterAdd(y, [1, 2], slice(y, [[0, 2]]), undefined, { out: y });
    expect(y.toArray()).toEqual([1, 3, 5, 4]);
  });

  it("with out, checks every index before writing, and checks out itself", () => {
    const target = array([1, 2, 3]);
    expect(() =>
      scatterAdd(target, [0, 1, 3], array([5, 5, 5]), undefined, { out: target }),
    ).toThrow(/scatterAdd: index 3 is out of bounds for the flattened array with size 3/);
    expect(target.toArray()).toEqual([1, 2, 3]);
    const rows = zeros([2, 2]);
    expect(() =>
      scatterAdd(
        rows,
        [0, 2],
        array([
          [1, 1],
          [1, 1],
        ]),
        0,
        { out: rows },
      ),
    ).toThrow(IndexError);
    expect(rows.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(() => scatterAdd(target, [0], array([1]), undefined, { out: zeros([4]) })).toThrow(
      /scatterAdd: out has shape \[4\] but the result has shape \[3\]/,
    );
    expect(() =>
      scatterAdd(target, [0], array([1]), undefined, { out: zeros([3], "float64") }),
    ).toThrow(DTypeError);
    const strided = slice(zeros([6]), [[0, 6, 2]]);
    expect(() => scatterAdd(target, [0], array([1]), undefined, { out: strided })).toThrow(
      /scatterAdd: out must be contiguous/,
    );
  });
});

describe("oneHot", () => {
  it("gives float32 rows with a single one", () => {
    const r = oneHot([2, 0], 3);
    expect(r.dtype).toBe("float32");
    expect(r.toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const nested = oneHot(array([[1], [0]], { dtype: "int32" }), 2);
    expect(nested.shape).toEqual([2, 1, 2]);
    const view = new NDArray(new Int32Array([2, 9, 1]), [2], [-2], 2);
    expect(oneHot(view, 3).toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it("rejects classes out of range, float labels and a bad class count", () => {
    expect(() => oneHot([3], 3)).toThrow(IndexError);
    expect(() => oneHot([-1], 3)).toThrow(IndexError);
    expect(() => oneHot(array([1]), 3)).toThrow(DTypeError);
    expect(() => oneHot([0], 0)).toThrow(ShapeError);
  });
});
