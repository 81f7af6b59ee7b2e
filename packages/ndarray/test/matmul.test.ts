import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  array,
  arrayEqual,
  broadcastTo,
  copy,
  type DType,
  DTypeError,
  matmul,
  type NDArray,
  ShapeError,
  slice,
  transpose,
  zeros,
} from "../src/index";
import { columnMajorLayout, reversedLayout, steppedLayout } from "./layouts";
import { flatValues, ravel, referenceBroadcast, unravel } from "./reference";

/**
 * NumPy's matmul, one element at a time in float64: 1-D operands become a row (left) or a
 * column (right) whose axis is dropped again, batch axes broadcast.
 */
function referenceMatmul(a: NDArray, b: NDArray): { shape: number[]; values: number[] } {
  const aShape = a.ndim === 1 ? [1, ...a.shape] : [...a.shape];
  const bShape = b.ndim === 1 ? [...b.shape, 1] : [...b.shape];
  const [m, k] = aShape.slice(-2) as [number, number];
  const n = bShape[bShape.length - 1] as number;
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = referenceBroadcast([aBatch, bBatch]) as number[];
  const av = flatValues(a);
  const bv = flatValues(b);
  const count = batch.reduce((p, d) => p * d, 1);
  const values: number[] = [];
  for (let t = 0; t < count; t++) {
    const index = unravel(t, batch);
    const own = (shape: number[]) =>
      shape.map((d, i) => (d === 1 ? 0 : (index[index.length - shape.length + i] as number)));
    const aIndex = own(aBatch);
    const bIndex = own(bBatch);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s +=
            (av[ravel([...aIndex, i, p], aShape)] as number) *
            (bv[ravel([...bIndex, p, j], bShape)] as number);
        }
        values.push(s);
      }
    }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return { shape, values };
}

function expectMatchesReference(a: NDArray, b: NDArray, label = ""): NDArray {
  const result = matmul(a, b);
  const { shape, values } = referenceMatmul(a, b);
  expect(result.shape, `${label} shape`).toEqual(shape);
  expect(flatValues(result), `${label} values`).toEqual(values);
  return result;
}

/** Small integers: every sum below is exact in float32, so results must match exactly. */
function integers(shape: number[], dtype: DType, seed: number): NDArray {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: size }, (_, i) => ((i * 7 + seed * 13) % 9) - 4);
  return array(values, { dtype, shape });
}

