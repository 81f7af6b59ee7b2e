import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  broadcastShapes,
  broadcastTo,
  expandDims,
  flatten,
  IndexError,
  reshape,
  ShapeError,
  squeeze,
  sum,
  sumTo,
  transpose,
  zeros,
} from "../src/index";
import { expectLayoutInvariant, expectSameArray } from "./layouts";
import { flatValues } from "./reference";

const x24 = () => arange(24).reshape([2, 3, 4]);

describe("reshape", () => {
  it("keeps row-major order and infers one -1", () => {
    const x = x24();
    expect(reshape(x, [6, 4]).toArray()).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
      [12, 13, 14, 15],
      [16, 17, 18, 19],
      [20, 21, 22, 23],
    ]);
    expect(reshape(x, [4, -1]).shape).toEqual([4, 6]);
    expect(reshape(x, [-1]).shape).toEqual([24]);
    expect(reshape(x, [1, -1, 1, 2]).shape).toEqual([1, 12, 1, 2]);
    expect(reshape(array([5]), []).shape).toEqual([]);
    expect(reshape(array(5), [1, 1]).toArray()).toEqual([[5]]);
    expect(reshape(zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
    expect(x.reshape([24]).toArray()).toEqual(flatValues(x));
  });

  it("gives the same values from any layout", () => {
    const x = x24().astype("float32");
    for (const shape of [[24], [4, 6], [2, 12], [3, 8], [2, 3, 2, 2], [-1, 4], [1, 24, 1]]) {
      expectLayoutInvariant((u) => reshape(u, shape), [x], `reshape ${shape}`);
    }
    const t = x.transpose([2, 0, 1]); // [4,2,3]
    expect(flatValues(reshape(t, [24]))).toEqual(flatValues(t));
    expect(reshape(t, [8, 3]).toArray()).toEqual(reshape(t.copy(), [8, 3]).toArray());
  });

  it("rejects impossible shapes with a ShapeError naming both shapes", () => {
    const x = x24();
    expect(() => reshape(x, [5, 5])).toThrow(
      "reshape: cannot reshape [2,3,4] (size 24) into [5,5] (size 25)",
    );
    expect(() => reshape(x, [5, -1])).toThrow(ShapeError);
    expect(() => reshape(x, [-1, -1])).toThrow("reshape: can only infer one dimension");
    expect(() => reshape(x, [2.5, 2])).toThrow(ShapeError);
    expect(() => reshape(x, [-2, -12])).toThrow(ShapeError);
    expect(() => reshape(x, 24 as never)).toThrow(ShapeError);
  });
});

describe("transpose", () => {
  it("reverses the axes by default and permutes them when asked", () => {
    const x = x24();
    const t = transpose(x);
    expect(t.shape).toEqual([4, 3, 2]);
    expect(t.strides).toEqual([1, 4, 12]);
    const p = transpose(x, [1, 0, 2]);
    expect(p.shape).toEqual([3, 2, 4]);
    expect(p.toArray()).toEqual([
      [
        [0, 1, 2, 3],
        [12, 13, 14, 15],
      ],
      [
        [4, 5, 6, 7],
        [16, 17, 18, 19],
      ],
      [
        [8, 9, 10, 11],
        [20, 21, 22, 23],
      ],
    ]);
    expectSameArray(transpose(x, [-1, 0, -2]), transpose(x, [2, 0, 1]));
    expect(x.T.shape).toEqual([4, 3, 2]);
    expect(transpose(array(1)).shape).toEqual([]);
    expect(transpose(array([1, 2])).toArray()).toEqual([1, 2]);
  });

  it("puts element [i,j,k] at [k,j,i]", () => {
    const x = x24();
    const t = transpose(x).toArray() as number[][][];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) expect(t[k]?.[j]?.[i]).toBe(i * 12 + j * 4 + k);
  });

  it("rejects axes that are not a permutation", () => {
    const x = x24();
    for (const axes of [
      [0, 0, 1],
      [0, 1],
      [2, -1, 0],
    ]) {
      expect(() => transpose(x, axes)).toThrow(ShapeError);
    }
    // An axis that does not exist, or is not an integer, is an IndexError, as in the other ops.
    for (const axes of [
      [0, 1, 3],
      [0, 1, 2, 3],
      [-4, 1, 2],
      [0.5, 1, 2],
    ]) {
      expect(() => transpose(x, axes)).toThrow(IndexError);
    }
    expect(() => transpose(x, [0, 0, 1])).toThrow(
      "transpose: axes [0,0,1] are not a permutation of the 3 axes of [2,3,4]",
    );
  });
});

