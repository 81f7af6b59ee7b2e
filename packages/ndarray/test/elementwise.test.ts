import { describe, expect, it } from "vitest";
import {
  abs,
  add,
  array,
  broadcastTo,
  clip,
  copy,
  cos,
  type DType,
  DTypeError,
  div,
  equal,
  exp,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  maximum,
  minimum,
  mul,
  type NDArray,
  neg,
  notEqual,
  pow,
  promoteTypes,
  relu,
  resultType,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  where,
  zeros,
} from "../src/index";
import { expectLayoutInvariant, expectSameArray } from "./layouts";

const DTYPES: DType[] = ["bool", "int32", "float32", "float64"];

type Binary = (a: NDArray | number, b: NDArray | number) => NDArray;
const BINARY: Record<string, Binary> = {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
};
const COMPARISONS = new Set(["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"]);

type Unary = (x: NDArray) => NDArray;
const UNARY: Record<string, Unary> = {
  neg,
  abs,
  sign,
  exp,
  log,
  sqrt,
  square,
  tanh,
  sin,
  cos,
  sigmoid,
  relu,
};

/** A small deterministic pseudo-random array (values in [-3, 3); bool alternates). */
function sample(shape: number[], dtype: DType = "float32", seed = 1): NDArray {
  const size = shape.reduce((p, d) => p * d, 1);
  let state = seed * 7919 + 17;
  const values = Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 6 - 3;
  });
  const shaped = array(values, { dtype: "float64", shape });
  if (dtype === "int32") return array(shaped.add(0.5).toTypedArray(), { dtype, shape });
  if (dtype === "bool") return shaped.greater(0);
  return array(shaped, { dtype });
}

function f32(values: number[]): NDArray {
  return array(values, { dtype: "float32" });
}
function i32(values: number[]): NDArray {
  return array(values, { dtype: "int32" });
}
function f64(values: number[]): NDArray {
  return array(values, { dtype: "float64" });
}

