import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  col2im,
  convOutputSize,
  type IntPair,
  im2col,
  type NDArray,
  ones,
  ShapeError,
  slice,
  windowMaxima,
  zeros,
} from "../src/index";
import fixtures from "./fixtures/conv_numpy.json";

interface FixtureCase {
  shape: number[];
  kernel: IntPair;
  stride: IntPair;
  pad: IntPair;
  matrix: { colShape: number[]; col: number[]; col2im: number[] };
  tensor: { colShape: number[]; col: number[]; col2im: number[] };
}

const cases = fixtures.cases as unknown as FixtureCase[];

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Flat row-major values of any array. */
function flat(x: NDArray): number[] {
  return [...x.toTypedArray()];
}

/** `arange`-valued float64 array of `shape`; the fixtures use the same inputs. */
function ramp(shape: number[]): NDArray {
  return arange(0, size(shape), 1, { dtype: "float64" }).reshape(shape);
}

/** Deterministic pseudo-random float64 values in [-1, 1). */
function randomValues(n: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Straight from the definition: six loops, a bounds check per element, the input read by
 * row-major index from a copy. Returns the [N, C, KH, KW, OH, OW] layout, flattened.
 */
function naiveIm2col(
  x: NDArray,
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
  [ph, pw]: [number, number],
  [dh, dw]: [number, number] = [1, 1],
): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const values = flat(x);
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const col: number[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < c; b++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let y = 0; y < oh; y++) {
            for (let z = 0; z < ow; z++) {
              const r = y * sh - ph + i * dh;
              const s = z * sw - pw + j * dw;
              const inside = r >= 0 && r < h && s >= 0 && s < w;
              col.push(inside ? (values[((a * c + b) * h + r) * w + s] as number) : 0);
            }
          }
        }
      }
    }
  }
  return col;
}

/** The same values as `x` read through non-contiguous strides (channels and width swapped). */
function stridedView(x: NDArray): NDArray {
  return x.transpose([0, 3, 2, 1]).copy().transpose([0, 3, 2, 1]);
}

