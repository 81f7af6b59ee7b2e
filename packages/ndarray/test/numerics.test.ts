import { describe, expect, it } from "vitest";
import {
  add,
  array,
  type DType,
  div,
  exp,
  log,
  logsumexp,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  NDArray,
  prod,
  std,
  sub,
  sum,
  variance,
} from "../src/index";
import { lcg } from "./reference";

/** The spacing of float32 numbers at |v|. */
function ulp32(v: number): number {
  const exponent = Math.floor(Math.log2(Math.abs(v)));
  return 2 ** (exponent - 23);
}

/** Kahan-compensated float64 sum: the exact reference for a million float32 values. */
function kahanSum(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const y = (values[i] as number) - c;
    const t = s + y;
    c = t - s - y;
    s = t;
  }
  return s;
}

/** What a float32 running sum (no pairing, no wider accumulator) gives. */
function naiveFloat32Sum(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s = Math.fround(s + (values[i] as number));
  return s;
}

describe("logsumexp and softmax stay finite for large inputs", () => {
  for (const dtype of ["float32", "float64"] as DType[]) {
    it(`logsumexp of values around ±1000 (${dtype})`, () => {
      const x = array(
        [
          [1000, 1000, 999],
          [-1000, -1000, -1001],
          [1000, -1000, 0],
        ],
        { dtype },
      );
      const r = Array.from(logsumexp(x, 1).toTypedArray());
      const tol = dtype === "float32" ? 1e-4 : 1e-12;
      expect(r.every(Number.isFinite)).toBe(true);
      expect(Math.abs((r[0] as number) - (1000 + Math.log(2 + Math.exp(-1))))).toBeLessThan(tol);
      expect(Math.abs((r[1] as number) - (-1000 + Math.log(2 + Math.exp(-1))))).toBeLessThan(tol);
      expect(Math.abs((r[2] as number) - 1000)).toBeLessThan(tol);
      expect(logsumexp(array([-1000, -1000], { dtype })).item()).toBeCloseTo(-1000 + Math.LN2, 3);
    });

    it(`softmax written with logsumexp sums to one (${dtype})`, () => {
      const x = array(
        [
          [1000, 999, 998, -1000],
          [-1000, -999, -1002, -1000.5],
        ],
        { dtype },
      );
      const p = exp(sub(x, logsumexp(x, 1, true)));
      const values = Array.from(p.toTypedArray());
      expect(values.every(Number.isFinite)).toBe(true);
      const sums = Array.from(sum(p, 1).toTypedArray());
      // In float32 at ±1000 an ulp is 6e-5, so x − logsumexp(x) itself carries that error.
      for (const s of sums) expect(s).toBeCloseTo(1, dtype === "float32" ? 4 : 10);
      // The naive form overflows to NaN: what the shift avoids.
      const naive = div(exp(x), sum(exp(x), 1, true));
      expect(Number.isNaN(naive.toTypedArray()[0] as number)).toBe(true);
    });
  }

  it("logsumexp keeps infinities meaningful", () => {
    expect(logsumexp(array([Infinity, 1])).item()).toBe(Infinity);
    expect(logsumexp(array([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logsumexp(array([-Infinity, 0])).item()).toBe(0);
    expect(logsumexp(array([Number.NaN, 0])).item()).toBeNaN();
  });
});

describe("float32 summation accuracy", () => {
  const n = 1_000_000;

  it("sums a million copies of 0.1f to within an ulp (a float32 running sum is 1% off)", () => {
    const values = new Float32Array(n).fill(0.1);
    const exact = kahanSum(values);
    const x = new NDArray(values, [n]);
    const got = sum(x).item();
    const bound = 2 * ulp32(exact);
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(bound);
    // The bound is tight enough to fail a naive float32 accumulation...
    expect(Math.abs(naiveFloat32Sum(values) - exact)).toBeGreaterThan(100 * bound);
    // ...and at least as good as NumPy's pairwise float32 sum (relative error ~1e-7 here).
    expect(Math.abs(got - exact) / exact).toBeLessThan(1e-7);
    expect(mean(x).item()).toBeCloseTo(Math.fround(0.1), 8);
  });

  it("sums a million random float32 values accurately, along any axis", () => {
    const next = lcg(42);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = next() * 2 + 1e-3;
    const x = new NDArray(values, [1000, 1000]);
    const exact = kahanSum(values);
    const got = sum(x).item();
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(2 * ulp32(exact));
    expect(Math.abs(naiveFloat32Sum(values) - exact)).toBeGreaterThan(2 * ulp32(exact));
    // Per-row and per-column sums, each checked against its own exact reference.
    const rows = Array.from(sum(x, 1).toTypedArray());
    const columns = Array.from(sum(x, 0).toTypedArray());
    for (let i = 0; i < 1000; i += 97) {
      const row = kahanSum(values.subarray(i * 1000, (i + 1) * 1000));
      expect(Math.abs((rows[i] as number) - row)).toBeLessThanOrEqual(ulp32(row));
      const column = kahanSum(
        Array.from({ length: 1000 }, (_, r) => values[r * 1000 + i] as number),
      );
      expect(Math.abs((columns[i] as number) - column)).toBeLessThanOrEqual(ulp32(column));
    }
  });
});

describe("mean and variance of data with a large offset", () => {
  it("float64: 1e9 plus small noise keeps the variance of the noise", () => {
    const next = lcg(7);
    const noise = Array.from({ length: 10_000 }, () => next() - 0.5);
    const noiseMean = noise.reduce((s, v) => s + v, 0) / noise.length;
    const noiseVar = noise.reduce((s, v) => s + (v - noiseMean) ** 2, 0) / noise.length;
    const x = array(
      noise.map((v) => 1e9 + v),
      { dtype: "float64" },
    );
    expect(Math.abs(mean(x).item() - (1e9 + noiseMean))).toBeLessThan(1e-6);
    expect(Math.abs(variance(x).item() - noiseVar) / noiseVar).toBeLessThan(1e-6);
    expect(Math.abs(std(x).item() - Math.sqrt(noiseVar)) / Math.sqrt(noiseVar)).toBeLessThan(1e-6);
    // E[x²] − E[x]² in float64 loses everything here: what the two-pass form avoids.
    const onePass = mean(mul(x, x)).item() - mean(x).item() ** 2;
    expect(Math.abs(onePass - noiseVar) / noiseVar).toBeGreaterThan(1e-2);
  });

  it("float32: 1e6 plus multiples of 1/16 (exactly representable) gives the exact statistics", () => {
    const next = lcg(9);
    const steps = Array.from({ length: 4096 }, () => Math.floor(next() * 64) - 32);
    const x = array(
      steps.map((k) => 1e6 + k / 16),
      { dtype: "float32" },
    );
    const m = steps.reduce((s, k) => s + k, 0) / steps.length;
    const v = steps.reduce((s, k) => s + (k - m) ** 2, 0) / steps.length / 256;
    expect(mean(x).item()).toBe(Math.fround(1e6 + m / 16));
    expect(Math.abs(variance(x).item() - v) / v).toBeLessThan(1e-6);
    expect(variance(array([1e6, 1e6, 1e6])).item()).toBe(0);
    expect(std(array([3e7, 3e7])).item()).toBe(0);
  });

  it("variance along an axis of offset rows", () => {
    const x = array(
      [
        [1e8 + 1, 1e8 + 2, 1e8 + 3],
        [-1e8, -1e8 + 2, -1e8 + 4],
      ],
      { dtype: "float64" },
    );
    expect(Array.from(variance(x, 1).toTypedArray())).toEqual([2 / 3, 8 / 3]);
  });
});

describe("NaN and infinities propagate as IEEE 754 says", () => {
  for (const dtype of ["float32", "float64"] as DType[]) {
    it(`elementwise (${dtype})`, () => {
      const inf = Infinity;
      const nan = Number.NaN;
      const a = array([nan, inf, inf, -inf, inf, 0, 1, -0], { dtype });
      const b = array([1, -inf, inf, -inf, 0, nan, inf, 0], { dtype });
      const look = (x: NDArray) => Array.from(x.toTypedArray());
      expect(look(add(a, b))).toEqual([nan, nan, inf, -inf, inf, nan, inf, 0]);
      expect(look(mul(a, b))).toEqual([nan, -inf, inf, inf, nan, nan, inf, -0]);
      expect(look(maximum(a, b))).toEqual([nan, inf, inf, -inf, inf, nan, inf, 0]);
      expect(look(minimum(a, b))).toEqual([nan, -inf, inf, -inf, 0, nan, 1, -0]);
      const e = dtype === "float32" ? Math.fround(Math.E) : Math.E;
      expect(look(exp(a))).toEqual([nan, inf, inf, 0, inf, 1, e, 1]);
      expect(look(log(array([nan, inf, 0, -0, -1, 1], { dtype })))).toEqual([
        nan,
        inf,
        -inf,
        -inf,
        nan,
        0,
      ]);
      expect(
        look(div(array([1, -1, 0, inf], { dtype }), array([0, 0, 0, inf], { dtype }))),
      ).toEqual([inf, -inf, nan, nan]);
    });

    it(`reductions (${dtype})`, () => {
      const x = array(
        [
          [1, Number.NaN, 3],
          [1, Infinity, -Infinity],
          [Infinity, 2, 3],
          [0, Infinity, 1],
        ],
        { dtype },
      );
      const look = (r: NDArray) => Array.from(r.toTypedArray());
      expect(look(sum(x, 1))).toEqual([Number.NaN, Number.NaN, Infinity, Infinity]);
      expect(look(prod(x, 1))).toEqual([Number.NaN, -Infinity, Infinity, Number.NaN]);
      expect(look(max(x, 1))).toEqual([Number.NaN, Infinity, Infinity, Infinity]);
      expect(look(min(x, 1))).toEqual([Number.NaN, -Infinity, 2, 0]);
      expect(look(mean(x, 1))).toEqual([Number.NaN, Number.NaN, Infinity, Infinity]);
      expect(sum(x).item()).toBeNaN();
      expect(max(array([-Infinity, -Infinity], { dtype })).item()).toBe(-Infinity);
      // A large float32 sum overflows to Infinity rather than wrapping or saturating.
      expect(sum(array([3e38, 3e38], { dtype: "float32" })).item()).toBe(Infinity);
    });
  }
});