describe("binary ops compute the textbook formula", () => {
  const a = f64([1, -2, 3.5, 0]);
  const b = f64([4, 0.5, -2, 3]);
  const cases: [string, Binary, (u: number, v: number) => number][] = [
    ["add", add, (u, v) => u + v],
    ["sub", sub, (u, v) => u - v],
    ["mul", mul, (u, v) => u * v],
    ["div", div, (u, v) => u / v],
    ["pow", pow, (u, v) => u ** v],
    ["maximum", maximum, Math.max],
    ["minimum", minimum, Math.min],
    ["equal", equal, (u, v) => Number(u === v)],
    ["notEqual", notEqual, (u, v) => Number(u !== v)],
    ["less", less, (u, v) => Number(u < v)],
    ["lessEqual", lessEqual, (u, v) => Number(u <= v)],
    ["greater", greater, (u, v) => Number(u > v)],
    ["greaterEqual", greaterEqual, (u, v) => Number(u >= v)],
  ];
  for (const [name, op, formula] of cases) {
    it(name, () => {
      const got = Array.from(op(a, b).toTypedArray());
      const want = [0, 1, 2, 3].map((i) =>
        formula(a.toTypedArray()[i] as number, b.toTypedArray()[i] as number),
      );
      expect(got).toEqual(want);
    });
  }

  it("comparisons see equal values as equal, NaN as unequal to everything", () => {
    const x = f32([1, Number.NaN, 2]);
    const y = f32([1, Number.NaN, 3]);
    expect(equal(x, y).toArray()).toEqual([true, false, false]);
    expect(notEqual(x, y).toArray()).toEqual([false, true, true]);
    expect(lessEqual(x, y).toArray()).toEqual([true, false, true]);
    expect(greaterEqual(x, y).toArray()).toEqual([true, false, false]);
    expect(equal(f64([0]), f64([-0])).toArray()).toEqual([true]);
  });

  it("maximum and minimum propagate NaN from either side", () => {
    const x = f32([Number.NaN, 1, -Infinity]);
    const y = f32([1, Number.NaN, 2]);
    for (const op of [maximum, minimum]) {
      const r = op(x, y).toTypedArray();
      expect(Number.isNaN(r[0] as number)).toBe(true);
      expect(Number.isNaN(r[1] as number)).toBe(true);
    }
    expect(maximum(x, y).toTypedArray()[2]).toBe(2);
    expect(minimum(x, y).toTypedArray()[2]).toBe(-Infinity);
  });

  it("int32 arithmetic wraps like C", () => {
    const max = i32([2147483647]);
    expect(add(max, 1).toArray()).toEqual([-2147483648]);
    expect(sub(i32([-2147483648]), 1).toArray()).toEqual([2147483647]);
    expect(mul(i32([65536]), 65536).toArray()).toEqual([0]);
    expect(mul(i32([46341]), i32([46341])).toArray()).toEqual([-2147479015]);
    // Products beyond 2^53 are inexact as doubles: the wrap must come from 32-bit multiplication.
    expect(mul(i32([2147483647, -2147483648]), i32([2147483647, 2147483647])).toArray()).toEqual([
      1, -2147483648,
    ]);
    expect(square(i32([2147483647, 123456789])).toArray()).toEqual([1, -1757895751]);
    expect(neg(i32([-2147483648])).toArray()).toEqual([-2147483648]);
  });

  it("pow follows IEEE (C99) at the special values", () => {
    const r = (u: number, v: number) => pow(f64([u]), f64([v])).item();
    expect(r(1, Number.NaN)).toBe(1);
    expect(r(Number.NaN, 0)).toBe(1);
    expect(r(-1, Infinity)).toBe(1);
    expect(r(-1, -Infinity)).toBe(1);
    expect(r(0, -1)).toBe(Infinity);
    expect(r(-0, -1)).toBe(-Infinity);
    expect(r(-8, 1 / 3)).toBeNaN();
    expect(r(2, -Infinity)).toBe(0);
  });

  it("pow of integers stays integral; negative integer powers are refused", () => {
    const x = pow(i32([2, 3, -2]), i32([10, 0, 3]));
    expect(x.dtype).toBe("int32");
    expect(x.toArray()).toEqual([1024, 1, -8]);
    expect(pow(i32([2]), 3).toArray()).toEqual([8]);
    expect(pow(2, i32([0, 1, 5])).toArray()).toEqual([1, 2, 32]);
    expect(() => pow(i32([2]), -1)).toThrow(DTypeError);
    expect(() => pow(i32([2]), i32([1, -1]))).toThrow(DTypeError);
    expect(pow(i32([2]), -1.5).dtype).toBe("float32");
    // Overflow wraps as NumPy's int32 power does (values printed by NumPy).
    const big = pow(i32([3, -3, 7, 2, 0, 1, -1]), i32([40, 41, 20, 31, 0, 2147483647, 2147483647]));
    expect(big.toArray()).toEqual([689956897, -2069870691, -1199696159, -2147483648, 1, 1, -1]);
    expect(pow(f32([2]), -1).toArray()).toEqual([0.5]);
    const b = pow(array([true, false, true]), array([true, true, false]));
    expect(b.dtype).toBe("int32");
    expect(b.toArray()).toEqual([1, 0, 1]);
  });

  it("bool + bool is logical or, bool * bool logical and, bool - bool an error", () => {
    const p = array([true, true, false, false]);
    const q = array([true, false, true, false]);
    expect(add(p, q).dtype).toBe("bool");
    expect(add(p, q).toArray()).toEqual([true, true, true, false]);
    expect(Array.from(add(p, q).data)).toEqual([1, 1, 1, 0]); // stored as 0/1, never 2
    expect(mul(p, q).toArray()).toEqual([true, false, false, false]);
    expect(() => sub(p, q)).toThrow(DTypeError);
    expect(() => sub(p, q)).toThrow("sub: boolean subtract is not supported");
    expect(maximum(p, q).toArray()).toEqual([true, true, true, false]);
    expect(div(p, q).dtype).toBe("float32");
    expect(div(p, q).toArray()).toEqual([1, Infinity, 0, Number.NaN]);
  });
});

