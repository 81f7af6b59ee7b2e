import { describe, expect, it } from "vitest";
import {
  add,
  arange,
  argmax,
  array,
  astype,
  broadcastTo,
  clip,
  DTypeError,
  equal,
  expandDims,
  full,
  IndexError,
  logsumexp,
  maximum,
  mean,
  mul,
  type NDArray,
  NDArrayError,
  pow,
  reshape,
  ShapeError,
  slice,
  squeeze,
  sub,
  sum,
  sumTo,
  take,
  transpose,
  variance,
  where,
  zeros,
} from "../src/index";
import { reversedLayout } from "./layouts";

/** Runs `fn`, expecting it to throw; returns the error. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("error classes", () => {
  it("are all NDArrayErrors, which are Errors", () => {
    for (const [Class, name] of [
      [ShapeError, "ShapeError"],
      [IndexError, "IndexError"],
      [DTypeError, "DTypeError"],
    ] as const) {
      const e = new Class("m");
      expect(e).toBeInstanceOf(NDArrayError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect(e.message).toBe("m");
      expect(String(e)).toBe(`${name}: m`);
    }
    expect(new NDArrayError("x").name).toBe("NDArrayError");
    expect(new ShapeError("x")).not.toBeInstanceOf(IndexError);
  });

  it("every error the core throws is an NDArrayError subclass", () => {
    const calls: (() => unknown)[] = [
      () => add(zeros([2]), zeros([3])),
      () => reshape(zeros([4]), [3]),
      () => transpose(zeros([2, 2]), [0, 0]),
      () => sum(zeros([2]), 1),
      () => zeros([2], "float16" as never),
      () => take(zeros([3]), array([1])),
      () => array([[1], [1, 2]]),
      () => array(["x"] as never),
      () => zeros([1.5]),
      () => sub(array([true]), array([true])),
      () => argmax(zeros([0])),
    ];
    for (const call of calls) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(NDArrayError);
      expect([ShapeError, IndexError, DTypeError].some((C) => e instanceof C)).toBe(true);
    }
  });
});

describe("messages name the op, the shapes and the axis", () => {
  it("broadcasting: ShapeError `op: cannot broadcast [a] with [b] (axis i: p vs q)`", () => {
    const a = zeros([2, 3]);
    const b = zeros([4, 3]);
    for (const [op, call] of [
      ["add", () => add(a, b)],
      ["mul", () => mul(a, b)],
      ["maximum", () => maximum(a, b)],
      ["equal", () => equal(a, b)],
      ["pow", () => pow(a, b)],
      ["where", () => where(zeros([2, 3]), a, b)],
      ["clip", () => clip(a, b, null)],
    ] as const) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toBe(`${op}: cannot broadcast [2,3] with [4,3] (axis 0: 2 vs 4)`);
    }
    expect(thrown(() => add(zeros([5, 1, 3]), zeros([2, 4]))).message).toBe(
      "add: cannot broadcast [5,1,3] with [2,4] (axis 2: 3 vs 4)",
    );
  });

  it("transpose: an axis out of range is an IndexError, as NumPy's AxisError", () => {
    const x = zeros([2, 3]);
    for (const axes of [
      [0, 2],
      [-3, 1],
      [0, 1, 2],
    ]) {
      expect(() => transpose(x, axes)).toThrow(IndexError);
    }
    expect(() => transpose(x, [0, 2])).toThrow(
      "transpose: axis 2 is out of bounds for an array of shape [2,3]",
    );
    expect(() => transpose(x, [0, 0])).toThrow(ShapeError);
    expect(() => transpose(x, [-1, 1])).toThrow(ShapeError);
  });

  it("reshape, transpose, broadcastTo and sumTo", () => {
    const x = zeros([2, 3]);
    const cases: [() => unknown, string][] = [
      [() => reshape(x, [4, 2]), "reshape: cannot reshape [2,3] (size 6) into [4,2] (size 8)"],
      [() => reshape(x, [4, -1]), "reshape: cannot reshape [2,3] (size 6) into [4,-1]"],
      [
        () => transpose(x, [1, 1]),
        "transpose: axes [1,1] are not a permutation of the 2 axes of [2,3]",
      ],
      [() => transpose(x, [0]), "transpose: axes [0] are not a permutation of the 2 axes of [2,3]"],
      [
        () => broadcastTo(x, [3, 3]),
        "broadcastTo: cannot broadcast [2,3] to [3,3] (axis 0: 2 vs 3)",
      ],
      [() => broadcastTo(x, [6]), "broadcastTo: cannot broadcast [2,3] to [6] (fewer dimensions)"],
      [() => sumTo(x, [2, 2]), "sumTo: cannot sum [2,3] to [2,2] (axis 1: 3 vs 2)"],
      [() => sumTo(x, [1, 2, 3]), "sumTo: cannot sum [2,3] to [1,2,3] (more dimensions)"],
      [
        () => squeeze(x, 0),
        "squeeze: cannot squeeze axis 0 of shape [2,3]: its length is 2, not 1",
      ],
    ];
    for (const [call, message] of cases) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toBe(message);
    }
  });

  it("a bad axis is an IndexError naming the op, the axis and the shape", () => {
    const x = zeros([2, 3]);
    const cases: [() => unknown, string][] = [
      [() => sum(x, 2), "sum: axis 2 is out of bounds for an array of shape [2,3]"],
      [() => mean(x, -3), "mean: axis -3 is out of bounds for an array of shape [2,3]"],
      [() => variance(x, [0, 5]), "variance: axis 5 is out of bounds for an array of shape [2,3]"],
      [() => logsumexp(x, 9), "logsumexp: axis 9 is out of bounds for an array of shape [2,3]"],
      [() => argmax(x, 2), "argmax: axis 2 is out of bounds for an array of shape [2,3]"],
      [() => take(x, [0], 2), "take: axis 2 is out of bounds for an array of shape [2,3]"],
      [() => squeeze(x, 2), "squeeze: axis 2 is out of bounds for an array of shape [2,3]"],
      [() => sum(x, [0, -2]), "sum: repeated axis -2 in [0,-2]"],
      [() => sum(x, 0.5), "sum: axis must be an integer, got 0.5"],
      [
        () => take(x, [6]),
        "take: index 6 is out of bounds for the flattened array with size 6 (shape [2,3])",
      ],
      [() => slice(x, [null, null, null]), "slice: 3 slices for an array of shape [2,3]"],
    ];
    for (const [call, message] of cases) {
      const e = thrown(call);
      expect(e, message).toBeInstanceOf(IndexError);
      expect(e.message).toBe(message);
    }
    expect(thrown(() => expandDims(x, 3))).toBeInstanceOf(IndexError);
    expect(thrown(() => expandDims(x, 3)).message).toMatch(/^expandDims: axis 3 is out of bounds/);
  });

  it("an unknown dtype or float indices are DTypeErrors", () => {
    const cases: [() => unknown, string][] = [
      [
        () => zeros([2], "float16" as never),
        'zeros: unknown dtype "float16" (expected one of bool, int32, float32, float64)',
      ],
      [() => array([1], { dtype: "int64" as never }), 'array: unknown dtype "int64"'],
      [() => astype(zeros([1]), "uint8" as never), 'astype: unknown dtype "uint8"'],
      [() => full([1], 0, { dtype: "complex" as never }), 'full: unknown dtype "complex"'],
      [() => arange(3, undefined, 1, "str" as never), 'arange: unknown dtype "str"'],
      [() => take(zeros([3]), array([0.5])), "take: indices must be int32, got float32"],
      [() => take(zeros([3]), [0.5]), "take: indices must be integers, got 0.5"],
      [() => slice(zeros([3]), [[0.5]]), "slice: axis 0: slice bounds must be integers, got [0.5]"],
      [() => add(zeros([1]), "1" as never), "add: expected an NDArray or a number, got string"],
    ];
    for (const [call, message] of cases) {
      const e = thrown(call);
      expect(e, message).toBeInstanceOf(DTypeError);
      expect(e.message.startsWith(message), `${e.message} / ${message}`).toBe(true);
    }
  });

  it("a non-integer or negative shape is a ShapeError naming the op and the shape", () => {
    const cases: [() => unknown, string][] = [
      [
        () => zeros([2, 1.5]),
        "zeros: invalid shape [2,1.5]: dimensions must be non-negative integers",
      ],
      [() => full([-2], 1), "full: invalid shape [-2]: dimensions must be non-negative integers"],
      [() => reshape(zeros([4]), [2, 2.5]), "reshape: invalid shape [2,2.5]"],
      [() => broadcastTo(zeros([1]), [Number.NaN]), "broadcastTo: invalid shape [NaN]"],
      [() => array([1, 2], { shape: [0.5, 4] }), "array: invalid shape [0.5,4]"],
      [() => sumTo(zeros([2]), [1.5]), "sumTo: invalid shape [1.5]"],
    ];
    for (const [call, message] of cases) {
      const e = thrown(call);
      expect(e, message).toBeInstanceOf(ShapeError);
      expect(e.message.startsWith(message), `${e.message} / ${message}`).toBe(true);
    }
  });

  it("ragged nested arrays are ShapeErrors naming where", () => {
    const e = thrown(() => array([[[1, 2]], [[3]]]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe("array: ragged nested array: expected length 2 at [1,0], got length 1");
  });
});

describe("inputs are unchanged after a throwing call", () => {
  it("for every failing op, on contiguous and strided inputs", () => {
    const make = () => arange(6).reshape([2, 3]).astype("float32");
    for (const x of [make(), reversedLayout(make()), make().T.copy().T]) {
      const y = reversedLayout(arange(8).reshape([4, 2]).astype("float32"));
      const snapshot = (a: NDArray) => ({
        data: Array.from(a.data),
        shape: [...a.shape],
        strides: [...a.strides],
        offset: a.offset,
      });
      const before = [snapshot(x), snapshot(y)];
      const calls: (() => unknown)[] = [
        () => add(x, y),
        () => where(x, x, y),
        () => clip(x, y, null),
        () => reshape(x, [4, 2]),
        () => transpose(x, [0, 0]),
        () => broadcastTo(x, [4, 3]),
        () => sumTo(x, [4]),
        () => sum(x, 3),
        () => take(x, [7]),
        () => take(x, [0, 7], 1),
        () => slice(x, [[0, 2, 0]]),
        () => pow(x.astype("int32"), -1),
        () => astype(x, "x" as never),
        () => squeeze(x, 0),
      ];
      for (const call of calls) {
        expect(call).toThrow(NDArrayError);
        expect([snapshot(x), snapshot(y)]).toEqual(before);
      }
    }
  });
});