describe("squeeze and expandDims", () => {
  it("squeeze drops all axes of length 1, or the ones named", () => {
    const x = zeros([1, 3, 1, 2]);
    expect(squeeze(x).shape).toEqual([3, 2]);
    expect(squeeze(x, 0).shape).toEqual([3, 1, 2]);
    expect(squeeze(x, [0, -2]).shape).toEqual([3, 2]);
    expect(squeeze(zeros([1, 1])).shape).toEqual([]);
    expect(squeeze(zeros([2])).shape).toEqual([2]);
    expect(squeeze(x, null as never).shape).toEqual([3, 2]);
    expect(() => squeeze(x, 1)).toThrow(
      "squeeze: cannot squeeze axis 1 of shape [1,3,1,2]: its length is 3, not 1",
    );
    expect(() => squeeze(x, 4)).toThrow(IndexError);
  });

  it("expandDims inserts axes at their positions in the result", () => {
    const x = zeros([2, 3]);
    expect(expandDims(x, 0).shape).toEqual([1, 2, 3]);
    expect(expandDims(x, 2).shape).toEqual([2, 3, 1]);
    expect(expandDims(x, -1).shape).toEqual([2, 3, 1]);
    expect(expandDims(x, [0, 3]).shape).toEqual([1, 2, 3, 1]);
    expect(expandDims(x, [-1, 1]).shape).toEqual([2, 1, 3, 1]);
    expect(expandDims(array(1), 0).shape).toEqual([1]);
    expect(() => expandDims(x, 3)).toThrow(IndexError);
    expect(() => expandDims(x, [0, 0])).toThrow(IndexError);
  });

  it("keep the values of any layout", () => {
    const x = arange(6).reshape([1, 2, 1, 3]);
    expectLayoutInvariant((u) => squeeze(u), [x], "squeeze");
    expectLayoutInvariant((u) => squeeze(u, 2), [x], "squeeze 2");
    expectLayoutInvariant((u) => expandDims(u, [0, -1]), [x], "expandDims");
    expect(squeeze(x).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });
});

describe("flatten", () => {
  it("lists the elements in row-major order, from any view", () => {
    const x = x24();
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x.T).toArray()).toEqual(flatValues(x.T));
    expectLayoutInvariant((u) => flatten(u), [x], "flatten");
    expect(flatten(array(3)).shape).toEqual([1]);
  });
});

describe("broadcastTo and sumTo", () => {
  it("broadcastTo repeats along new and length-1 axes", () => {
    const x = array([[1], [2]]); // [2,1]
    const b = broadcastTo(x, [3, 2, 4]);
    expect(b.shape).toEqual([3, 2, 4]);
    expect(b.strides).toEqual([0, 1, 0]);
    expect(b.toArray()).toEqual(new Array(3).fill([new Array(4).fill(1), new Array(4).fill(2)]));
    expect(broadcastTo(array(7), [2]).toArray()).toEqual([7, 7]);
    expect(broadcastTo(x, [2, 1]).shape).toEqual([2, 1]);
    expect(broadcastTo(zeros([1]), [0]).shape).toEqual([0]);
  });

  it("broadcastTo rejects shapes it cannot reach", () => {
    expect(() => broadcastTo(zeros([2, 3]), [4, 3])).toThrow(
      "broadcastTo: cannot broadcast [2,3] to [4,3] (axis 0: 2 vs 4)",
    );
    expect(() => broadcastTo(zeros([2, 3]), [3])).toThrow(ShapeError);
    expect(() => broadcastTo(zeros([2]), [2.5])).toThrow(ShapeError);
  });

  it("sumTo sums leading axes and axes that are 1 in the target", () => {
    const x = x24();
    expect(sumTo(x, [4]).toArray()).toEqual(sum(x, [0, 1]).toArray());
    expect(sumTo(x, [3, 1]).toArray()).toEqual(sum(x, [0, 2], true).reshape([3, 1]).toArray());
    expect(sumTo(x, [2, 1, 1]).toArray()).toEqual([[[66]], [[210]]]);
    expect(sumTo(x, []).item()).toBe(276);
    expect(sumTo(x, [2, 3, 4]).toArray()).toEqual(x.toArray());
    expect(sumTo(x, [1, 1, 1, 4].slice(1)).shape).toEqual([1, 1, 4]);
    expect(sumTo(array([true, true, false]), [1]).toArray()).toEqual([2]);
    expect(sumTo(array([true, true]), [1]).dtype).toBe("int32");
  });

  it("sumTo undoes broadcastTo up to the repeat count, from any layout", () => {
    const x = array([[1.5], [-2]]);
    const big = broadcastTo(x, [5, 2, 3]);
    expect(sumTo(big, [2, 1]).toArray()).toEqual([[22.5], [-30]]);
    expectLayoutInvariant((u) => sumTo(u, [3, 1]), [x24().astype("float64")], "sumTo");
  });

  it("sumTo rejects targets that do not broadcast to the input", () => {
    expect(() => sumTo(zeros([2, 3]), [4])).toThrow(
      "sumTo: cannot sum [2,3] to [4] (axis 1: 3 vs 4)",
    );
    expect(() => sumTo(zeros([3]), [2, 3])).toThrow(ShapeError);
    expect(() => sumTo(zeros([2, 3]), [2, 2])).toThrow(ShapeError);
    expect(() => sumTo(zeros([2, 3]), [-1])).toThrow(ShapeError);
  });
});

describe("broadcastShapes", () => {
  it("aligns on the right and stretches ones", () => {
    expect(broadcastShapes([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes([], [3])).toEqual([3]);
    expect(broadcastShapes([5, 4], [1], [4], [3, 1, 1])).toEqual([3, 5, 4]);
    expect(broadcastShapes([0], [1])).toEqual([0]);
    expect(broadcastShapes()).toEqual([]);
    expect(broadcastShapes([2, 3])).toEqual([2, 3]);
  });

  it("names the axis that disagrees", () => {
    expect(() => broadcastShapes([2, 3], [4, 3])).toThrow(
      "broadcastShapes: cannot broadcast [2,3] with [4,3] (axis 0: 2 vs 4)",
    );
    expect(() => broadcastShapes([3], [2, 4])).toThrow("(axis 1: 3 vs 4)");
    expect(() => broadcastShapes([0], [2])).toThrow(ShapeError);
  });

  it("rejects shapes that are not lists of non-negative integers", () => {
    expect(() => broadcastShapes([2.5], [1])).toThrow(ShapeError);
    expect(() => broadcastShapes([-1])).toThrow(ShapeError);
    expect(() => broadcastShapes(3 as never)).toThrow(ShapeError);
  });
});