describe("dtype promotion", () => {
  it("follows bool < int32 < float32 < float64 for array pairs", () => {
    const rank = (d: DType) => DTYPES.indexOf(d);
    for (const p of DTYPES) {
      for (const q of DTYPES) {
        const common = rank(p) >= rank(q) ? p : q;
        expect(promoteTypes(p, q)).toBe(common);
        const x = sample([3], p, 1);
        const y = sample([3], q, 2).abs();
        for (const [name, op] of Object.entries(BINARY)) {
          if (name === "sub" && common === "bool") continue;
          let expected: DType = common;
          if (COMPARISONS.has(name)) expected = "bool";
          else if (name === "div" && (common === "int32" || common === "bool"))
            expected = "float32";
          else if (name === "pow" && common === "bool") expected = "int32";
          expect(op(x, y.astype(q)).dtype, `${name}(${p}, ${q})`).toBe(expected);
        }
      }
    }
  });

  it("a JS number never widens an array's float dtype", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = sample([3], dtype);
      for (const s of [2, 0.1, 1e300, -Infinity, Number.NaN]) {
        expect(add(x, s).dtype).toBe(dtype);
        expect(mul(s, x).dtype).toBe(dtype);
        expect(div(x, s).dtype).toBe(dtype);
      }
    }
    // The number is rounded to the array's dtype: float32(0.1) equals float32(0.1).
    expect(equal(f32([0.1]), 0.1).item()).toBe(1);
    expect(add(f32([1]), 1e300).item()).toBe(Infinity);
  });

  it("an int or bool array with a fractional number gives float32; an integral one keeps int32", () => {
    const ints = i32([1, 2]);
    expect(add(ints, 0.5).dtype).toBe("float32");
    expect(add(ints, 0.5).toArray()).toEqual([1.5, 2.5]);
    expect(add(ints, 3).dtype).toBe("int32");
    expect(add(ints, Number.NaN).dtype).toBe("float32");
    expect(add(ints, Infinity).dtype).toBe("float32");
    const bools = array([true, false]);
    expect(add(bools, 2).dtype).toBe("int32");
    expect(add(bools, 2).toArray()).toEqual([3, 2]);
    expect(mul(bools, 1.5).dtype).toBe("float32");
    expect(mul(bools, 1.5).toArray()).toEqual([1.5, 0]);
    expect(sub(bools, 1).toArray()).toEqual([0, -1]);
  });

  it("int / int true division gives float32", () => {
    const r = div(i32([1, 7, -3]), i32([2, 2, 0]));
    expect(r.dtype).toBe("float32");
    expect(r.toArray()).toEqual([0.5, 3.5, -Infinity]);
    expect(div(i32([1]), 4).toArray()).toEqual([0.25]);
    expect(div(3, i32([2])).toArray()).toEqual([1.5]);
  });

  it("a 0-d NDArray is an array like any other, not a weak scalar", () => {
    const x = f32([1, 2]);
    const scalar = array(0.5, { dtype: "float64" });
    expect(scalar.shape).toEqual([]);
    expect(add(x, scalar).dtype).toBe("float64");
    expect(add(x, 0.5).dtype).toBe("float32");
    expect(add(i32([1]), array(2, { dtype: "int32" })).dtype).toBe("int32");
    expect(add(array([true]), array(2, { dtype: "int32" })).dtype).toBe("int32");
    expect(mul(i32([3]), array(2)).dtype).toBe("float32");
  });

  it("two JS numbers give a 0-d float32 array", () => {
    const r = add(1, 2);
    expect(r.shape).toEqual([]);
    expect(r.dtype).toBe("float32");
    expect(r.item()).toBe(3);
    expect(less(1, 2).toArray()).toBe(true);
  });

  it("comparisons of int32 or bool with an integer beyond int32 answer exactly (NumPy 2)", () => {
    const x = i32([-2147483648, 0, 2147483647]);
    expect(less(x, 2 ** 31).toArray()).toEqual([true, true, true]);
    expect(greater(x, -(2 ** 31) - 1).toArray()).toEqual([true, true, true]);
    expect(equal(x, 2 ** 40).toArray()).toEqual([false, false, false]);
    expect(notEqual(2 ** 53, x).toArray()).toEqual([true, true, true]);
    expect(lessEqual(array([true]), 3e9).toArray()).toEqual([true]);
    expect(greaterEqual(x, 2147483647).toArray()).toEqual([false, false, true]);
  });

  it("an integral number outside int32 is refused for an int32 result", () => {
    expect(() => add(i32([1]), 2 ** 31)).toThrow(DTypeError);
    expect(add(i32([1]), 2 ** 31 + 0.5).dtype).toBe("float32");
    expect(add(f32([1]), 2 ** 40).dtype).toBe("float32");
  });
});