describe("im2col", () => {
  it("unfolds a 3x3 image with a 2x2 kernel (hand-computed)", () => {
    const x = arange(0, 9, 1, { dtype: "float32" }).reshape([1, 1, 3, 3]);
    const col = im2col(x, 2);
    expect(col.dtype).toBe("float32");
    expect(col.toArray()).toEqual([
      [0, 1, 3, 4],
      [1, 2, 4, 5],
      [3, 4, 6, 7],
      [4, 5, 7, 8],
    ]);
    // Padding 1 with stride 2: windows at rows/cols -1 and 1.
    expect(im2col(x, 2, 2, 1).toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 1, 2],
      [0, 3, 0, 6],
      [4, 5, 7, 8],
    ]);
  });

  it("matches NumPy (DeZero's im2col) on the fixture cases", () => {
    for (const c of cases) {
      const x = ramp(c.shape);
      for (const [key, toMatrix] of [
        ["matrix", true],
        ["tensor", false],
      ] as const) {
        const expected = c[key];
        const col = im2col(x, c.kernel, c.stride, c.pad, toMatrix);
        expect(col.shape).toEqual(expected.colShape);
        expect(flat(col)).toEqual(expected.col);
        expect(flat(im2col(stridedView(x), c.kernel, c.stride, c.pad, toMatrix))).toEqual(
          expected.col,
        );
      }
    }
  });

  it("is a transpose-reshape for a 1x1 kernel (closed form)", () => {
    const x = ramp([2, 3, 2, 4]);
    const col = im2col(x, 1);
    expect(col.shape).toEqual([16, 3]);
    expect(flat(col)).toEqual(flat(x.transpose([0, 2, 3, 1]).reshape([16, 3])));
    // With stride 2 only even rows and columns are sampled.
    const strided = im2col(x, 1, 2);
    expect(flat(strided)).toEqual(
      flat(slice(x, [null, null, [0, null, 2], [0, null, 2]]).transpose([0, 2, 3, 1])),
    );
  });

  it("reads sliced views with negative steps and keeps every dtype", () => {
    const base = ramp([2, 2, 5, 6]);
    const view = slice(base, [null, [null, null, -1], [4, 0, -1], [1, null, 2]]);
    expect(view.isContiguous).toBe(false);
    const reference = view.copy();
    for (const toMatrix of [true, false]) {
      expect(flat(im2col(view, [2, 2], 1, 1, toMatrix))).toEqual(
        flat(im2col(reference, [2, 2], 1, 1, toMatrix)),
      );
    }
    for (const dtype of ["int32", "float32", "bool"] as const) {
      const x = base.astype(dtype);
      const col = im2col(x, 3, 2, 1);
      expect(col.dtype).toBe(dtype);
      expect(flat(col)).toEqual(flat(im2col(base, 3, 2, 1).astype(dtype)));
    }
  });

  it("handles windows that lie entirely in the padding and empty batches", () => {
    const x = ones([1, 1, 1, 1]);
    expect(im2col(x, 1, 1, 1).toArray()).toEqual([[0], [0], [0], [0], [1], [0], [0], [0], [0]]);
    expect(im2col(zeros([0, 2, 4, 4]), 3).shape).toEqual([0, 18]);
    expect(im2col(zeros([0, 2, 4, 4]), 3, 1, 0, false).shape).toEqual([0, 2, 3, 3, 2, 2]);
  });

  it("leaves its input unchanged", () => {
    const x = stridedView(ramp([1, 2, 3, 3]));
    const before = [...x.data];
    im2col(x, 2, 1, 1);
    im2col(x, 2, 1, 1, false);
    expect([...x.data]).toEqual(before);
  });

  it("rejects bad shapes and sizes with messages naming them", () => {
    expect(() => im2col(zeros([2, 3]), 2)).toThrow(ShapeError);
    expect(() => im2col(zeros([2, 3]), 2)).toThrow(
      "im2col: expected a 4-D input [N,C,H,W], got [2,3]",
    );
    expect(() => im2col(zeros([1, 1, 3, 3]), 4)).toThrow(ShapeError);
    expect(() => im2col(zeros([1, 1, 3, 3]), 4)).toThrow(
      "im2col: kernel [4,4] is larger than the padded input [3,3] (input [1,1,3,3], pad [0,0])",
    );
    expect(() => im2col(zeros([1, 1, 3, 3]), [2, 6], 1, [0, 1])).toThrow(
      "im2col: kernel [2,6] is larger than the padded input [3,5] (input [1,1,3,3], pad [0,1])",
    );
    expect(im2col(zeros([1, 1, 3, 3]), 5, 1, 1).shape).toEqual([1, 25]);
    expect(() => im2col(zeros([1, 1, 3, 3]), 2, 0)).toThrow(ShapeError);
    expect(() => im2col(zeros([1, 1, 3, 3]), 2, 0)).toThrow(
      "im2col: stride must be an integer >= 1 or a pair of them, got 0",
    );
    expect(() => im2col(zeros([1, 1, 3, 3]), 2, [1, -1])).toThrow(ShapeError);
    expect(() => im2col(zeros([1, 1, 3, 3]), 2, 1, -1)).toThrow(
      "im2col: pad must be an integer >= 0 or a pair of them, got -1",
    );
    expect(() => im2col(zeros([1, 1, 5, 5]), 3, 1, 0, true, 3)).toThrow(
      "im2col: kernel [3,3] dilated to [7,7] is larger than the padded input [5,5] (input [1,1,5,5], pad [0,0])",
    );
    expect(() => im2col(zeros([1, 1, 5, 5]), 3, 1, 0, true, 0)).toThrow(
      "im2col: dilation must be an integer >= 1 or a pair of them, got 0",
    );
    expect(() => im2col(zeros([1, 1, 3, 3]), 0)).toThrow(ShapeError);
    expect(() => im2col(zeros([1, 1, 3, 3]), 1.5)).toThrow(ShapeError);
    expect(() => im2col(zeros([1, 1, 3, 3]), [2, 2, 2] as unknown as IntPair)).toThrow(ShapeError);
  });
});

