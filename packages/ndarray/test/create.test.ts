import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  DTypeError,
  eye,
  full,
  fullLike,
  IndexError,
  linspace,
  NDArray,
  ones,
  onesLike,
  ShapeError,
  zeros,
  zerosLike,
} from "../src/index";
import { reversedLayout } from "./layouts";

describe("array", () => {
  it("makes a 0-d array from a number or a boolean", () => {
    const x = array(2.5);
    expect(x.shape).toEqual([]);
    expect(x.dtype).toBe("float32");
    expect(x.item()).toBe(2.5);
    const b = array(true);
    expect(b.dtype).toBe("bool");
    expect(b.toArray()).toBe(true);
  });

  it("infers the shape of nested arrays; numbers give float32, booleans bool", () => {
    const x = array([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe("float32");
    expect(x.strides).toEqual([3, 1]);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = array([[true], [false]]);
    expect(b.dtype).toBe("bool");
    expect(b.shape).toEqual([2, 1]);
    expect(Array.from(b.data)).toEqual([1, 0]);
  });

  it("gives float32 for booleans mixed with numbers", () => {
    const x = array([true, 2, false]);
    expect(x.dtype).toBe("float32");
    expect(x.toArray()).toEqual([1, 2, 0]);
  });

  it("handles empty nesting", () => {
    expect(array([]).shape).toEqual([0]);
    expect(array([]).dtype).toBe("float32");
    expect(array([[], []]).shape).toEqual([2, 0]);
    expect(array([[], []]).toArray()).toEqual([[], []]);
  });

  it("keeps NaN, infinities and -0", () => {
    const x = array([Number.NaN, Infinity, -Infinity, -0], { dtype: "float64" });
    const v = x.toArray() as number[];
    expect(v[0]).toBeNaN();
    expect(v.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Object.is(v[3], -0)).toBe(true);
  });

  it("rounds to float32 by default and keeps float64 when asked", () => {
    expect(array([0.1]).item()).toBe(Math.fround(0.1));
    expect(array([0.1], { dtype: "float64" }).item()).toBe(0.1);
  });

  it("converts with dtype: floats truncate to int32, non-zero (and NaN) is true", () => {
    expect(array([1.7, -1.7, 2], { dtype: "int32" }).toArray()).toEqual([1, -1, 2]);
    expect(array([0, 2, -0.5, Number.NaN], { dtype: "bool" }).toArray()).toEqual([
      false,
      true,
      true,
      true,
    ]);
    expect(array([true, false], { dtype: "float64" }).toArray()).toEqual([1, 0]);
  });

  it("keeps the type of a typed array (integer types become int32)", () => {
    expect(array(new Float32Array([1, 2])).dtype).toBe("float32");
    expect(array(new Float64Array([1, 2])).dtype).toBe("float64");
    expect(array(new Int32Array([1, 2])).dtype).toBe("int32");
    expect(array(new Int16Array([-3])).toArray()).toEqual([-3]);
    expect(array(new Uint8Array([255])).dtype).toBe("int32");
    expect(array(new Uint8Array([255])).toArray()).toEqual([255]);
    expect(array(new Float64Array([0.5, 0]), { dtype: "bool" }).toArray()).toEqual([true, false]);
  });

  it("maps other typed arrays to the dtype that holds their values", () => {
    expect(array(new Uint32Array([4e9])).dtype).toBe("float64");
    expect(array(new Uint32Array([4e9])).item()).toBe(4e9);
    expect(array(new Uint16Array([65535])).toArray()).toEqual([65535]);
    expect(array(new Int8Array([-128])).dtype).toBe("int32");
    expect(() => array(new BigInt64Array([1n]) as never)).toThrow(DTypeError);
  });

  it("copies its input: later changes to the source do not show", () => {
    const source = new Float32Array([1, 2, 3]);
    const x = array(source);
    expect(x.data).not.toBe(source);
    source[0] = 99;
    expect(x.toArray()).toEqual([1, 2, 3]);
    const nested = [1, 2];
    const y = array(nested);
    nested[0] = 7;
    expect(y.toArray()).toEqual([1, 2]);
  });

  it("copies an NDArray (in any layout), optionally converting it", () => {
    const base = array([
      [1.5, 2.5],
      [3.5, 4.5],
    ]);
    const view = reversedLayout(base);
    const x = array(view);
    expect(x.data).not.toBe(view.data);
    expect(x.isContiguous).toBe(true);
    expect(x.toArray()).toEqual(base.toArray());
    expect(x.dtype).toBe("float32");
    const ints = array(base.T, { dtype: "int32" });
    expect(ints.dtype).toBe("int32");
    expect(ints.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it("reshapes flat input with `shape`", () => {
    const x = array([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
    expect(x.shape).toEqual([2, 3]);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(array(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(array(7, { shape: [1, 1] }).shape).toEqual([1, 1]);
    expect(() => array([1, 2, 3], { shape: [2, 2] })).toThrow(
      "array: 3 values do not fill shape [2,2] (size 4)",
    );
  });

  it("reads an array-like object as a flat list", () => {
    const like = { length: 3, 0: 4, 1: 5, 2: 6 } as ArrayLike<number>;
    expect(array(like).toArray()).toEqual([4, 5, 6]);
  });

  it("rejects ragged nesting with a ShapeError naming the position", () => {
    expect(() => array([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => array([[1, 2], [3]])).toThrow("expected length 2 at [1], got length 1");
    expect(() => array([1, [2]])).toThrow(ShapeError);
    expect(() => array([[1], 2])).toThrow("got a scalar");
  });

  it("rejects strings, null and objects with a DTypeError", () => {
    expect(() => array(["a"] as never)).toThrow(DTypeError);
    expect(() => array([[1, "b"]] as never)).toThrow('array: unsupported element "b" at [0,1]');
    expect(() => array([null] as never)).toThrow(DTypeError);
    expect(() => array(null as never)).toThrow(DTypeError);
    expect(() => array("abc" as never)).toThrow(DTypeError);
    expect(() => array([1], { dtype: "float16" as never })).toThrow(DTypeError);
  });
});

describe("zeros, ones, full and the *Like forms", () => {
  it("fill a shape with a value, float32 by default", () => {
    const z = zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe("float32");
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(full([2, 2], 7).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(zeros([]).shape).toEqual([]);
    expect(ones([0, 3]).size).toBe(0);
  });

  it("take a dtype as a string or as { dtype }", () => {
    expect(zeros([2], "int32").dtype).toBe("int32");
    expect(ones([2], { dtype: "float64" }).dtype).toBe("float64");
    expect(ones([2], "bool").toArray()).toEqual([true, true]);
    expect(full([2], 2.9, "int32").toArray()).toEqual([2, 2]);
    expect(full([1], -0.5, { dtype: "float64" }).toArray()).toEqual([-0.5]);
  });

  it("full with a boolean gives bool unless told otherwise", () => {
    expect(full([2], true).dtype).toBe("bool");
    expect(full([2], true).toArray()).toEqual([true, true]);
    expect(full([2], true, "float32").toArray()).toEqual([1, 1]);
    expect(full([2], false, "int32").toArray()).toEqual([0, 0]);
    expect(Number.isNaN(full([1], Number.NaN).item())).toBe(true);
  });

  it("*Like copy the shape and dtype of any view", () => {
    const x = arange(6).reshape([2, 3]).T; // int32 [3,2], not contiguous
    for (const [made, value] of [
      [zerosLike(x), 0],
      [onesLike(x), 1],
      [fullLike(x, 5), 5],
    ] as const) {
      expect(made.shape).toEqual([3, 2]);
      expect(made.dtype).toBe("int32");
      expect(made.isContiguous).toBe(true);
      expect(Array.from(made.data)).toEqual(new Array(6).fill(value));
    }
    expect(zerosLike(x, "float64").dtype).toBe("float64");
    expect(onesLike(x, { dtype: "bool" }).toArray()).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(fullLike(x, 2.5, "float32").toArray()).toEqual([
      [2.5, 2.5],
      [2.5, 2.5],
      [2.5, 2.5],
    ]);
  });

  it("reject bad shapes with a ShapeError naming the function", () => {
    expect(() => zeros([2.5])).toThrow("zeros: invalid shape [2.5]");
    expect(() => ones([-1])).toThrow(ShapeError);
    expect(() => ones([-1])).toThrow("ones: invalid shape [-1]");
    expect(() => full([Number.NaN], 1)).toThrow(ShapeError);
    expect(() => zeros(3 as never)).toThrow(ShapeError);
    expect(() => zerosLike([1, 2] as never)).toThrow(DTypeError);
  });
});

describe("arange", () => {
  it("counts with integers as int32", () => {
    const x = arange(5);
    expect(x.dtype).toBe("int32");
    expect(x.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(10, 0, -3).toArray()).toEqual([10, 7, 4, 1]);
    expect(arange(5, 2).toArray()).toEqual([]);
    expect(arange(0).shape).toEqual([0]);
  });

  it("gives float32 for fractional arguments and honours a dtype", () => {
    const x = arange(0, 1, 0.25);
    expect(x.dtype).toBe("float32");
    expect(x.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0.5, 3).toArray()).toEqual([0.5, 1.5, 2.5]);
    expect(arange(3, undefined, 1, "float64").dtype).toBe("float64");
    expect(arange(0, 4, 1, { dtype: "float32" }).toArray()).toEqual([0, 1, 2, 3]);
    // NumPy's length rule: ceil((stop - start) / step).
    expect(arange(0, 1, 0.3).size).toBe(4);
  });

  it("rejects a zero step and non-finite arguments", () => {
    expect(() => arange(0, 5, 0)).toThrow(ShapeError);
    expect(() => arange(Number.NaN)).toThrow(DTypeError);
    expect(() => arange(0, Infinity)).toThrow("arange: arguments must be finite numbers");
  });
});

describe("linspace", () => {
  it("spaces num values evenly, endpoint included and exact", () => {
    const x = linspace(0, 1, 5);
    expect(x.dtype).toBe("float32");
    expect(x.toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0, 1).size).toBe(50);
    const y = linspace(0.1, 0.7, 7, { dtype: "float64" });
    expect(y.dtype).toBe("float64");
    expect((y.toArray() as number[])[6]).toBe(0.7);
    const expected = Array.from({ length: 7 }, (_, i) => 0.1 + i * 0.1);
    (y.toArray() as number[]).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 14);
    });
  });

  it("handles endpoint false, one value, none, and descending ranges", () => {
    expect(linspace(0, 1, 4, { endpoint: false }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(linspace(3, 9, 1).toArray()).toEqual([3]);
    expect(linspace(3, 9, 0).toArray()).toEqual([]);
    expect(linspace(1, -1, 3).toArray()).toEqual([1, 0, -1]);
    expect(() => linspace(0, 1, -2)).toThrow(ShapeError);
    expect(() => linspace(0, 1, 2.5)).toThrow(ShapeError);
  });
});

describe("eye", () => {
  it("puts ones on the chosen diagonal", () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3, { k: 1 }).toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(3, 2, { k: -1 }).toArray()).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 2, { k: 5 }).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(eye(2).dtype).toBe("float32");
    expect(eye(2, undefined, { dtype: "int32" }).dtype).toBe("int32");
    expect(eye(0).shape).toEqual([0, 0]);
  });

  it("rejects bad sizes and a fractional diagonal", () => {
    expect(() => eye(-1)).toThrow(ShapeError);
    expect(() => eye(2.5)).toThrow(ShapeError);
    expect(() => eye(3, 3, { k: 0.5 })).toThrow(IndexError);
  });
});

describe("the NDArray constructor", () => {
  it("wraps a buffer without copying, with row-major strides by default", () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const x = new NDArray(data, [2, 3]);
    expect(x.data).toBe(data);
    expect(x.dtype).toBe("float64");
    expect(x.strides).toEqual([3, 1]);
    expect(x.ndim).toBe(2);
    expect(x.size).toBe(6);
    expect(new NDArray(new Uint8Array([1]), []).dtype).toBe("bool");
    expect(new NDArray(new Int32Array(1), [1]).dtype).toBe("int32");
  });

  it("refuses storage that is not one of the four dtypes' typed arrays", () => {
    expect(() => new NDArray(new Int16Array(3) as never, [3])).toThrow(DTypeError);
    expect(() => new NDArray(new Uint8ClampedArray(3) as never, [3])).toThrow(
      "NDArray: storage must be a Float32Array, Float64Array, Int32Array or Uint8Array, got Uint8ClampedArray",
    );
  });

  it("refuses a view that reads outside the buffer, or a bad shape", () => {
    const data = new Float32Array(6);
    expect(() => new NDArray(data, [2, 4])).toThrow(IndexError);
    expect(() => new NDArray(data, [3], [-1], 1)).toThrow(IndexError);
    expect(() => new NDArray(data, [2], [1, 1])).toThrow(ShapeError);
    expect(() => new NDArray(data, [1.5])).toThrow(ShapeError);
    expect(() => new NDArray(data, [2], [1.5])).toThrow("NDArray: strides [1.5] must be integers");
    expect(new NDArray(data, [3], [-2], 4).shape).toEqual([3]);
    expect(new NDArray(data, [0, 9]).size).toBe(0);
  });
});