describe("matmul", () => {
  it("1-D · 1-D is an inner product with a 0-d result", () => {
    const result = matmul(array([1, 2, 3]), array([4, 5, 6]));
    expect(result.shape).toEqual([]);
    expect(result.dtype).toBe("float32");
    expect(result.item()).toBe(32);
  });

  it("1-D · 2-D and 2-D · 1-D drop the promoted axis", () => {
    const m = array([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(matmul(array([1, -1]), m).toArray()).toEqual([-3, -3, -3]);
    expect(matmul(m, array([1, 0, -1])).toArray()).toEqual([-2, -2]);
    expectMatchesReference(array([1, 2, 3]), integers([2, 3, 4], "float32", 1), "[3]·[2,3,4]");
    expectMatchesReference(integers([2, 3, 4], "float32", 2), array([1, 2, 3, 4]), "[2,3,4]·[4]");
  });

  it("2-D · 2-D", () => {
    const a = array([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const b = array([
      [1, 0, 2],
      [0, 1, 3],
    ]);
    expect(matmul(a, b).toArray()).toEqual([
      [1, 2, 8],
      [3, 4, 18],
      [5, 6, 28],
    ]);
    expect(a.matmul(b).toArray()).toEqual(matmul(a, b).toArray());
  });

  it("broadcasts batch dimensions: [2,1,3,4]·[5,4,2] → [2,5,3,2]", () => {
    const result = expectMatchesReference(
      integers([2, 1, 3, 4], "float32", 3),
      integers([5, 4, 2], "float32", 4),
    );
    expect(result.shape).toEqual([2, 5, 3, 2]);
    expectMatchesReference(integers([3, 2, 4], "float64", 5), integers([4, 5], "float64", 6));
    expectMatchesReference(integers([1, 4, 5], "float32", 7), integers([6, 1, 5, 2], "float32", 8));
  });

  it("handles empty dimensions", () => {
    expect(matmul(zeros([0, 3]), zeros([3, 4])).shape).toEqual([0, 4]);
    expect(matmul(zeros([0, 2, 3]), zeros([3, 4])).shape).toEqual([0, 2, 4]);
    const noDepth = matmul(zeros([2, 0]), zeros([0, 3]));
    expect(noDepth.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(zeros([0]), zeros([0])).item()).toBe(0);
  });

  it("int32 and bool operands follow NumPy (int32 stays int32, bool is an or of ands)", () => {
    const a = array(
      [
        [1, -2],
        [3, 50000],
      ],
      { dtype: "int32" },
    );
    const b = array(
      [
        [5, 6],
        [7, 50000],
      ],
      { dtype: "int32" },
    );
    const product = matmul(a, b);
    expect(product.dtype).toBe("int32");
    expect(product.toArray()).toEqual([
      [1 * 5 - 2 * 7, 1 * 6 - 2 * 50000],
      // 2.5e9 overflows int32 and wraps, as NumPy's integer matmul does
      [3 * 5 + 50000 * 7, 3 * 6 + 50000 * 50000 - 2 ** 32],
    ]);
    const p = array([
      [true, false],
      [false, false],
      [true, true],
    ]);
    const q = array([
      [true, true, false],
      [true, false, false],
    ]);
    const logical = matmul(p, q);
    expect(logical.dtype).toBe("bool");
    expect(logical.toArray()).toEqual([
      [true, true, false],
      [false, false, false],
      [true, true, false],
    ]);
    expect(matmul(p, array([[2], [3]], { dtype: "int32" })).dtype).toBe("int32");
  });

  it("promotes mixed dtypes (float32·float64 → float64, int32·float32 → float32)", () => {
    const a = array([[0.1, 0.2]], { dtype: "float64" });
    const b = array([[1], [1]], { dtype: "float32" });
    const mixed = matmul(a, b);
    expect(mixed.dtype).toBe("float64");
    expect(mixed.item()).toBe(0.1 + 0.2);
    expect(matmul(b, a).dtype).toBe("float64");
    const ints = array([[1, 2]], { dtype: "int32" });
    const floats = array([[0.5], [0.25]], { dtype: "float32" });
    expect(matmul(ints, floats).dtype).toBe("float32");
    expect(matmul(ints, floats).item()).toBe(1);
  });

  it("reads transposed views in place: the same result as on a contiguous copy", () => {
    const x = integers([33, 70], "float32", 9).mul(0.37);
    const w = integers([45, 70], "float32", 10).mul(1.3);
    const viaView = matmul(x, transpose(w));
    expect(arrayEqual(viaView, matmul(x, copy(transpose(w))))).toBe(true);
    const gradient = matmul(transpose(x), integers([33, 45], "float32", 11));
    expect(
      arrayEqual(gradient, matmul(copy(transpose(x)), integers([33, 45], "float32", 11))),
    ).toBe(true);
  });

  it("names both shapes when the inner dimensions differ", () => {
    expect(() => matmul(zeros([32, 784]), zeros([10, 128]))).toThrow(
      new ShapeError("matmul: [32,784]·[10,128]: inner dimensions differ (784 vs 10)"),
    );
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow(
      "matmul: [3]·[4]: inner dimensions differ (3 vs 4)",
    );
    expect(() => matmul(zeros([2, 3]), zeros([2]))).toThrow(
      "matmul: [2,3]·[2]: inner dimensions differ (3 vs 2)",
    );
  });

  it("rejects 0-d operands and batch dimensions that do not broadcast", () => {
    expect(() => matmul(array(2), zeros([2, 2]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2]), array(2))).toThrow(
      "matmul: operands must have at least one dimension, got [2] and []",
    );
    expect(() => matmul(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrow(
      new ShapeError(
        "matmul: batch dimensions of [2,3,4]·[3,4,5]: cannot broadcast [2] with [3] (axis 0: 2 vs 3)",
      ),
    );
    expect(() => matmul([[1]] as unknown as NDArray, zeros([1, 1]))).toThrow(DTypeError);
  });

  it("returns a new array and leaves its inputs unchanged", () => {
    const a = integers([4, 5], "float32", 12);
    const b = transpose(integers([3, 5], "float32", 13));
    const before = [flatValues(a), flatValues(b)];
    const result = matmul(a, b);
    expect(result.data).not.toBe(a.data);
    expect(result.data).not.toBe(b.data);
    expect([flatValues(a), flatValues(b)]).toEqual(before);
  });
});

type Layout = "contiguous" | "reversed" | "column-major" | "stepped" | "broadcast";

/** The same logical array in another memory layout (broadcast: its first entry along axis 0 repeated). */
function arrange(x: NDArray, layout: Layout): NDArray {
  switch (layout) {
    case "contiguous":
      return x;
    case "reversed":
      return reversedLayout(x);
    case "column-major":
      return columnMajorLayout(x);
    case "stepped":
      return steppedLayout(x);
    case "broadcast":
      return (x.shape[0] as number) > 0 ? broadcastTo(slice(x, [[0, 1]]), x.shape) : x;
  }
}

const LAYOUT_NAMES: Layout[] = ["contiguous", "reversed", "column-major", "stepped", "broadcast"];

describe("matmul property", () => {
  it("matmul agrees with a naive reference on random shapes and strides", () => {
    const size = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 6, max: 40 }));
    const batchDims = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 });
    fc.assert(
      fc.property(
        fc.record({
          m: size,
          n: size,
          k: size,
          aBatch: batchDims,
          bBatch: batchDims,
          aVector: fc.boolean(),
          bVector: fc.boolean(),
          aLayout: fc.constantFrom(...LAYOUT_NAMES),
          bLayout: fc.constantFrom(...LAYOUT_NAMES),
          dtype: fc.constantFrom<DType>("float32", "float64"),
          seed: fc.integer({ min: 0, max: 100 }),
        }),
        ({ m, n, k, aBatch, bBatch, aVector, bVector, aLayout, bLayout, dtype, seed }) => {
          // Turn each batch axis of b into 1 or a's length where both exist, so shapes broadcast.
          const aShape = aVector ? [k] : [...aBatch, m, k];
          const bDims = bBatch.map((d, i) => {
            const other = aBatch[aBatch.length - bBatch.length + i];
            return other === undefined || d === 1 ? d : other;
          });
          const bShape = bVector ? [k] : [...bDims, k, n];
          const a = arrange(integers(aShape, dtype, seed), aLayout);
          const b = arrange(integers(bShape, dtype, seed + 1), bLayout);
          const before = [flatValues(a), flatValues(b)];
          const result = expectMatchesReference(a, b, `${aLayout} · ${bLayout}`);
          expect(result.dtype).toBe(dtype);
          expect([flatValues(a), flatValues(b)]).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });
});
