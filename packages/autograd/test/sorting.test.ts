// cumsum, tril, triu, sort and topk as Functions: gradCheck (float64) on contiguous, strided
// and transposed inputs, closed-form gradients, and argsort / topk indices without grad.

import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import type { Variable } from "../src/index";
import * as ag from "../src/index";

const rng = new nd.Random(5);
/** Distinct values (a random permutation, scaled), so sorts have no ties that a finite
 * difference could reorder. */
const distinct = (shape: number[]) => {
  const n = shape.reduce((p, d) => p * d, 1);
  return rng.permutation(n).astype("float64").mul(0.37).sub(1).reshape(shape);
};

function strided(x: NDArray): NDArray {
  return nd.index(nd.stack([x, nd.fullLike(x, Number.NaN)], -1), ["...", 0]);
}

function transposed(x: NDArray): NDArray {
  return nd.transpose(nd.copy(nd.transpose(x)));
}

const cases: [string, (v: Variable) => Variable | Variable[], number[]][] = [
  ["cumsum axis 0", (v) => ag.cumsum(v, 0), [3, 4]],
  ["cumsum axis -1", (v) => ag.cumsum(v, -1), [2, 3, 4]],
  ["cumsum flattened", (v) => ag.cumsum(v), [3, 4]],
  ["tril", (v) => ag.tril(v), [4, 4]],
  ["tril k = 1, batched", (v) => ag.tril(v, 1), [2, 3, 4]],
  ["triu k = -1", (v) => ag.triu(v, -1), [3, 5]],
  ["sort", (v) => ag.sort(v), [3, 5]],
  ["sort axis 0 descending", (v) => ag.sort(v, 0, { descending: true }), [4, 3]],
  ["topk values", (v) => (ag.topk(v, 2) as [Variable, Variable])[0], [3, 5]],
  ["topk axis 1", (v) => (ag.topk(v, 3, 1) as [Variable, Variable])[0], [2, 4, 3]],
];

describe("gradCheck (float64)", () => {
  for (const [name, f, shape] of cases) {
    const x = distinct(shape);
    const g = (v: Variable) => f(v) as Variable;
    it(`${name}, contiguous`, () => {
      expect(ag.gradCheck(g, [x])).toBe(true);
    });
    it(`${name}, strided`, () => {
      expect(ag.gradCheck(g, [strided(x)])).toBe(true);
    });
    it(`${name}, transposed`, () => {
      expect(ag.gradCheck(g, [transposed(x)])).toBe(true);
    });
  }

  it("second derivative through sort and cumsum (createGraph)", () => {
    const f = (v: Variable) =>
      ag.grad(ag.sum(ag.square(ag.cumsum(ag.sort(v), 0))), [v], {
        createGraph: true,
      })[0] as Variable;
    expect(ag.gradCheck(f, [distinct([5])])).toBe(true);
  });
});

describe("closed forms", () => {
  it("cumsum's gradient counts the later positions", () => {
    const x = new ag.Variable(nd.zeros([4], "float64"));
    ag.sum(x.cumsum(0)).backward();
    expect(x.grad?.toArray()).toEqual([4, 3, 2, 1]);
  });

  it("tril's gradient is the mask", () => {
    const x = new ag.Variable(nd.zeros([2, 3], "float64"));
    ag.sum(x.triu(1)).backward();
    expect(x.grad?.toArray()).toEqual([
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it("sort's gradient goes back to the source positions", () => {
    const x = new ag.Variable(nd.array([3, 1, 2], "float64"));
    ag.sum(ag.mul(x.sort(), nd.array([10, 20, 30], "float64"))).backward();
    expect(x.grad?.toArray()).toEqual([30, 10, 20]);
  });

  it("topk's gradient reaches only the picked positions", () => {
    const x = new ag.Variable(nd.array([[0.5, 4, 2, 4]], "float64"));
    const [values, indices] = x.topk(2);
    expect(values.toArray()).toEqual([[4, 4]]);
    expect(indices.toArray()).toEqual([[1, 3]]);
    expect(indices.requiresGrad).toBe(false);
    ag.sum(ag.mul(values, nd.array([1, 2], "float64"))).backward();
    expect(x.grad?.toArray()).toEqual([[0, 1, 0, 2]]);
  });

  it("argsort gives int32 positions without a graph", () => {
    const x = new ag.Variable(nd.array([3, 1, 2], "float64"));
    const order = x.argsort(-1, { descending: true });
    expect(order.dtype).toBe("int32");
    expect(order.requiresGrad).toBe(false);
    expect(order.creator).toBeNull();
    expect(order.toArray()).toEqual([0, 2, 1]);
  });

  it("passes ndarray's errors through", () => {
    const x = new ag.Variable(nd.zeros([2, 3], "float64"));
    expect(() => ag.topk(x, 4)).toThrow(nd.IndexError);
    expect(() => ag.sort(x, 2)).toThrow(nd.IndexError);
    expect(() => ag.tril(new ag.Variable(nd.zeros([3], "float64")))).toThrow(nd.ShapeError);
    expect(() => ag.cumsum(x, 5)).toThrow(nd.IndexError);
  });
});
