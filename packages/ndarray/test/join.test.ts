import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  arrayEqual,
  broadcastTo,
  concat,
  DTypeError,
  IndexError,
  type NDArray,
  pad,
  resolvePadWidth,
  ShapeError,
  slice,
  split,
  stack,
  zeros,
} from "../src/index";

/** The same values as `x` read through transposed strides (x must be contiguous). */
function transposedView(x: NDArray): NDArray {
  return x.transpose().copy().transpose();
}

/** The same values as `x` read with a negative step on axis 0. */
function reversedView(x: NDArray): NDArray {
  if (x.ndim === 0) return x;
  const flipped = slice(x, [[null, null, -1]]).copy();
  return slice(flipped, [[null, null, -1]]);
}

describe("concat", () => {
  it("joins along axis 0, 1 and negative axes (NumPy concatenate)", () => {
    const a = arange(6).reshape([2, 3]);
    const b = arange(6, 10).reshape([2, 2]);
    expect(concat([a, b], 1).toArray()).toEqual([
      [0, 1, 2, 6, 7],
      [3, 4, 5, 8, 9],
    ]);
    expect(concat([a, b], -1).toArray()).toEqual(concat([a, b], 1).toArray());
    const c = arange(3).reshape([1, 3]);
    expect(concat([a, c, a]).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0, 1, 2],
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(concat([a, c, a], -2).shape).toEqual([5, 3]);
  });

  it("joins along a middle axis of 3-D arrays", () => {
    const a = arange(12).reshape([2, 3, 2]);
    const b = arange(100, 104).reshape([2, 1, 2]);
    expect(concat([b, a], 1).toArray()).toEqual([
      [
        [100, 101],
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      [
        [102, 103],
        [6, 7],
        [8, 9],
        [10, 11],
      ],
    ]);
  });

  it("reads transposed, reversed and broadcast views", () => {
    const a = arange(6).reshape([2, 3]);
    const expected = [
      [0, 1, 2, 0, 1, 2, 7, 7],
      [3, 4, 5, 3, 4, 5, 7, 7],
    ];
    const seven = broadcastTo(array([7]), [2, 2]);
    for (const view of [transposedView(a), reversedView(a)]) {
      expect(concat([view, a, seven], 1).toArray()).toEqual(expected);
      const rows = a.toArray() as number[][];
      expect(concat([a, view], 0).toArray()).toEqual([...rows, ...rows]);
    }
    // A reversed column slice: x[:, ::-1].
    const rev = slice(a, [null, [null, null, -1]]);
    expect(concat([rev, rev], 0).toArray()).toEqual([
      [2, 1, 0],
      [5, 4, 3],
      [2, 1, 0],
      [5, 4, 3],
    ]);
  });

  it("copies long blocks (the bulk path) across dtypes and strides", () => {
    const a = arange(0, 2 * 100, 1, { dtype: "int32" }).reshape([2, 100]);
    const b = arange(0, 2 * 70, 1, { dtype: "float64" }).reshape([70, 2]).T;
    const out = concat([a, b], 1);
    expect(out.dtype).toBe("float64");
    expect(out.shape).toEqual([2, 170]);
    const rows = out.toArray() as number[][];
    for (let r = 0; r < 2; r++) {
      for (let j = 0; j < 100; j++) expect(rows[r]?.[j]).toBe(r * 100 + j);
      for (let j = 0; j < 70; j++) expect(rows[r]?.[100 + j]).toBe(j * 2 + r);
    }
  });

  it("promotes dtypes across inputs", () => {
    const flag = array([true, false]);
    const int = array([3, 4], { dtype: "int32" });
    const f32 = array([0.5], { dtype: "float32" });
    const f64 = array([0.25], { dtype: "float64" });
    expect(concat([flag, flag]).dtype).toBe("bool");
    expect(concat([flag, flag]).toArray()).toEqual([true, false, true, false]);
    const bi = concat([flag, int]);
    expect(bi.dtype).toBe("int32");
    expect(bi.toArray()).toEqual([1, 0, 3, 4]);
    const i32f = concat([int, f32]);
    expect(i32f.dtype).toBe("float32");
    expect(i32f.toArray()).toEqual([3, 4, 0.5]);
    const mixed = concat([f32, flag, f64, int]);
    expect(mixed.dtype).toBe("float64");
    expect(mixed.toArray()).toEqual([0.5, 1, 0, 0.25, 3, 4]);
  });

  it("handles empty inputs and returns a fresh array for one input", () => {
    expect(concat([zeros([2, 0]), arange(6).reshape([2, 3])], 1).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(concat([zeros([0, 3]), zeros([0, 3])]).shape).toEqual([0, 3]);
    expect(concat([zeros([0, 2]), zeros([0, 3])], 1).shape).toEqual([0, 5]);
    const a = arange(4);
    const c = concat([a]);
    expect(c.toArray()).toEqual([0, 1, 2, 3]);
    expect(c.data).not.toBe(a.data);
  });

  it("leaves its inputs unchanged", () => {
    const a = arange(6).reshape([2, 3]);
    const t = transposedView(arange(6).reshape([2, 3]));
    const before = [a.toArray(), t.toArray(), [...a.data], [...t.data]];
    concat([a, t], 0);
    concat([a, t], 1);
    expect([a.toArray(), t.toArray(), [...a.data], [...t.data]]).toEqual(before);
  });

  it("rejects bad input with messages that name the shapes and axis", () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(ShapeError);
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(
      "concat: [2,3] and [2,4] differ on axis 1 (3 vs 4)",
    );
    expect(() => concat([zeros([2, 3]), zeros([2, 3]), zeros([5, 4])], 1)).toThrow(
      "concat: [2,3] and [5,4] differ on axis 0 (2 vs 5)",
    );
    expect(() => concat([zeros([2, 3]), zeros([2, 3, 1])])).toThrow(
      "concat: [2,3] and [2,3,1] have different numbers of dimensions (2 vs 3)",
    );
    expect(() => concat([])).toThrow(ShapeError);
    expect(() => concat([])).toThrow("concat: need at least one array");
    expect(() => concat([zeros([2]), zeros([2])], 1)).toThrow(IndexError);
    expect(() => concat([zeros([2]), zeros([2])], 1)).toThrow(
      "concat: axis 1 is out of bounds for an array of shape [2]",
    );
    expect(() => concat([zeros([2]), zeros([2])], -2)).toThrow(IndexError);
    expect(() => concat([zeros([]), zeros([])])).toThrow(ShapeError);
    expect(() => concat([zeros([2]), [1, 2] as unknown as NDArray])).toThrow(DTypeError);
    expect(() => concat(zeros([2]) as unknown as NDArray[])).toThrow(DTypeError);
  });
});

describe("stack", () => {
  const a = arange(6).reshape([2, 3]);
  const b = arange(6, 12).reshape([2, 3]);

  it("joins along a new axis at any position (values from NumPy)", () => {
    expect(stack([a, b]).toArray()).toEqual([a.toArray(), b.toArray()]);
    expect(stack([a, b], 1).toArray()).toEqual([
      [
        [0, 1, 2],
        [6, 7, 8],
      ],
      [
        [3, 4, 5],
        [9, 10, 11],
      ],
    ]);
    const last = [
      [
        [0, 6],
        [1, 7],
        [2, 8],
      ],
      [
        [3, 9],
        [4, 10],
        [5, 11],
      ],
    ];
    expect(stack([a, b], -1).toArray()).toEqual(last);
    expect(stack([a, b], 2).toArray()).toEqual(last);
    expect(stack([a, b], -3).shape).toEqual([2, 2, 3]);
    expect(stack([array(1), array(2)]).toArray()).toEqual([1, 2]);
  });

  it("reads views and promotes dtypes", () => {
    const bt = transposedView(b);
    const s = stack([reversedView(a), bt.astype("float64")], 1);
    expect(s.dtype).toBe("float64");
    expect(s.toArray()).toEqual(stack([a, b], 1).toArray());
  });

  it("rejects differing shapes, empty lists and bad axes", () => {
    expect(() => stack([a, zeros([3, 2])])).toThrow(ShapeError);
    expect(() => stack([a, a, zeros([3, 2])])).toThrow(
      "stack: all inputs must have the same shape, got [2,3] (input 0) and [3,2] (input 2)",
    );
    expect(() => stack([])).toThrow(ShapeError);
    expect(() => stack([a, b], 3)).toThrow(IndexError);
    expect(() => stack([a, b], 3)).toThrow(
      "stack: axis 3 is out of bounds for stacking arrays of shape [2,3] (expected -3 to 2)",
    );
    expect(() => stack([a, b], -4)).toThrow(IndexError);
  });
});

describe("split", () => {
  it("splits into equal sections", () => {
    const x = arange(12).reshape([2, 6]);
    const parts = split(x, 3, 1);
    expect(parts.map((p) => p.toArray())).toEqual([
      [
        [0, 1],
        [6, 7],
      ],
      [
        [2, 3],
        [8, 9],
      ],
      [
        [4, 5],
        [10, 11],
      ],
    ]);
    expect(split(x, 2).map((p) => p.toArray())).toEqual([
      [[0, 1, 2, 3, 4, 5]],
      [[6, 7, 8, 9, 10, 11]],
    ]);
    expect(split(x, 1, -1)[0]?.toArray()).toEqual(x.toArray());
    expect(split(zeros([0, 2]), 3).map((p) => p.shape)).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
  });

  it("splits at points with Python slice semantics (NumPy split)", () => {
    const x = arange(10);
    // np.split(np.arange(10), [3, 1, -2, 20])
    expect(split(x, [3, 1, -2, 20]).map((p) => p.toArray())).toEqual([
      [0, 1, 2],
      [],
      [1, 2, 3, 4, 5, 6, 7],
      [8, 9],
      [],
    ]);
    expect(split(x, []).map((p) => p.toArray())).toEqual([x.toArray()]);
  });

  it("returns views that share the input's buffer, also of strided inputs", () => {
    const x = arange(24).reshape([4, 6]);
    const t = x.T;
    const parts = split(t, [1, 4], 0);
    expect(parts.map((p) => p.shape)).toEqual([
      [1, 4],
      [3, 4],
      [2, 4],
    ]);
    for (const p of parts) expect(p.data).toBe(x.data);
    expect(parts[1]?.toArray()).toEqual([
      [1, 7, 13, 19],
      [2, 8, 14, 20],
      [3, 9, 15, 21],
    ]);
    const rev = reversedView(arange(6));
    expect(split(rev, 2).map((p) => p.toArray())).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("rejects uneven sections, bad counts, bad points and bad axes", () => {
    const x = zeros([5, 2]);
    expect(() => split(x, 2)).toThrow(ShapeError);
    expect(() => split(x, 2)).toThrow(
      "split: axis 0 of [5,2] (length 5) does not divide into 2 equal sections",
    );
    expect(() => split(x, 0)).toThrow(
      "split: the number of sections must be a positive integer, got 0",
    );
    expect(() => split(x, 1.5)).toThrow(ShapeError);
    expect(() => split(x, [1.5])).toThrow(DTypeError);
    expect(() => split(x, 1, 2)).toThrow(IndexError);
    expect(() => split(x, 1, 2)).toThrow(
      "split: axis 2 is out of bounds for an array of shape [5,2]",
    );
    expect(() => split(x, "2" as unknown as number)).toThrow(DTypeError);
  });
});

describe("pad", () => {
  const a = arange(0, 6, 1, { dtype: "int32" }).reshape([2, 3]);

  it("resolvePadWidth gives the per-axis widths pad applies", () => {
    expect(resolvePadWidth(1, [2, 3])).toEqual({ before: [1, 1], after: [1, 1] });
    expect(resolvePadWidth([2], [2, 3])).toEqual({ before: [2, 2], after: [2, 2] });
    expect(resolvePadWidth([1, 2], [2, 3])).toEqual({ before: [1, 1], after: [2, 2] });
    expect(
      resolvePadWidth(
        [
          [0, 1],
          [2, 3],
        ],
        [2, 3],
      ),
    ).toEqual({ before: [0, 2], after: [1, 3] });
    expect(() => resolvePadWidth([1, 2, 3], [2, 3])).toThrow(ShapeError);
    expect(() => resolvePadWidth(-1, [2, 3])).toThrow(/negative/);
  });

  it("accepts the padWidth forms NumPy accepts (values from np.pad)", () => {
    expect(pad(a, 1).toArray()).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 1, 2, 0],
      [0, 3, 4, 5, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(
      pad(
        a,
        [
          [1, 0],
          [2, 1],
        ],
        9,
      ).toArray(),
    ).toEqual([
      [9, 9, 9, 9, 9, 9],
      [9, 9, 0, 1, 2, 9],
      [9, 9, 3, 4, 5, 9],
    ]);
    expect(pad(a, [1, 2]).shape).toEqual([5, 6]);
    expect(pad(a, [[1, 2]]).shape).toEqual([5, 6]);
    expect(pad(a, [3]).shape).toEqual([8, 9]);
    expect(pad(a, [1, 2]).toArray()).toEqual(pad(a, [[1, 2]]).toArray());
    expect(pad(a, 0).toArray()).toEqual(a.toArray());
    expect(
      pad(a, [
        [0, 0],
        [0, 2],
      ]).toArray(),
    ).toEqual([
      [0, 1, 2, 0, 0],
      [3, 4, 5, 0, 0],
    ]);
    expect(
      pad(a, [
        [2, 1],
        [0, 0],
      ]).toArray(),
    ).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, 2],
      [3, 4, 5],
      [0, 0, 0],
    ]);
  });

  it("keeps the dtype and converts the constant like NumPy", () => {
    expect(pad(a, 1).dtype).toBe("int32");
    // np.pad(np.array([1, 2], np.int32), 1, constant_values=-2.7) -> [-2, 1, 2, -2]
    expect(pad(array([1, 2], { dtype: "int32" }), 1, -2.7).toArray()).toEqual([-2, 1, 2, -2]);
    // np.pad(np.array([True, False]), 1, constant_values=5) -> [True, True, False, True]
    const flags = pad(array([true, false]), 1, 5);
    expect(flags.dtype).toBe("bool");
    expect(flags.toArray()).toEqual([true, true, false, true]);
    expect([...flags.data]).toEqual([1, 1, 0, 1]);
    const f = pad(array([0.5], { dtype: "float64" }), [0, 1], 0.1);
    expect(f.dtype).toBe("float64");
    expect(f.toArray()).toEqual([0.5, 0.1]);
    expect(pad(array(3), 2).toArray()).toBe(3);
  });

  it("reads strided views and long rows", () => {
    const x = arange(2 * 80).reshape([2, 80]);
    for (const view of [transposedView(arange(6).reshape([2, 3])), reversedView(x)]) {
      const source = view.copy();
      expect(
        pad(
          view,
          [
            [1, 1],
            [0, 2],
          ],
          -1,
        ).toArray(),
      ).toEqual(
        pad(
          source,
          [
            [1, 1],
            [0, 2],
          ],
          -1,
        ).toArray(),
      );
    }
    const padded = pad(x, [
      [0, 1],
      [0, 0],
    ]);
    expect(padded.shape).toEqual([3, 80]);
    expect((padded.toArray() as number[][])[1]?.[79]).toBe(159);
    expect(pad(slice(x, [null, [null, null, -1]]), 1).toArray()).toEqual(
      pad(slice(x, [null, [null, null, -1]]).copy(), 1).toArray(),
    );
  });

  it("pads empty arrays", () => {
    expect(pad(zeros([0, 2]), 1, 4).toArray()).toEqual([
      [4, 4, 4, 4],
      [4, 4, 4, 4],
    ]);
  });

  it("leaves its input unchanged", () => {
    const x = reversedView(arange(6).reshape([3, 2]));
    const before = [[...x.data], x.toArray()];
    pad(x, 2, 7);
    expect([[...x.data], x.toArray()]).toEqual(before);
  });

  it("rejects negative, fractional and malformed widths", () => {
    expect(() => pad(a, -1)).toThrow(ShapeError);
    expect(() => pad(a, -1)).toThrow(
      "pad: invalid padWidth -1 for shape [2,3]: axis 0: widths cannot be negative",
    );
    expect(() =>
      pad(a, [
        [0, 0],
        [1, -2],
      ]),
    ).toThrow(
      "pad: invalid padWidth [[0,0],[1,-2]] for shape [2,3]: axis 1: widths cannot be negative",
    );
    expect(() => pad(a, 1.5)).toThrow(ShapeError);
    expect(() => pad(a, [1, 2, 3])).toThrow(ShapeError);
    expect(() =>
      pad(a, [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).toThrow(
      "pad: invalid padWidth [[1,2],[3,4],[5,6]] for shape [2,3]: expected 1 or 2 [before, after] pairs, got 3",
    );
    expect(() => pad(a, [[1, 2, 3]])).toThrow(ShapeError);
    expect(() => pad(a, [1, [2, 3]] as unknown as number[])).toThrow(ShapeError);
    expect(() => pad(a, 1, "0" as unknown as number)).toThrow(DTypeError);
  });
});

/** A random array of `shape` (integers in [-50, 50), float64) from `seed`, in one of 3 layouts. */
function randomArray(shape: number[], seed: number, layout: number): NDArray {
  let state = seed >>> 0 || 1;
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state % 100) - 50;
  }
  const x = array(values, { shape });
  if (layout === 1) return transposedView(x);
  if (layout === 2) return reversedView(x);
  return x;
}