describe("col2im", () => {
  it("matches NumPy (DeZero's col2im) on the fixture cases", () => {
    for (const c of cases) {
      for (const [key, toMatrix] of [
        ["matrix", true],
        ["tensor", false],
      ] as const) {
        const expected = c[key];
        const n = size(expected.colShape);
        const y = array(
          Float64Array.from({ length: n }, (_, i) => (i % 7) - 3),
          { shape: expected.colShape },
        );
        const image = col2im(y, c.shape, c.kernel, c.stride, c.pad, toMatrix);
        expect(image.shape).toEqual(c.shape);
        expect(image.dtype).toBe("float64");
        expect(flat(image)).toEqual(expected.col2im);
      }
    }
  });

  it("counts window coverage when folding ones (closed form)", () => {
    // 3x3 kernel, stride 1, pad 1: each pixel is covered by (rows in range)·(cols in range).
    const h = 4;
    const w = 5;
    const cols = ones([h * w, 9], { dtype: "float32" });
    const count = (i: number, n: number) => (i === 0 || i === n - 1 ? 2 : 3);
    const expected = Array.from({ length: h }, (_, i) =>
      Array.from({ length: w }, (_, j) => count(i, h) * count(j, w)),
    );
    const image = col2im(cols, [1, 1, h, w], 3, 1, 1);
    expect(image.dtype).toBe("float32");
    expect(image.toArray()).toEqual([[expected]]);
    // Stride 2 with a 2x2 kernel and no padding tiles the image exactly once.
    expect(flat(col2im(ones([4, 4]), [1, 1, 4, 4], 2, 2))).toEqual(new Array(16).fill(1));
    // Rows and columns beyond the last window get nothing: H = 5 with kernel 2, stride 2.
    expect(col2im(ones([4, 4]), [1, 1, 5, 5], 2, 2).toArray()).toEqual([
      [
        [
          [1, 1, 1, 1, 0],
          [1, 1, 1, 1, 0],
          [1, 1, 1, 1, 0],
          [1, 1, 1, 1, 0],
          [0, 0, 0, 0, 0],
        ],
      ],
    ]);
  });

  it("reads non-contiguous columns and combines bool entries with or", () => {
    const colT = ramp([18, 8]).T; // shape [8, 18] = [N·OH·OW, C·KH·KW] for [2,2,3,3], kernel 3, pad 1, stride 2
    expect(colT.isContiguous).toBe(false);
    expect(flat(col2im(colT, [2, 2, 3, 3], 3, 2, 1))).toEqual(
      flat(col2im(colT.copy(), [2, 2, 3, 3], 3, 2, 1)),
    );
    const offsetView = slice(ramp([3, 4, 4]), [[1, 2]]).reshape([4, 4]);
    expect(offsetView.offset).toBe(16);
    expect(flat(col2im(offsetView, [1, 1, 4, 4], 2, 2))).toEqual(
      flat(col2im(offsetView.copy(), [1, 1, 4, 4], 2, 2)),
    );
    const flags = col2im(array([[true], [false], [true], [false]]), [1, 1, 2, 2], 1, 1, 0);
    expect(flags.toArray()).toEqual([
      [
        [
          [true, false],
          [true, false],
        ],
      ],
    ]);
    const overlapping = col2im(ones([4, 4], { dtype: "bool" }), [1, 1, 3, 3], 2);
    expect(overlapping.dtype).toBe("bool");
    expect([...overlapping.data]).toEqual(new Array(9).fill(1));
    expect(col2im(ones([4, 4], { dtype: "int32" }), [1, 1, 3, 3], 2).toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
  });

  it("leaves its input unchanged", () => {
    const col = ramp([8, 18]);
    const before = [...col.data];
    col2im(col, [2, 2, 3, 3], 3, 2, 1);
    expect([...col.data]).toEqual(before);
  });

  it("rejects columns of the wrong shape and bad input shapes", () => {
    expect(() => col2im(zeros([4, 5]), [1, 1, 3, 3], 2)).toThrow(ShapeError);
    expect(() => col2im(zeros([4, 5]), [1, 1, 3, 3], 2)).toThrow(
      "col2im: col of shape [4,5] does not match [4,4] for input [1,1,3,3] (kernel [2,2], stride [1,1], pad [0,0], dilation [1,1])",
    );
    expect(() => col2im(zeros([4, 4]), [1, 1, 3, 3], 2, 1, 0, false)).toThrow(
      "col2im: col of shape [4,4] does not match [1,1,2,2,2,2]",
    );
    expect(() => col2im(zeros([4, 4]), [3, 3], 2)).toThrow(
      "col2im: expected a 4-D input [N,C,H,W], got [3,3]",
    );
    expect(() => col2im(zeros([4, 4]), [1, 1, -3, 3], 2)).toThrow(ShapeError);
    expect(() => col2im(zeros([1, 9]), [1, 1, 2, 2], 3)).toThrow(
      "col2im: kernel [3,3] is larger than the padded input [2,2]",
    );
  });
});

const geometryArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 3 }),
    pw: fc.integer({ min: 0, max: 3 }),
    dh: fc.integer({ min: 1, max: 3 }),
    dw: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer(),
    strided: fc.boolean(),
    toMatrix: fc.boolean(),
  })
  .filter(
    (g) => g.dh * (g.kh - 1) + 1 <= g.h + 2 * g.ph && g.dw * (g.kw - 1) + 1 <= g.w + 2 * g.pw,
  );

