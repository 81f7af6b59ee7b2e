import { describe, expect, it } from "vitest";
import { array, DTypeError, NDArrayError, Random, ShapeError, transpose } from "../src/index";

// Random.categorical and Random.bernoulli. The statistical checks use fixed seeds, so they are
// deterministic: each bound was chosen so that a correct sampler passes it with overwhelming
// probability (chi-square at the 0.1% level, means within 4 standard errors) and a sampler
// with a misplaced category or a shifted probability does not.

const values = (x: { toTypedArray(): ArrayLike<number> }) => Array.from(x.toTypedArray());

/** Counts of each category 0..k-1 among `draws`. */
function counts(draws: number[], k: number): number[] {
  const out = new Array<number>(k).fill(0);
  for (const d of draws) out[d] = (out[d] as number) + 1;
  return out;
}

/** Pearson's chi-square statistic of observed counts against probabilities. */
function chiSquare(observed: number[], probs: number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((sum, o, i) => {
    const e = n * (probs[i] as number);
    return sum + (o - e) ** 2 / e;
  }, 0);
}

// Chi-square critical values at p = 0.001.
const CRITICAL = { 3: 16.27, 4: 18.47 } as const;

describe("Random.categorical", () => {
  it("draws with the (unnormalised) weights' frequencies: chi-square below the 0.1% level", () => {
    const rng = new Random(2024);
    const draws = values(rng.categorical(array([1, 2, 3, 4]), 40000));
    const stat = chiSquare(counts(draws, 4), [0.1, 0.2, 0.3, 0.4]);
    expect(stat).toBeLessThan(CRITICAL[3]);
    // A sampler off by one category would be far out.
    expect(chiSquare(counts(draws, 4), [0.4, 0.3, 0.2, 0.1])).toBeGreaterThan(1000);
  });

  it("samples each row of [N, K] from its own distribution, int32 [N, numSamples]", () => {
    const probs = array(
      [
        [0.5, 0, 0.5, 0, 0],
        [0, 0, 0, 0, 7],
        [1, 1, 1, 1, 1],
      ],
      { dtype: "float64" },
    );
    const out = new Random(9).categorical(probs, 20000);
    expect(out.dtype).toBe("int32");
    expect(out.shape).toEqual([3, 20000]);
    const rows = out.toArray() as number[][];
    const first = counts(rows[0] as number[], 5);
    expect(first[1]).toBe(0); // weight 0 is never drawn
    expect(first[3]).toBe(0);
    expect(first[4]).toBe(0);
    expect(Math.abs((first[0] as number) - 10000)).toBeLessThan(4 * Math.sqrt(20000 * 0.25));
    expect(counts(rows[1] as number[], 5)).toEqual([0, 0, 0, 0, 20000]);
    expect(chiSquare(counts(rows[2] as number[], 5), [0.2, 0.2, 0.2, 0.2, 0.2])).toBeLessThan(
      CRITICAL[4],
    );
  });

  it("is deterministic per seed and depends only on the normalised weights", () => {
    const p = array([0.1, 0.7, 0.2], { dtype: "float64" });
    const a = values(new Random(5).categorical(p, 50));
    expect(values(new Random(5).categorical(p, 50))).toEqual(a);
    // Scaling by a power of two is exact in float64, so the same uniforms pick the same.
    expect(values(new Random(5).categorical(p.mul(8), 50))).toEqual(a);
    expect(values(new Random(6).categorical(p, 50))).not.toEqual(a);
  });

  it("reads strided probs and leaves them untouched", () => {
    const probs = transpose(
      array(
        [
          [1, 0],
          [0, 1],
          [0, 0],
        ],
        { dtype: "float32" },
      ),
    ); // [2, 3]: row 0 = [1, 0, 0], row 1 = [0, 1, 0]
    const before = probs.toArray();
    expect(new Random(1).categorical(probs, 3).toArray()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(probs.toArray()).toEqual(before);
  });

  it("throws typed errors for bad probs or counts, before drawing anything", () => {
    const rng = new Random(3);
    const next = new Random(3);
    expect(() => rng.categorical(array([0.5, -0.1]), 2)).toThrow(NDArrayError);
    expect(() => rng.categorical(array([0.5, -0.1]), 2)).toThrow(
      "categorical: probs must be finite and non-negative, got -0.10000000149011612 at [1] (shape [2])",
    );
    expect(() =>
      rng.categorical(
        array([
          [1, 1],
          [0, 0],
        ]),
        2,
      ),
    ).toThrow("categorical: probs row 1 sums to zero (shape [2,2])");
    expect(() => rng.categorical(array([Number.NaN, 1]), 2)).toThrow(NDArrayError);
    expect(() => rng.categorical(array([Number.POSITIVE_INFINITY, 1]), 2)).toThrow(NDArrayError);
    expect(() => rng.categorical(array([1, 2]), 0)).toThrow(
      /numSamples must be a positive integer/,
    );
    expect(() => rng.categorical(array([1, 2]), 1.5)).toThrow(NDArrayError);
    expect(() => rng.categorical(array(1), 1)).toThrow(ShapeError);
    expect(() => rng.categorical(array([[[1]]]), 1)).toThrow(/shape \[1,1,1\]/);
    expect(() => rng.categorical(array([]), 1)).toThrow(ShapeError);
    expect(rng.uint32()).toBe(next.uint32());
  });
});

describe("Random.bernoulli", () => {
  it("is 1 with probability p: the mean within 4 standard errors", () => {
    const n = 50000;
    const x = new Random(77).bernoulli(0.3, [n]);
    expect(x.dtype).toBe("float32");
    const mean = values(x).reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
    expect(values(x).every((v) => v === 0 || v === 1)).toBe(true);
  });

  it("broadcasts an array p to the shape, one probability per column", () => {
    const p = array([0, 0.25, 0.9, 1], { dtype: "float64" });
    const x = new Random(8).bernoulli(p, [20000, 4]);
    expect(x.shape).toEqual([20000, 4]);
    const means = x.mean(0).toArray() as number[];
    expect(means[0]).toBe(0);
    expect(means[3]).toBe(1);
    expect(Math.abs((means[1] as number) - 0.25)).toBeLessThan(4 * Math.sqrt(0.1875 / 20000));
    expect(Math.abs((means[2] as number) - 0.9)).toBeLessThan(4 * Math.sqrt(0.09 / 20000));
  });

  it("defaults to p's shape (0-d for a number) and takes a dtype", () => {
    const rng = new Random(4);
    expect(rng.bernoulli(array([[0.5, 0.5]])).shape).toEqual([1, 2]);
    expect(rng.bernoulli(0.5).shape).toEqual([]);
    expect(rng.bernoulli(1, [3], { dtype: "bool" }).toArray()).toEqual([true, true, true]);
    expect(rng.bernoulli(1, [2], { dtype: "int32" }).dtype).toBe("int32");
    expect(rng.bernoulli(0, [2], { dtype: "float64" }).toArray()).toEqual([0, 0]);
  });

  it("is deterministic per seed", () => {
    const a = values(new Random(12).bernoulli(0.5, [64]));
    expect(values(new Random(12).bernoulli(0.5, [64]))).toEqual(a);
    expect(values(new Random(13).bernoulli(0.5, [64]))).not.toEqual(a);
  });

  it("throws typed errors, before drawing anything, and leaves p untouched", () => {
    const rng = new Random(3);
    const next = new Random(3);
    const p = array([0.2, 1.5]);
    expect(() => rng.bernoulli(p)).toThrow(NDArrayError);
    expect(() => rng.bernoulli(p)).toThrow(
      /bernoulli: p must be in \[0, 1\], got 1.5 at flat position 1/,
    );
    expect(p.toArray()).toEqual([0.20000000298023224, 1.5]);
    expect(() => rng.bernoulli(Number.NaN, [2])).toThrow(NDArrayError);
    expect(() => rng.bernoulli(-0.1)).toThrow(NDArrayError);
    expect(() => rng.bernoulli(array([0.5, 0.5, 0.5]), [2, 2])).toThrow(ShapeError);
    expect(() => rng.bernoulli(array([0.5, 0.5, 0.5]), [2, 2])).toThrow(
      "bernoulli: p of shape [3] does not broadcast to shape [2,2]",
    );
    expect(() => rng.bernoulli(0.5, [-1])).toThrow(ShapeError);
    expect(() => rng.bernoulli(0.5, [2], { dtype: "int8" as "int32" })).toThrow(DTypeError);
    expect(rng.uint32()).toBe(next.uint32());
  });
});