const arrayArb = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
    seed: fc.integer(),
    layout: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ shape, seed, layout }) => randomArray(shape, seed, layout));

describe("join properties", () => {
  it("concat(split(x, k, axis), axis) equals x, and the parts are views", () => {
    fc.assert(
      fc.property(
        arrayArb,
        fc.nat(),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (x, axisSeed, k, negative) => {
          const axis = axisSeed % x.ndim;
          const length = x.shape[axis] as number;
          const sections = length % k === 0 ? k : 1;
          const parts = split(x, sections, negative ? axis - x.ndim : axis);
          expect(parts).toHaveLength(sections);
          for (const p of parts) expect(p.data).toBe(x.data);
          expect(arrayEqual(concat(parts, axis), x)).toBe(true);
          const points = [0, Math.floor(length / 2), length].slice(0, 1 + (k % 3));
          const uneven = split(x, points, axis);
          expect(uneven).toHaveLength(points.length + 1);
          expect(arrayEqual(concat(uneven, axis), x)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("stack then split along the new axis gives the inputs back", () => {
    fc.assert(
      fc.property(arrayArb, fc.integer({ min: 1, max: 3 }), fc.nat(), (x, count, axisSeed) => {
        const xs = Array.from({ length: count }, (_, i) => x.add(i));
        const axis = axisSeed % (x.ndim + 1);
        const s = stack(xs, axis);
        expect(s.shape).toEqual([...x.shape.slice(0, axis), count, ...x.shape.slice(axis)]);
        split(s, count, axis).forEach((part, i) => {
          expect(arrayEqual(part.squeeze(axis), xs[i] as NDArray)).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("pad then slicing the interior recovers x, and the border is the constant", () => {
    fc.assert(
      fc.property(
        arrayArb,
        fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: -5, max: 5 }),
        (x, widthsPool, value) => {
          const widths = widthsPool.slice(0, x.ndim);
          const padded = pad(x, widths, value);
          expect(padded.dtype).toBe(x.dtype);
          expect(padded.shape).toEqual(
            x.shape.map((d, i) => d + (widths[i] as number[]).reduce((p, q) => p + q)),
          );
          const interior = slice(
            padded,
            widths.map(([before], i) => [before, before + (x.shape[i] as number)]),
          );
          expect(arrayEqual(interior, x)).toBe(true);
          const total = padded.sum().item();
          expect(total).toBe(x.sum().item() + value * (padded.size - x.size));
        },
      ),
      { numRuns: 150 },
    );
  });
});
