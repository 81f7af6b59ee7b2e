import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  argsort,
  array,
  cumsum,
  type DType,
  DTypeError,
  IndexError,
  type NDArray,
  ShapeError,
  sort,
  topk,
  tril,
  triu,
} from "../src/index";
import { layouts } from "./layouts";

// Expected results from NumPy and PyTorch 1.13 (test/fixtures/generate_sorting.py, which
// documents the encoding and which library each op is compared with).

type Encoded = number | boolean | "nan" | "inf" | "-inf" | "-0";
interface EncodedArray {
  dtype: DType;
  shape: number[];
  data: Encoded[];
}
interface Case {
  name: string;
  op: "cumsum" | "tril" | "triu" | "sort" | "argsort" | "topk";
  x: EncodedArray;
  args: { axis?: number | null; k?: number; descending?: boolean };
  out: EncodedArray[];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/sorting_cases.json", import.meta.url), "utf8"),
) as { cases: Case[] };

function decode(v: Encoded): number {
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  if (v === "-0") return -0;
  return Number(v);
}

function run(c: Case, x: NDArray): NDArray[] {
  const { axis, k = 0, descending } = c.args;
  switch (c.op) {
    case "cumsum":
      return [cumsum(x, axis ?? undefined)];
    case "tril":
      return [tril(x, k)];
    case "triu":
      return [triu(x, k)];
    case "sort":
      return [sort(x, axis ?? -1, { descending })];
    case "argsort":
      return [argsort(x, axis ?? -1, { descending })];
    case "topk":
      return topk(x, k, axis ?? -1);
  }
}

describe("cumsum, tril, triu, sort, argsort, topk against NumPy and PyTorch", () => {
  it("has the generated cases", () => {
    expect(fixture.cases.length).toBeGreaterThan(900);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const base = array(c.x.data.map(decode), { dtype: c.x.dtype, shape: c.x.shape });
      for (const [layout, x] of layouts(base)) {
        const before = Array.from(x.toTypedArray());
        const results = run(c, x);
        expect(results.length).toBe(c.out.length);
        results.forEach((y, i) => {
          const expected = c.out[i] as EncodedArray;
          expect(y.dtype, `${layout} dtype`).toBe(expected.dtype);
          expect(y.shape, `${layout} shape`).toEqual(expected.shape);
          // Object.is: NaN equals NaN, and -0 must stay -0 (a stable sort moves values as
          // they are).
          const got = Array.from(y.toTypedArray());
          const want = expected.data.map(decode);
          got.forEach((v, j) => {
            expect(Object.is(v, want[j]), `${layout} element ${j}: ${got} vs ${want}`).toBe(true);
          });
        });
        expect(Array.from(x.toTypedArray()), `${layout} input untouched`).toEqual(before);
      }
    });
  }
});

describe("sorting errors and edge cases", () => {
  const x = array([
    [3, 1, 2],
    [1, 1, 0],
  ]);

  it("sort and argsort agree, descending keeps equal values in order", () => {
    const v = array([2, 1, 2, 3, 1]);
    expect(argsort(v, -1, { descending: true }).toArray()).toEqual([3, 0, 2, 1, 4]);
    expect(sort(v, 0, { descending: true }).toArray()).toEqual([3, 2, 2, 1, 1]);
    expect(v.argsort().toArray()).toEqual([1, 4, 0, 2, 3]);
    const [values, indices] = v.topk(3);
    expect(values.toArray()).toEqual([3, 2, 2]);
    expect(indices.toArray()).toEqual([3, 0, 2]);
  });

  it("names the op and the shapes in its errors", () => {
    expect(() => sort(x, 2)).toThrow(IndexError);
    expect(() => sort(x, 2)).toThrow("sort: axis 2 is out of bounds for an array of shape [2,3]");
    expect(() => sort(array(1))).toThrow(IndexError);
    expect(() => argsort(x, -3)).toThrow(/argsort: axis -3/);
    expect(() => topk(x, 4)).toThrow(
      "topk: k = 4 is out of range for axis 1 of length 3 (shape [2,3])",
    );
    expect(() => topk(x, -1)).toThrow(IndexError);
    expect(() => topk(x, 1.5)).toThrow(DTypeError);
    expect(() => cumsum(x, 2)).toThrow(IndexError);
    expect(() => tril(array([1, 2]))).toThrow(ShapeError);
    expect(() => triu(array([1, 2]))).toThrow(
      /triu: expected an array of at least 2 dimensions.*\[2\]/,
    );
    expect(() => tril(x, 0.5)).toThrow(ShapeError);
  });

  it("cumsum of int32 wraps like C", () => {
    const big = array([2147483647, 1], { dtype: "int32" });
    expect(cumsum(big).toArray()).toEqual([2147483647, -2147483648]);
  });

  it("cumsum without an axis flattens (and so does a 0-d array)", () => {
    expect(cumsum(x).toArray()).toEqual([3, 4, 6, 7, 8, 8]);
    expect(cumsum(array(5)).shape).toEqual([1]);
  });
});