describe("im2col / col2im properties", () => {
  it("col2im is the adjoint of im2col: sum(im2col(x)·y) = sum(x·col2im(y))", () => {
    fc.assert(
      fc.property(geometryArb, (g) => {
        const shape = [g.n, g.c, g.h, g.w];
        const kernel: IntPair = [g.kh, g.kw];
        const stride: IntPair = [g.sh, g.sw];
        const pad: IntPair = [g.ph, g.pw];
        const dilation: IntPair = [g.dh, g.dw];
        const contiguousX = array(randomValues(size(shape), g.seed), { shape });
        const x = g.strided ? stridedView(contiguousX) : contiguousX;
        const col = im2col(x, kernel, stride, pad, g.toMatrix, dilation);
        const y = array(randomValues(col.size, g.seed ^ 0x5bd1e995), { shape: col.shape });
        const lhs = col.mul(y).sum().item();
        const rhs = x
          .mul(col2im(y, shape, kernel, stride, pad, g.toMatrix, dilation))
          .sum()
          .item();
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(lhs)));
      }),
      { numRuns: 200 },
    );
  });

  it("im2col equals a naive six-loop reference", () => {
    fc.assert(
      fc.property(geometryArb, (g) => {
        const shape = [g.n, g.c, g.h, g.w];
        const contiguousX = array(randomValues(size(shape), g.seed), { shape });
        const x = g.strided ? stridedView(contiguousX) : contiguousX;
        const d: [number, number] = [g.dh, g.dw];
        const expected = naiveIm2col(x, [g.kh, g.kw], [g.sh, g.sw], [g.ph, g.pw], d);
        const oh = convOutputSize(g.h, g.kh, g.sh, g.ph, g.dh);
        const ow = convOutputSize(g.w, g.kw, g.sw, g.pw, g.dw);
        const tensor = im2col(x, [g.kh, g.kw], [g.sh, g.sw], [g.ph, g.pw], false, d);
        expect(tensor.shape).toEqual([g.n, g.c, g.kh, g.kw, oh, ow]);
        expect(flat(tensor)).toEqual(expected);
        const matrix = im2col(x, [g.kh, g.kw], [g.sh, g.sw], [g.ph, g.pw], true, d);
        expect(matrix.shape).toEqual([g.n * oh * ow, g.c * g.kh * g.kw]);
        expect(flat(matrix)).toEqual(flat(tensor.transpose([0, 4, 5, 1, 2, 3])));
      }),
      { numRuns: 200 },
    );
  });
});

describe("windowMaxima", () => {
  it("gives each window's first maximum and its flat index, as max_pool2d_with_indices", () => {
    // Two planes of 4×4; 2×2 windows with stride 2. Plane 1 ties in its first window.
    const x = array([
      [
        [
          [1, 5, 2, 0],
          [3, 4, 8, 8],
          [0, 0, 1, 2],
          [9, 0, 3, 1],
        ],
        [
          [7, 7, 1, 1],
          [7, 2, 1, 6],
          [-1, -2, 0, 0],
          [-3, -4, 0, 0],
        ],
      ],
    ]);
    const [values, indices] = windowMaxima(x, 2, 2);
    expect(values.toArray()).toEqual([
      [
        [
          [5, 8],
          [9, 3],
        ],
        [
          [7, 6],
          [-1, 0],
        ],
      ],
    ]);
    expect(indices.dtype).toBe("int32");
    expect(indices.toArray()).toEqual([
      [
        [
          [1, 6],
          [12, 14],
        ],
        [
          [16, 23],
          [24, 26],
        ],
      ],
    ]);
  });

  it("reads strided views, skips padding, keeps int32 values and lets a NaN win", () => {
    const base = arange(16).astype("int32").reshape([1, 1, 4, 4]);
    // The transposed view: x[0, 0, i, j] = 4j + i.
    const [values, indices] = windowMaxima(base.transpose([0, 1, 3, 2]), 3, 2, 1);
    expect(values.dtype).toBe("int32");
    expect(values.toArray()).toEqual([
      [
        [
          [5, 13],
          [7, 15],
        ],
      ],
    ]);
    expect(indices.toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    const nan = array([[[[1, Number.NaN, 3, Number.NaN]]]]);
    const [m, at] = windowMaxima(nan, [1, 4]);
    expect(m.item()).toBeNaN();
    expect(at.item()).toBe(1);
  });

  it("rejects a bad rank, a too-large kernel and windows lying in the padding", () => {
    expect(() => windowMaxima(ones([4, 4]), 2)).toThrow(
      "windowMaxima: expected a 4-D input [N,C,H,W], got [4,4]",
    );
    expect(() => windowMaxima(ones([1, 1, 2, 2]), 3)).toThrow(ShapeError);
    // A 2×2 input with 2 of padding: window row 0 covers rows -2 and 3 (dilation 5).
    expect(() => windowMaxima(ones([1, 1, 2, 2]), 2, 1, 2, 5)).toThrow(
      /^windowMaxima: window row 0 lies entirely in the padding \(input \[1,1,2,2\], kernel \[2,2\]/,
    );
  });
});
