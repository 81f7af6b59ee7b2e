import { describe, expect, it } from "vitest";
import {
  type Axis,
  arange,
  argmax,
  argmin,
  array,
  broadcastTo,
  type DType,
  IndexError,
  logsumexp,
  max,
  mean,
  min,
  type NDArray,
  prod,
  ShapeError,
  std,
  sum,
  var as varAlias,
  variance,
  zeros,
} from "../src/index";
import { expectLayoutInvariant, expectSameArray } from "./layouts";
import { FOLDS, flatValues, lcg, naiveReduce, REDUCTIONS, type Reduction } from "./reference";

function sample(shape: number[], dtype: DType = "float64", seed = 1): NDArray {
  const next = lcg(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: size }, () => next() * 4 - 2);
  if (dtype === "int32")
    return array(
      values.map((v) => Math.round(v * 2)),
      { dtype, shape },
    );
  if (dtype === "bool")
    return array(
      values.map((v) => v > 0),
      { shape },
    );
  return array(values, { dtype, shape });
}

function resolveAxes(axis: Axis, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  return list.map((a) => (a < 0 ? a + ndim : a));
}

function expectClose(
  actual: NDArray,
  expected: { shape: number[]; values: number[] },
  tol: number,
  label: string,
) {
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  const got = flatValues(actual);
  expected.values.forEach((w, i) => {
    const g = got[i] as number;
    if (Number.isNaN(w)) expect(g, `${label}[${i}]`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `${label}[${i}]`).toBe(w);
    else
      expect(Math.abs(g - w), `${label}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(
        tol * (1 + Math.abs(w)),
      );
  });
}

const AXES: Axis[] = [undefined, 0, 1, 2, -1, -3, [0, 2], [2, 0], [-1, -2], [], [0, 1, 2]];

describe("reductions match a naive reference", () => {
  const x = sample([2, 3, 4], "float64", 3);
  for (const [name, op] of Object.entries(REDUCTIONS)) {
    it(`${name} over every axis form, with and without keepdims`, () => {
      const fold = FOLDS[name] as (v: number[]) => number;
      for (const axis of AXES) {
        for (const keepdims of [false, true]) {
          const label = `${name}(axis=${JSON.stringify(axis)}, keepdims=${keepdims})`;
          const expected = naiveReduce(x, resolveAxes(axis, 3), keepdims, fold);
          const actual = op(x, axis, keepdims);
          expect(actual.dtype).toBe("float64");
          expectClose(actual, expected, 1e-13, label);
        }
      }
    });
  }

  it("accepts the axis positionally with the default keepdims = false", () => {
    const x3 = sample([2, 3, 4]);
    expect(sum(x3, 1).shape).toEqual([2, 4]);
    expect(sum(x3, [0, 1]).shape).toEqual([4]);
    expect(sum(x3, undefined, true).shape).toEqual([1, 1, 1]);
    expect(sum(x3, -1, true).shape).toEqual([2, 3, 1]);
  });

  it("a full reduction returns a 0-d NDArray, never a JS number", () => {
    const x2 = sample([2, 3]);
    for (const [name, op] of Object.entries({ ...REDUCTIONS, argmax, argmin })) {
      const r = (op as Reduction)(x2);
      expect(typeof r, name).toBe("object");
      expect(r.shape, name).toEqual([]);
      expect(r.size).toBe(1);
      expect(typeof r.item()).toBe("number");
      // and on a 0-d input
      expect((op as Reduction)(array(3)).shape, name).toEqual([]);
    }
    expect(sum(array(3)).item()).toBe(3);
    expect(argmax(array(3)).item()).toBe(0);
  });

  it("takes a null axis as no axis (Python's axis=None) and rejects other non-numbers", () => {
    const x2 = sample([2, 3]);
    expectSameArray(sum(x2, null as never, true), sum(x2, undefined, true));
    expectSameArray(argmax(x2, null as never), argmax(x2));
    expect(() => sum(x2, "1" as never)).toThrow(IndexError);
    expect(() => argmin(x2, "1" as never)).toThrow(IndexError);
  });

  it("argmax/argmin over a list of axes give the flat index within those axes", () => {
    const x2 = sample([2, 3]);
    expectSameArray(argmin(x2, [0]), argmin(x2, 0));
    expectSameArray(argmax(x2, [0, 1]), argmax(x2));
    expectSameArray(argmax(x2, [-1, 0], true), argmax(x2, undefined, true));
    const x3 = sample([3, 4, 5]);
    const values = x3.toArray() as number[][][];
    const got = argmax(x3, [0, 2], true);
    expect(got.shape).toEqual([1, 4, 1]);
    const flat = got.toTypedArray();
    for (let j = 0; j < 4; j++) {
      let best = -Infinity;
      let at = -1;
      for (let i = 0; i < 3; i++) {
        for (let k = 0; k < 5; k++) {
          const v = (values[i] as number[][])[j]?.[k] as number;
          if (v > best) {
            best = v;
            at = i * 5 + k;
          }
        }
      }
      expect(flat[j]).toBe(at);
    }
  });

  it("an empty axis list reduces nothing", () => {
    const x2 = sample([2, 3]);
    expectSameArray(sum(x2, []), x2);
    expect(mean(array([1, 2], { dtype: "int32" }), []).toArray()).toEqual([1, 2]);
    expect(mean(array([1, 2], { dtype: "int32" }), []).dtype).toBe("float32");
  });
});

describe("reduction dtypes", () => {
  const table: [string, Record<DType, DType>][] = [
    ["sum", { bool: "int32", int32: "int32", float32: "float32", float64: "float64" }],
    ["prod", { bool: "int32", int32: "int32", float32: "float32", float64: "float64" }],
    ["max", { bool: "bool", int32: "int32", float32: "float32", float64: "float64" }],
    ["min", { bool: "bool", int32: "int32", float32: "float32", float64: "float64" }],
    ["mean", { bool: "float32", int32: "float32", float32: "float32", float64: "float64" }],
    ["variance", { bool: "float32", int32: "float32", float32: "float32", float64: "float64" }],
    ["std", { bool: "float32", int32: "float32", float32: "float32", float64: "float64" }],
    ["logsumexp", { bool: "float32", int32: "float32", float32: "float32", float64: "float64" }],
  ];
  for (const [name, expected] of table) {
    it(`${name}`, () => {
      for (const dtype of ["bool", "int32", "float32", "float64"] as DType[]) {
        const x = sample([3, 4], dtype, 5);
        const op = REDUCTIONS[name] as Reduction;
        expect(op(x).dtype, `${name} ${dtype}`).toBe(expected[dtype]);
        expect(op(x, 1).dtype, `${name} ${dtype} axis 1`).toBe(expected[dtype]);
        const fold = FOLDS[name] as (v: number[]) => number;
        const reference = naiveReduce(x, [0], false, fold);
        const tol =
          expected[dtype] === "float64" ? 1e-13 : expected[dtype] === "float32" ? 1e-6 : 0;
        expectClose(op(x, 0), reference, tol, `${name} ${dtype}`);
      }
    });
  }

  it("argmax and argmin give int32", () => {
    for (const dtype of ["bool", "int32", "float32", "float64"] as DType[]) {
      expect(argmax(sample([3, 4], dtype)).dtype).toBe("int32");
      expect(argmin(sample([3, 4], dtype), 1).dtype).toBe("int32");
    }
  });

  it("bool sums count and bool max is any", () => {
    const b = array([
      [true, false, true],
      [false, false, false],
    ]);
    expect(sum(b).item()).toBe(2);
    expect(sum(b, 1).toArray()).toEqual([2, 0]);
    expect(max(b, 1).toArray()).toEqual([true, false]);
    expect(min(b, 0).toArray()).toEqual([false, false, false]);
    expect(mean(b).item()).toBeCloseTo(1 / 3, 6);
  });

  it("int32 products wrap in 32 bits like C (values printed by NumPy with dtype=int32)", () => {
    const rows = [
      [...new Array(20).fill(3), ...new Array(20).fill(1)],
      new Array(40).fill(3),
      new Array(40).fill(-7),
    ];
    const x = array(rows, { dtype: "int32" });
    const expected = [-808182895, 689956897, -142118463];
    expect(prod(x, 1).toArray()).toEqual(expected);
    expect(prod(x.T, 0).toArray()).toEqual(expected);
    expect(prod(array([true, true, false]), 0).toArray()).toEqual(0);
  });

  it("int32 sums are exact", () => {
    const x = array([2 ** 30, 2 ** 30 - 1, -5], { dtype: "int32" });
    expect(sum(x).item()).toBe(2 ** 31 - 6);
    expect(max(x).item()).toBe(2 ** 30);
  });
});

describe("argmax and argmin", () => {
  it("give the first index of ties", () => {
    const x = array([
      [1, 3, 3, 0],
      [2, 2, 2, 2],
      [5, 0, 5, 0],
    ]);
    expect(argmax(x, 1).toArray()).toEqual([1, 0, 0]);
    expect(argmin(x, 1).toArray()).toEqual([3, 0, 1]);
    expect(argmax(x, 0).toArray()).toEqual([2, 0, 2, 1]);
    expect(argmin(x, 0).toArray()).toEqual([0, 2, 1, 0]);
    expect(argmax(x).item()).toBe(8);
    expect(argmin(x).item()).toBe(3);
  });

  it("give the first NaN when there is one (NaN wins, as in NumPy)", () => {
    const x = array([1, Number.NaN, 5, Number.NaN]);
    expect(argmax(x).item()).toBe(1);
    expect(argmin(x).item()).toBe(1);
    expect(argmax(array([Number.NaN, 2])).item()).toBe(0);
    expect(argmin(array([-Infinity, -Infinity, 0])).item()).toBe(0);
  });

  it("without an axis, index the logical row-major order of any view", () => {
    const x = array([
      [0, 9],
      [5, 1],
      [2, 3],
    ]);
    // x.T is [[0,5,2],[9,1,3]]: the maximum 9 sits at flat index 3 of the transpose.
    expect(argmax(x.T).item()).toBe(3);
    expect(argmin(x.T.slice([null, [null, null, -1]])).item()).toBe(2);
    expectLayoutInvariant((u) => argmax(u), [sample([3, 4, 2], "float32", 8)], "argmax");
    expectLayoutInvariant((u) => argmin(u, 1), [sample([3, 4, 2], "int32", 9)], "argmin axis 1");
    expectLayoutInvariant(
      (u) => argmax(u, -1, true),
      [sample([3, 4, 2], "float64", 10)],
      "argmax keepdims",
    );
  });

  it("keepdims keeps the reduced axis (all axes when none is given)", () => {
    const x = sample([2, 3, 4]);
    expect(argmax(x, 1, true).shape).toEqual([2, 1, 4]);
    expect(argmax(x, -1).shape).toEqual([2, 3]);
    expect(argmax(x, undefined, true).shape).toEqual([1, 1, 1]);
    expect(argmin(x, 0, true).shape).toEqual([1, 3, 4]);
  });

  it("match a naive first-index scan along each axis", () => {
    const x = sample([3, 4, 5], "int32", 12); // small ints: many ties
    const first = (better: (u: number, v: number) => boolean) => (v: number[]) => {
      let at = 0;
      v.forEach((u, i) => {
        if (better(u, v[at] as number)) at = i;
      });
      return at;
    };
    for (const axis of [0, 1, 2, -1]) {
      const a = axis < 0 ? axis + 3 : axis;
      expectClose(
        argmax(x, axis),
        naiveReduce(
          x,
          [a],
          false,
          first((u, v) => u > v),
        ),
        0,
        `argmax ${axis}`,
      );
      expectClose(
        argmin(x, axis),
        naiveReduce(
          x,
          [a],
          false,
          first((u, v) => u < v),
        ),
        0,
        `argmin ${axis}`,
      );
    }
  });
});

describe("zero-size reductions", () => {
  const e = zeros([0, 3]);
  it("sum is 0, prod is 1, mean and variance are NaN, logsumexp is -Infinity", () => {
    expect(sum(e).item()).toBe(0);
    expect(sum(e, 0).toArray()).toEqual([0, 0, 0]);
    expect(sum(e, 1).shape).toEqual([0]);
    expect(prod(e, 0).toArray()).toEqual([1, 1, 1]);
    expect(mean(e).item()).toBeNaN();
    expect(variance(e, 0).toArray()).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(logsumexp(e, 0).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(max(e, 1).shape).toEqual([0]);
  });

  it("max, min, argmax and argmin of nothing are ShapeErrors", () => {
    expect(() => max(e)).toThrow(ShapeError);
    expect(() => min(e, 0)).toThrow("min: cannot reduce zero elements (axes [0] of shape [0,3])");
    expect(() => argmax(e)).toThrow(ShapeError);
    expect(() => argmax(e, 0)).toThrow(
      "argmax: cannot reduce zero elements (axes [0] of shape [0,3])",
    );
    expect(() => argmin(e, 0)).toThrow(ShapeError);
  });
});

describe("special values", () => {
  it("NaN and infinities propagate through every reduction", () => {
    const x = array([
      [1, Number.NaN, 2],
      [Infinity, 1, 2],
      [-Infinity, Infinity, 0],
    ]);
    expect(sum(x, 1).toArray()).toEqual([Number.NaN, Infinity, Number.NaN]);
    expect(max(x, 1).toArray()).toEqual([Number.NaN, Infinity, Infinity]);
    expect(min(x, 1).toArray()).toEqual([Number.NaN, 1, -Infinity]);
    expect(prod(x, 1).toArray()).toEqual([Number.NaN, Infinity, Number.NaN]);
    expect(logsumexp(x, 1).toArray()).toEqual([Number.NaN, Infinity, Infinity]);
    expect(mean(x, 1).toArray()).toEqual([Number.NaN, Infinity, Number.NaN]);
  });
});

describe("any layout", () => {
  it("reduces strided, reversed, column-major and broadcast views like their copies", () => {
    for (const dtype of ["float32", "int32", "bool", "float64"] as DType[]) {
      const x = sample([3, 4, 5], dtype, 13);
      for (const [name, op] of Object.entries(REDUCTIONS)) {
        for (const axis of [undefined, 0, 1, -1, [0, 2]] as Axis[]) {
          // Float sums may add in another order for another layout: equal up to rounding.
          const rtol = dtype === "float32" ? 1e-6 : dtype === "float64" ? 1e-14 : 0;
          const label = `${name} ${dtype} axis ${JSON.stringify(axis)}`;
          expectLayoutInvariant((u) => op(u, axis), [x], label, rtol);
        }
      }
    }
  });

  it("reads stride-0 axes once per repeat", () => {
    const row = array([1, 2, 3, 4]);
    const tall = broadcastTo(row, [1000, 4]);
    expect(sum(tall, 0).toArray()).toEqual([1000, 2000, 3000, 4000]);
    expect(sum(tall).item()).toBe(10000);
    expect(mean(tall, 0).toArray()).toEqual([1, 2, 3, 4]);
    expect(variance(tall, 0).toArray()).toEqual([0, 0, 0, 0]);
    expect(max(broadcastTo(array([[1], [7]]), [2, 5]), 1).toArray()).toEqual([1, 7]);
  });

  it("sums a transposed view along either axis", () => {
    const x = arange(12).reshape([3, 4]);
    expect(sum(x.T, 0).toArray()).toEqual([6, 22, 38]);
    expect(sum(x.T, 1).toArray()).toEqual([12, 15, 18, 21]);
  });
});

describe("variance, std and the var alias", () => {
  it("are population statistics (ddof 0)", () => {
    const x = array([1, 2, 3, 4], { dtype: "float64" });
    expect(variance(x).item()).toBe(1.25);
    expect(std(x).item()).toBe(Math.sqrt(1.25));
    expect(varAlias).toBe(variance);
    expect(x.var().item()).toBe(1.25);
    expect(x.variance(0, true).shape).toEqual([1]);
    expect(x.std(0).item()).toBe(Math.sqrt(1.25));
  });

  it("name themselves in axis errors", () => {
    expect(() => variance(zeros([2]), 1)).toThrow("variance: axis 1 is out of bounds");
    expect(() => std(zeros([2]), 1)).toThrow("std: axis 1 is out of bounds");
    expect(() => std(zeros([2]), 1)).toThrow(IndexError);
  });
});

describe("methods", () => {
  it("equal the functions", () => {
    const x = sample([2, 3]);
    expectSameArray(x.sum(1), sum(x, 1));
    expectSameArray(x.mean([0, 1], true), mean(x, [0, 1], true));
    expectSameArray(x.max(0), max(x, 0));
    expectSameArray(x.min(), min(x));
    expectSameArray(x.prod(-1), prod(x, -1));
    expectSameArray(x.logsumexp(1), logsumexp(x, 1));
    expectSameArray(x.argmax(1), argmax(x, 1));
    expectSameArray(x.argmin(), argmin(x));
    expect(x.add(1).sum(1).shape).toEqual([2]);
  });
});