describe("broadcasting", () => {
  it("broadcasts shapes the NumPy way", () => {
    const a = array([[1], [2], [3]]); // [3,1]
    const b = array([10, 20]); // [2]
    expect(add(a, b).shape).toEqual([3, 2]);
    expect(add(a, b).toArray()).toEqual([
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
    expect(add(array(1), array([[1, 2]])).shape).toEqual([1, 2]);
    expect(add(array([]).reshape([0, 1]), array([1, 2, 3])).shape).toEqual([0, 3]);
  });

  it("reads broadcast (stride-0) views like their materialised copies", () => {
    const row = sample([1, 4], "float32", 3);
    const column = sample([3, 1], "float32", 4);
    const wide = broadcastTo(row, [3, 4]);
    const tall = broadcastTo(column, [2, 3, 4]);
    expect(wide.strides[0]).toBe(0);
    for (const [name, op] of Object.entries(BINARY)) {
      if (name === "pow") continue;
      expectSameArray(op(wide, tall), op(copy(wide), copy(tall)), name);
      expectSameArray(op(tall, 2), op(copy(tall), 2), name);
    }
    for (const [name, op] of Object.entries(UNARY)) {
      expectSameArray(op(tall), op(copy(tall)), name);
    }
  });

  it("gives every op the same result on strided, reversed and column-major inputs", () => {
    for (const dtype of ["float32", "int32", "float64"] as const) {
      const x = sample([2, 3, 4], dtype, 5);
      const y = sample([3, 1], dtype === "int32" ? "int32" : "float32", 6);
      for (const [name, op] of Object.entries(BINARY)) {
        if (name === "pow") {
          expectLayoutInvariant((u, v) => pow(u.abs(), v.abs()), [x, y], `pow ${dtype}`);
          continue;
        }
        expectLayoutInvariant(op, [x, y], `${name} ${dtype}`);
        expectLayoutInvariant((u) => op(u, 1.5), [x], `${name} ${dtype} scalar`);
      }
      for (const [name, op] of Object.entries(UNARY)) {
        expectLayoutInvariant(op, [x], `${name} ${dtype}`);
      }
    }
    const b = sample([4, 3], "bool", 7);
    expectLayoutInvariant((u, v) => add(u, v), [b, b.T.T], "bool add");
    expectLayoutInvariant(
      (c, u, v) => where(c, u, v),
      [b, sample([4, 3]), sample([4, 3], "float32", 9)],
      "where",
    );
    expectLayoutInvariant(
      (u, lo) => clip(u, lo, 1),
      [sample([4, 3]), sample([4, 3], "float32", 2)],
      "clip",
    );
  });
});

describe("where", () => {
  it("broadcasts the condition and both branches", () => {
    const cond = array([[true], [false]]); // [2,1]
    const r = where(cond, array([1, 2, 3]), array(9));
    expect(r.shape).toEqual([2, 3]);
    expect(r.toArray()).toEqual([
      [1, 2, 3],
      [9, 9, 9],
    ]);
  });

  it("treats any non-zero (or NaN) condition as true", () => {
    const cond = f32([0, 2, -0, Number.NaN, -1]);
    expect(where(cond, 1, 0).toArray()).toEqual([0, 1, 0, 1, 1]);
  });

  it("promotes the branches as a binary op would (numbers are weak)", () => {
    const cond = array([true, false]);
    expect(where(cond, i32([1, 2]), 0.5).dtype).toBe("float32");
    expect(where(cond, i32([1, 2]), 7).dtype).toBe("int32");
    expect(where(cond, f32([1, 2]), f64([3, 4])).dtype).toBe("float64");
    expect(where(cond, 1, 0).dtype).toBe("float32");
    expect(where(cond, array([true, true]), array([false, false])).dtype).toBe("bool");
  });
});

describe("clip", () => {
  it("limits to [lo, hi], either side open with null", () => {
    const x = f32([-2, -0.5, 0.5, 2]);
    expect(clip(x, -1, 1).toArray()).toEqual([-1, -0.5, 0.5, 1]);
    expect(clip(x, null, 0).toArray()).toEqual([-2, -0.5, 0, 0]);
    expect(clip(x, 0, null).toArray()).toEqual([0, 0, 0.5, 2]);
    expect(clip(x, null, null).toArray()).toEqual([-2, -0.5, 0.5, 2]);
    expect(x.clip(-1, 1).toArray()).toEqual([-1, -0.5, 0.5, 1]);
  });

  it("gives hi where lo > hi, propagates NaN, and broadcasts array bounds", () => {
    expect(clip(f32([-5, 0, 5]), 1, -1).toArray()).toEqual([-1, -1, -1]);
    expect(clip(f32([Number.NaN]), 0, 1).item()).toBeNaN();
    const r = clip(array([[0], [10]]), f32([1, 2, 3]), 5);
    expect(r.shape).toEqual([2, 3]);
    expect(r.toArray()).toEqual([
      [1, 2, 3],
      [5, 5, 5],
    ]);
  });

  it("keeps int32 for integral bounds and gives float32 for fractional ones", () => {
    expect(clip(i32([-5, 5]), -2, 2).dtype).toBe("int32");
    expect(clip(i32([-5, 5]), null, 2).dtype).toBe("int32");
    expect(clip(i32([-5, 5]), -2.5, 2).toArray()).toEqual([-2.5, 2]);
    expect(clip(i32([-5, 5]), -2.5, 2).dtype).toBe("float32");
    expect(clip(f32([1]), f64([0]), 2).dtype).toBe("float64");
  });
});

describe("unary ops", () => {
  const values = [-2.5, -1, -0, 0, 0.5, 3];
  const formulas: Record<string, (v: number) => number> = {
    neg: (v) => -v,
    abs: Math.abs,
    sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : v),
    exp: Math.exp,
    log: Math.log,
    sqrt: Math.sqrt,
    square: (v) => v * v,
    tanh: Math.tanh,
    sin: Math.sin,
    cos: Math.cos,
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    relu: (v) => Math.max(v, 0),
  };
  for (const [name, op] of Object.entries(UNARY)) {
    it(`${name} matches its formula in float64 and rounds once in float32`, () => {
      const formula = formulas[name] as (v: number) => number;
      const wide = Array.from(op(f64(values)).toTypedArray());
      values.forEach((v, i) => {
        const want = formula(v);
        if (Number.isNaN(want)) expect(wide[i]).toBeNaN();
        else expect(wide[i]).toBeCloseTo(want, 14);
      });
      const narrow = Array.from(op(f32(values)).toTypedArray());
      values.forEach((v, i) => {
        const want = Math.fround(formula(Math.fround(v)));
        if (Number.isNaN(want)) expect(narrow[i]).toBeNaN();
        else if (!Number.isFinite(want)) expect(narrow[i]).toBe(want);
        else {
          const ulp = Math.abs(want) * 2 ** -23;
          expect(Math.abs((narrow[i] as number) - want)).toBeLessThanOrEqual(ulp);
        }
      });
    });
  }

  it("keeps or widens dtypes as NumPy does", () => {
    const keep = ["neg", "abs", "sign", "square", "relu"];
    for (const [name, op] of Object.entries(UNARY)) {
      expect(op(f64([1])).dtype, name).toBe("float64");
      expect(op(f32([1])).dtype, name).toBe("float32");
      expect(op(i32([1])).dtype, name).toBe(keep.includes(name) ? "int32" : "float32");
      if (name === "neg") continue;
      const expected = ["abs", "relu"].includes(name)
        ? "bool"
        : ["sign", "square"].includes(name)
          ? "int32"
          : "float32";
      expect(op(array([true, false])).dtype, name).toBe(expected);
    }
    expect(() => neg(array([true]))).toThrow(DTypeError);
    expect(square(array([true, false])).toArray()).toEqual([1, 0]);
    expect(exp(i32([0, 1])).toArray()).toEqual([1, Math.fround(Math.E)]);
  });

  it("square wraps int32 like C", () => {
    expect(square(i32([46341, -3])).toArray()).toEqual([-2147479015, 9]);
  });

  it("handles special values the IEEE way", () => {
    const specials = f64([Number.NaN, Infinity, -Infinity, -0]);
    const look = (op: Unary) => Array.from(op(specials).toTypedArray());
    expect(look(exp)).toEqual([Number.NaN, Infinity, 0, 1]);
    expect(look(log)).toEqual([Number.NaN, Infinity, Number.NaN, -Infinity]);
    expect(look(sqrt)).toEqual([Number.NaN, Infinity, Number.NaN, -0]);
    expect(look(tanh)).toEqual([Number.NaN, 1, -1, -0]);
    expect(look(sigmoid)).toEqual([Number.NaN, 1, 0, 0.5]);
    expect(look(relu)).toEqual([Number.NaN, Infinity, 0, 0]);
    expect(look(sign)).toEqual([Number.NaN, 1, -1, -0]);
    expect(look(abs)).toEqual([Number.NaN, Infinity, Infinity, 0]);
    expect(Object.is(look(sign)[3], -0)).toBe(true);
  });

  it("sigmoid stays finite and exact at the tails", () => {
    const r = Array.from(sigmoid(f32([-1000, -100, 0, 100, 1000])).toTypedArray());
    expect(r).toEqual([0, Math.fround(Math.exp(-100) / (1 + Math.exp(-100))), 0.5, 1, 1]);
    expect(r.every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe("method chaining", () => {
  it("methods equal the module-level functions", () => {
    const x = sample([2, 3], "float32", 11);
    const y = sample([3], "float32", 12);
    for (const name of Object.keys(BINARY)) {
      const method = (x as unknown as Record<string, (o: NDArray) => NDArray>)[name]?.bind(x);
      expect(typeof method, name).toBe("function");
      if (name === "pow") continue;
      expectSameArray((method as (o: NDArray) => NDArray)(y), (BINARY[name] as Binary)(x, y), name);
    }
    for (const [name, op] of Object.entries(UNARY)) {
      const method = (x as unknown as Record<string, () => NDArray>)[name]?.bind(x);
      expectSameArray((method as () => NDArray)(), op(x), name);
    }
    expect(x.add(1).mul(2).sub(y).toArray()).toEqual(sub(mul(add(x, 1), 2), y).toArray());
  });
});

describe("operands", () => {
  it("rejects JS arrays, strings and booleans with a DTypeError naming the op", () => {
    const x = f32([1]);
    expect(() => add(x, [1] as never)).toThrow(
      "add: expected an NDArray or a number, got a JS array",
    );
    expect(() => mul("2" as never, x)).toThrow(DTypeError);
    expect(() => maximum(x, true as never)).toThrow(DTypeError);
    expect(() => exp([1] as never)).toThrow("exp: expected an NDArray, got a JS array");
    expect(() => where([true] as never, x, x)).toThrow(DTypeError);
    expect(() => clip(x, "0" as never, 1)).toThrow(DTypeError);
  });

  it("returns new arrays and never modifies its inputs", () => {
    const x = f32([1, 2]);
    const y = f32([3, 4]);
    const r = add(x, y);
    expect(r.data).not.toBe(x.data);
    expect(r.data).not.toBe(y.data);
    expect(x.toArray()).toEqual([1, 2]);
    expect(y.toArray()).toEqual([3, 4]);
    expect(relu(x).data).not.toBe(x.data);
  });
});

describe("resultType", () => {
  it("promotes arrays and treats numbers as weak scalars, as the ops do", () => {
    const f32 = zeros([2], "float32");
    const f64 = zeros([2], "float64");
    const i32 = zeros([2], "int32");
    const b = zeros([2], "bool");
    expect(resultType(f32, f64)).toBe("float64");
    expect(resultType(i32, b)).toBe("int32");
    expect(resultType(f32, 2.5)).toBe("float32");
    expect(resultType(i32, 3)).toBe("int32");
    expect(resultType(i32, 0.5)).toBe("float32");
    expect(resultType(b, 1)).toBe("int32");
    expect(resultType(1, 2)).toBe("float32");
    for (const [x, y] of [
      [i32, 0.5],
      [b, 1],
      [f32, f64],
      [i32, b],
    ] as const) {
      expect(add(x, y).dtype).toBe(resultType(x, y));
    }
  });
});
