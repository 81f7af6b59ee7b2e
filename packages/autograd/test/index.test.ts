// index: NumPy indexing as a Function. gradCheck (float64) on contiguous, strided and
// transposed inputs, with repeated indices, masks and mixed keys; the closed-form gradient of
// a repeated pick; keys given as Variables.

import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import type { IndexKey, Variable } from "../src/index";
import * as ag from "../src/index";

const rng = new nd.Random(11);
const uniform = (shape: number[]) => rng.uniform(-1, 1, shape, { dtype: "float64" });
const ints = (...v: number[]) => nd.array(v, { dtype: "int32" });

/** The same values as x, read through a view whose last axis has stride 2. */
function strided(x: NDArray): NDArray {
  const interleaved = nd.stack([x, nd.fullLike(x, Number.NaN)], -1);
  return nd.index(interleaved, ["...", 0]);
}

/** The same values as x, stored column-major (a transposed contiguous array). */
function transposed(x: NDArray): NDArray {
  const view = nd.transpose(nd.copy(nd.transpose(x)));
  expect(view.isContiguous).toBe(x.ndim < 2 || x.size <= 1);
  return view;
}

const mask = nd.array(
  [
    [true, false, true, true],
    [false, false, true, false],
    [true, true, false, true],
  ],
  { dtype: "bool" },
);

const cases: [string, IndexKey[], number[]][] = [
  ["basic: int, reversed slice, newaxis", [1, [null, null, -1], "newaxis"], [3, 4]],
  ["basic: ellipsis and stepped slice", ["...", [0, null, 2]], [2, 3, 4]],
  ["repeated int indices", [ints(2, 0, 2, 2, -1)], [3, 4]],
  ["repeated int indices on a later axis", [null, ints(1, 1, 3, 1)], [3, 4]],
  ["two broadcast index arrays", [ints(0, 2, 0).reshape([3, 1]), ints(1, 1)], [3, 4]],
  ["bool mask over two axes", [mask], [3, 4, 2]],
  ["bool mask on a later axis", [null, nd.array([true, false, true, true])], [2, 4]],
  ["int and array separated by a slice (moved to the front)", [0, null, ints(1, 0, 1)], [2, 3, 4]],
  ["array, slice, repeated array", [ints(1, 1), [1, null], ints(3, 3)], [2, 3, 4]],
];

describe("index gradCheck (float64)", () => {
  for (const [name, keys, shape] of cases) {
    const x = uniform(shape);
    const f = (v: Variable) => ag.index(v, keys);
    it(`${name}, contiguous`, () => {
      expect(ag.gradCheck(f, [x])).toBe(true);
    });
    it(`${name}, strided`, () => {
      expect(ag.gradCheck(f, [strided(x)])).toBe(true);
    });
    it(`${name}, transposed`, () => {
      expect(ag.gradCheck(f, [transposed(x)])).toBe(true);
    });
  }

  it("second derivative through index (createGraph)", () => {
    const keys: IndexKey[] = [ints(0, 0, 2)];
    const f = (v: Variable) =>
      ag.grad(ag.sum(ag.mul(ag.index(v, keys), ag.index(v, keys))), [v], {
        createGraph: true,
      })[0] as Variable;
    expect(ag.gradCheck(f, [uniform([3, 2])])).toBe(true);
  });
});

describe("index", () => {
  it("accumulates the gradient of repeated picks (closed form: counts)", () => {
    const x = new ag.Variable(nd.zeros([4], "float64"));
    ag.sum(x.index(ints(3, 0, 3, 3, -1))).backward();
    expect(x.grad?.toArray()).toEqual([1, 0, 0, 4]);
  });

  it("scatters a mask's gradient to the true positions only", () => {
    const x = new ag.Variable(nd.zeros([3, 4], "float64"));
    ag.sum(ag.mul(x.index(mask), 2)).backward();
    expect(x.grad?.toArray()).toEqual(mask.astype("float64").mul(2).toArray());
  });

  it("shares x's data for basic keys and copies for advanced ones", () => {
    const x = new ag.Variable(nd.arange(12, undefined, 1, "float64").reshape([3, 4]));
    expect(x.index(1, [1, 3]).data.data).toBe(x.data.data);
    expect(x.index(ints(1)).data.data).not.toBe(x.data.data);
    expect(x.index(1, [1, 3]).toArray()).toEqual([5, 6]);
  });

  it("takes int32 and bool Variables as keys, as their data", () => {
    const x = new ag.Variable(nd.arange(6, undefined, 1, "float64"));
    const picks = new ag.Variable(ints(5, 1));
    const where = new ag.Variable(nd.greater(x.data, 3));
    expect(picks.requiresGrad).toBe(false);
    expect(ag.index(x, [picks]).toArray()).toEqual([5, 1]);
    expect(x.index(where).toArray()).toEqual([4, 5]);
  });

  it("records no graph under noGrad and passes ndarray's errors through", () => {
    const x = new ag.Variable(nd.zeros([2, 3], "float64"));
    expect(ag.noGrad(() => x.index(0)).creator).toBeNull();
    expect(() => x.index(2)).toThrow(nd.IndexError);
    expect(() => x.index(nd.array([0.5]))).toThrow(nd.DTypeError);
    expect(() => x.index(ints(0, 1), ints(0, 1, 2))).toThrow(nd.ShapeError);
  });
});
